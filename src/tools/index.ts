/** The tool catalog: every public tool, in the order a workflow uses them. */
import type { ToolDefinition } from './define.js';
import { addQuestionsTool } from './add-questions.js';
import { assignParticipantsTool } from './assign-participants.js';
import { clusterParticipantsTool } from './cluster-participants.js';
import { codeThemesTool } from './code-themes.js';
import { compareSegmentsTool } from './compare-segments.js';
import { createStudyTool } from './create-study.js';
import { deleteParticipantTool } from './delete-participant.js';
import { deleteStudyTool } from './delete-study.js';
import { crosstabTool } from './crosstab.js';
import { driverAnalysisTool } from './driver-analysis.js';
import { exportSegmentsTool } from './export-segments.js';
import { fetchTool } from './fetch.js';
import { generateReportTool } from './generate-report.js';
import { getParticipantTool } from './get-participant.js';
import { getSegmentationTool } from './get-segmentation.js';
import { getStudyTool } from './get-study.js';
import { importParticipantsTool } from './import-participants.js';
import { listStudiesTool } from './list-studies.js';
import { manageTokensTool } from './manage-tokens.js';
import { prioritizeSegmentsTool } from './prioritize-segments.js';
import { queryParticipantsTool } from './query-participants.js';
import { recordInterviewTool } from './record-interview.js';
import { searchTool } from './search.js';
import { segmentByRulesTool } from './segment-by-rules.js';
import { segmentMigrationTool } from './segment-migration.js';
import { setAttributeTypeTool } from './set-attribute-type.js';
import { summarizeQuestionsTool } from './summarize-questions.js';
import { updateSegmentTool } from './update-segment.js';
import { validateSegmentationTool } from './validate-segmentation.js';

export const tools = [
  createStudyTool,
  listStudiesTool,
  getStudyTool,
  addQuestionsTool,
  importParticipantsTool,
  setAttributeTypeTool,
  recordInterviewTool,
  getParticipantTool,
  queryParticipantsTool,
  summarizeQuestionsTool,
  codeThemesTool,
  crosstabTool,
  driverAnalysisTool,
  clusterParticipantsTool,
  segmentByRulesTool,
  getSegmentationTool,
  updateSegmentTool,
  compareSegmentsTool,
  validateSegmentationTool,
  prioritizeSegmentsTool,
  assignParticipantsTool,
  segmentMigrationTool,
  exportSegmentsTool,
  generateReportTool,
  // Team and connectors: erasure and tokens (owners only over HTTP), and search/fetch for ChatGPT.
  deleteParticipantTool,
  deleteStudyTool,
  manageTokensTool,
  searchTool,
  fetchTool,
] as unknown as readonly ToolDefinition[];
