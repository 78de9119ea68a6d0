/**
 * Changing an attribute's type after import: every stored value is read back as text and
 * re-read as the new type (its format inferred from the values unless stated), in one
 * transaction; values that do not convert are listed, and block the change unless skipped.
 */
import {
  ColumnInference,
  defaultHints,
  storedText,
  valueReader,
  type AttributeFormat,
  type AttributeType,
  type AttributeValue,
  type FormatName,
} from '../domain/attributes.js';
import { clipJson, fitList } from '../domain/budget.js';
import { isMissingValue } from '../domain/crm-values.js';
import { listOf, NotFoundError } from '../errors.js';
import type { Store } from '../store/index.js';

/** Most values that do not convert listed in one result (fewer when long: at most INVALID_CHARS of JSON, each value at most VALUE_CHARS); the total says how many there were. */
const MAX_LISTED = 200;
const INVALID_CHARS = 8000;
const VALUE_CHARS = 200;

export interface AttributeTypeChange {
  studyId: number;
  attribute: string;
  type: AttributeType;
  /** A stated format (unit, decimal, date order); inferred from the values when null. */
  format: AttributeFormat | null;
  skipInvalid: boolean;
  dryRun: boolean;
}

export interface AttributeTypeResult {
  study_id: number;
  attribute: string;
  from: { type: AttributeType; unit: string | null };
  to: { type: AttributeType; format: FormatName | null; unit: string | null; rule: string; note: string | null };
  values: number;
  converted: number;
  /** Missing markers stored as text (N/A, -, none…), removed. */
  now_missing: number;
  invalid: { participant_id: string; value: AttributeValue }[];
  invalid_total: number;
  /** Values that did not convert and were removed (skip_invalid). */
  removed: number;
  written: boolean;
  dry_run: boolean;
}

export async function setAttributeType(store: Store, change: AttributeTypeChange): Promise<AttributeTypeResult> {
  await store.studies.get(change.studyId);
  const catalogue = await store.studies.attributes(change.studyId);
  const current = catalogue.find((a) => a.name === change.attribute) ?? catalogue.find((a) => a.name.toLowerCase() === change.attribute.toLowerCase());
  if (!current) {
    throw new NotFoundError(`Study ${change.studyId} has no attribute "${change.attribute}". Attributes: ${listOf(catalogue.map((a) => a.name))}.`);
  }
  const stored = await store.participants.attributeValues(change.studyId, current.name);
  const texts = stored.map((s) => storedText(s.value));
  // The values decide the format (as an import would), unless it is stated.
  const inference = new ColumnInference(change.type);
  texts.forEach((text, i) => inference.add(text, i));
  const decision = inference.decide(defaultHints(','), change.format, current.type === change.type ? current.format : null);
  const read = valueReader(decision.type, decision.format);
  const converted: [number, AttributeValue | null][] = [];
  const invalid: AttributeTypeResult['invalid'] = [];
  let missing = 0;
  stored.forEach((s, i) => {
    const text = texts[i]!.trim();
    // A missing marker kept as text by an earlier import ("N/A") becomes a missing value.
    if (isMissingValue(text)) {
      missing++;
      converted.push([s.id, null]);
      return;
    }
    const value = read(text);
    if (value === null) invalid.push({ participant_id: s.participant_id, value: s.value });
    converted.push([s.id, value]);
  });
  const blocked = invalid.length > 0 && !change.skipInvalid;
  const written = !blocked && !change.dryRun;
  if (written) await store.participants.rewriteAttribute(change.studyId, { name: current.name, type: decision.type, format: decision.format }, converted);
  return {
    study_id: change.studyId,
    attribute: current.name,
    from: { type: current.type, unit: current.format.unit ?? null },
    to: { type: decision.type, format: decision.formatName, unit: decision.format.unit ?? null, rule: decision.rule, note: decision.note },
    values: stored.length,
    converted: stored.length - invalid.length - missing,
    now_missing: missing,
    invalid: fitList(invalid.slice(0, MAX_LISTED).map((x) => (typeof x.value === 'string' ? { ...x, value: clipJson(x.value, VALUE_CHARS) } : x)), INVALID_CHARS, 1).items,
    invalid_total: invalid.length,
    removed: written ? invalid.length : 0,
    written,
    dry_run: change.dryRun,
  };
}
