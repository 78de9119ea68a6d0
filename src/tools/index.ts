/** The tool catalog: every public tool, in the order a workflow uses them. */
import type { ToolDefinition } from './define.js';
import { addQuestions } from './add-questions.js';
import { assignParticipants } from './assign-participants.js';
import { prioritizeSegments } from './prioritize-segments.js';
import { segmentMigration } from './segment-migration.js';
import { clusterParticipants } from './cluster-participants.js';
import { codeThemes } from './code-themes.js';
import { crosstab } from './crosstab.js';
import { driverAnalysis } from './driver-analysis.js';
import { exportSegments } from './export-segments.js';
import { generateReport } from './generate-report.js';
import { compareSegments } from './compare-segments.js';
import { getSegmentation } from './get-segmentation.js';
import { segmentByRules } from './segment-by-rules.js';
import { updateSegment } from './update-segment.js';
import { validateSegmentation } from './validate-segmentation.js';
import { getParticipant } from './get-participant.js';
import { importParticipants } from './import-participants.js';
import { queryParticipants } from './query-participants.js';
import { recordInterview } from './record-interview.js';
import { createStudy, getStudy, listStudies } from './studies.js';
import { summarizeQuestions } from './summarize-questions.js';

export const tools = [
  createStudy,
  listStudies,
  getStudy,
  addQuestions,
  importParticipants,
  recordInterview,
  getParticipant,
  queryParticipants,
  summarizeQuestions,
  codeThemes,
  crosstab,
  driverAnalysis,
  clusterParticipants,
  segmentByRules,
  getSegmentation,
  updateSegment,
  compareSegments,
  validateSegmentation,
  prioritizeSegments,
  assignParticipants,
  segmentMigration,
  exportSegments,
  generateReport,
] as unknown as readonly ToolDefinition[];
