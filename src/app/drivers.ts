/** driver_analysis: what moves an outcome, overall and per segment. */
import { analyzeDrivers, type DriverResult } from '../domain/drivers.js';
import { fitMessages, jsonChars, STRUCTURED_BUDGET } from '../domain/budget.js';
import { UserError } from '../errors.js';
import { fitSegments } from './segmentations.js';
import type { Store } from '../store/index.js';
import { population, overInterviews, populationRule } from '../domain/population.js';

/** Most driver fields one analysis takes (choices expand into one column per option). */
export const MAX_DRIVERS = 30;
/** Most columns the drivers may expand into before relative weights become unstable and slow. */
const MAX_DRIVER_COLUMNS = 60;

/** Drivers shown per segment (the strongest by share of R², else by |r|). */
const SEGMENT_DRIVERS = 5;

function strongest(rows: DriverResult['drivers'], n: number): DriverResult['drivers'] {
  const strength = (d: DriverResult['drivers'][number]) => d.share_of_r_squared ?? Math.abs(d.pearson.r ?? 0);
  return [...rows].sort((a, b) => strength(b) - strength(a)).slice(0, n);
}

export interface DriverRequest {
  studyId: number;
  /** answer.<scale or yes/no key>, or attr.<number attribute>. */
  outcome: string;
  /** Fields to test (default: every scale and yes/no answer and number attribute). */
  drivers?: string[] | undefined;
  method?: 'all' | 'correlation' | 'relative_weights' | undefined;
  /** Also analyse within each segment of this segmentation. */
  segmentationId?: number | undefined;
  /** The population rule: completed interviews, plus partial ones when true. */
  includePartial?: boolean | undefined;
}

/** What moves an outcome: correlations and Johnson's relative weights, overall and per segment. */
export async function driverAnalysis(store: Store, { studyId: study_id, outcome, drivers, method = 'all', segmentationId: segmentation_id, includePartial = false }: DriverRequest) {
  await store.studies.get(study_id);
  const context = await store.fieldCatalog(study_id, segmentation_id);
  const outcomeColumns = await store.analysis.numeric(study_id, outcome, context);
  if (outcomeColumns.length !== 1) throw new UserError(`outcome "${outcome}" must be one number: a scale or yes/no answer, a number attribute, or answer.<key>:<option>.`);
  // By default the first MAX_DRIVERS scale and yes/no answers and number attributes (a CRM export
  // can have hundreds of number columns; naming drivers picks others).
  const candidates = [
    ...[...context.questions.values()].filter((q) => q.type === 'scale' || q.type === 'yes_no').map((q) => `answer.${q.key}`),
    ...[...context.attributes.entries()].filter(([, t]) => t === 'number').map(([n]) => `attr.${n}`),
  ].filter((f) => f !== outcome);
  const fields = drivers ?? candidates.slice(0, MAX_DRIVERS);
  const notes = drivers === undefined && candidates.length > MAX_DRIVERS ? [`Tested the first ${MAX_DRIVERS} of ${candidates.length} candidate drivers (answers first); name drivers to test others.`] : [];
  if (fields.length === 0) throw new UserError('No drivers: name some (answer.<key>, attr.<name>, theme) or add scale questions / number attributes.');
  if (fields.includes(outcome)) throw new UserError(`"${outcome}" is the outcome; it cannot also be a driver.`);
  const inputs = await store.analysis.numericColumns(study_id, fields, context);
  if (inputs.length > MAX_DRIVER_COLUMNS) throw new UserError(`The drivers expand into ${inputs.length} columns; name at most ~${MAX_DRIVERS} (choices expand into one per option).`);
  // Only the outcomes of counted participants: every driver is then read over the same people.
  const rule = populationRule(includePartial, overInterviews([outcome, ...fields]));
  const counted = await store.analysis.counted(study_id, rule);
  const target = outcomeColumns[0]!.values.filter((id) => counted.has(id));
  const strip = (r: DriverResult): DriverResult =>
    method === 'correlation' ? { ...r, r_squared: null, drivers: r.drivers.map((d) => ({ ...d, relative_weight: null, share_of_r_squared: null })), warnings: r.warnings.filter((w) => !w.startsWith('Relative weights')) } : r;
  const overall = strip(analyzeDrivers(target, inputs));
  overall.warnings.unshift(...notes);
  const segments = [];
  if (segmentation_id !== undefined) {
    // Each segment shows its strongest drivers; the segments in full as far as they fit, the rest as headlines.
    const members = (await store.segmentations.memberCount(segmentation_id)) || 1;
    for (const s of await store.segmentations.segments(segmentation_id)) {
      const inSegment = new Set((await store.segmentations.memberships(segmentation_id, s.segment_id)).map((m) => m.id));
      const result = strip(analyzeDrivers(target, inputs, inSegment));
      segments.push({ segment_id: s.segment_id, name: s.name, size: s.size, share: s.size / members, ...result, drivers: strongest(result.drivers, SEGMENT_DRIVERS), drivers_total: result.drivers.length, warnings: fitMessages(result.warnings, 600) });
    }
  }
  // The overall result first; the segments share what it leaves (none in full when it leaves little).
  const room = Math.max(0, STRUCTURED_BUDGET - jsonChars(overall) - 1000);
  const headlines = Math.min(3000, Math.floor(room / 3));
  const fitted = fitSegments(segments, room - headlines, headlines, 0);
  return { outcome, population: population(rule, counted.size), overall, segments: fitted.segments.map(({ size: _size, share: _share, ...rest }) => rest), other_segments: fitted.other_segments };
}
