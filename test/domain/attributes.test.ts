import { describe, expect, it } from 'vitest';
import { ColumnInference, coerceAttribute, defaultHints, inferAttributeType, mergeAttributeTypes, statedType, type ColumnDecision } from '../../src/domain/attributes.js';
import { parseField, toFtsQuery } from '../../src/domain/fields.js';
import { readinessChecks } from '../../src/domain/study-health.js';

describe('inferAttributeType', () => {
  it('recognises numbers, booleans, ISO dates, categories and text, ignoring missing markers', () => {
    expect(inferAttributeType(['12', '3.5', '', 'n/a', '-4e2'])).toBe('number');
    expect(inferAttributeType(['yes', 'No', 'TRUE', ''])).toBe('boolean');
    expect(inferAttributeType(['2026-01-05', '2025-12-31T10:00:00Z'])).toBe('date');
    expect(inferAttributeType(['pro', 'free', 'pro', 'team', 'free', 'pro'])).toBe('category');
    expect(inferAttributeType(['Acme', 'Globex', 'Initech'])).toBe('text');
    expect(inferAttributeType(['pro', 'pro', 'free'])).toBe('category'); // a tiny file still shows repetition
    expect(inferAttributeType(['2026-02-30'])).toBe('text'); // no such day (V8's Date.parse would roll it over to March)
  });
  it('coerces values to the type, or says they do not fit', () => {
    expect(coerceAttribute(' 42 ', 'number')).toBe(42);
    expect(coerceAttribute('NULL', 'number')).toBeUndefined();
    expect(coerceAttribute('abc', 'number')).toBeNull();
    expect(coerceAttribute('Y', 'boolean')).toBe(true);
    expect(coerceAttribute('03/04/2026', 'date')).toBe('2026-03-04');
    expect(coerceAttribute('03/04/2026', 'date', { dates: 'dmy' })).toBe('2026-04-03');
    expect(coerceAttribute('$1,200.50', 'number', { unit: 'USD' })).toBe(1200.5);
    expect(coerceAttribute('€1,200.50', 'number', { unit: 'USD' })).toBeNull();
    expect(coerceAttribute('1.234,56 €', 'number', { unit: 'EUR', decimal: ',' })).toBe(1234.56);
  });
  it('merges types across imports toward text', () => {
    expect(mergeAttributeTypes('category', 'text')).toBe('category');
    expect(mergeAttributeTypes('number', 'category')).toBe('category');
    expect(mergeAttributeTypes('number', 'date')).toBe('text');
  });
});

/** A column's decision from its values (line n + 2 for the value at index n, as under a header). */
function decide(values: string[], delimiter = ',', fixed: ColumnInference['fixed'] = null): ColumnDecision {
  const inference = new ColumnInference(fixed);
  values.forEach((v, i) => inference.add(v, i + 2));
  return inference.decide(defaultHints(delimiter));
}
const strayLines = (d: ColumnDecision) => d.strays.flatMap((s) => s.misses.lines!).sort((a, b) => a - b);

describe('ColumnInference', () => {
  it('reads money, thousands separators and negatives in parentheses as a number with its currency', () => {
    const d = decide(['$1,200.50', '$1,200,000.00', '($350.00)', '', 'N/A', '$99']);
    expect(d).toMatchObject({ type: 'number', format: { unit: 'USD' }, formatName: '1,234.56', strayCount: 0 });
    expect(d.rule).toBe('money in USD, thousands separators, decimal point, negatives in parentheses');
  });

  it('reads percentages as numbers and remembers the unit', () => {
    expect(decide(['12%', '10.5 %', '0', '100%'])).toMatchObject({ type: 'number', format: { unit: '%' } });
  });

  it('reads decimal commas from the values, or from a ;-delimited file when they leave it open', () => {
    expect(decide(['1.234,56 €', '99,00 €', '12 €'], ';')).toMatchObject({ type: 'number', format: { unit: 'EUR', decimal: ',' }, formatName: '1.234,56' });
    // 1.234 is 1234 in a ;-delimited file and 1.234 in a comma-delimited one, and the note says so.
    const semi = decide(['1.234', '2.500', '17'], ';');
    expect(semi).toMatchObject({ type: 'number', format: { decimal: ',' } });
    expect(semi.note).toMatch(/fit a decimal point and a decimal comma; read with a decimal comma/);
    expect(decide(['1.234', '2.500', '17'], ',')).toMatchObject({ type: 'number', format: {} });
  });

  it('reads a date column that mixes ISO and US dates, and says which reading an ambiguous column took', () => {
    const mixed = decide(['2024-03-15', '03/16/2024', '2024-04-01 09:30']);
    expect(mixed).toMatchObject({ type: 'date', format: { dates: 'mdy' }, formatName: 'M/D/YYYY', strayCount: 0 });
    expect(mixed.rule).toBe('date and time: YYYY-MM-DD and M/D/YYYY; times stored as written; stored as ISO 8601');
    const dayFirst = decide(['03/04/2024', '25/12/2023', '01/02/2024']);
    expect(dayFirst).toMatchObject({ type: 'date', format: { dates: 'dmy' }, formatName: 'D/M/YYYY', note: null });
    const ambiguous = decide(['03/04/2024', '01/02/2024']);
    expect(ambiguous).toMatchObject({ type: 'date', format: { dates: 'mdy' } });
    expect(ambiguous.note).toMatch(/fit both M\/D\/YYYY and D\/M\/YYYY .*read as M\/D\/YYYY \(month first\)/);
  });

  it('keeps the type of a column that is mostly one type and lists the stray values with their lines', () => {
    const values = Array.from({ length: 40 }, (_, i) => `$${(i + 1) * 100}.00`);
    values[7] = 'TBD';
    values[30] = '€50.00'; // another currency is a stray too
    const d = decide(values);
    expect(d).toMatchObject({ type: 'number', format: { unit: 'USD' }, strayCount: 2 });
    expect(strayLines(d)).toEqual([9, 32]);
    expect(d.note).toMatch(/95% of the values read as amounts in USD; 2 stray value\(s\) do not/);
    // Beyond 5% the column is no longer a number; the note says how close it came.
    const loose = decide(['1', '2', '3', '4', '5', '6', '7', '8', '9', 'ten']);
    expect(loose.type).toBe('text');
    expect(loose.note).toMatch(/90% of the values read as numbers, below the 95%/);
    const dates = decide([...Array.from({ length: 30 }, (_, i) => `2024-01-${String(i + 1).padStart(2, '0')}`), 'soon']);
    expect(dates).toMatchObject({ type: 'date', strayCount: 1 });
    expect(strayLines(dates)).toEqual([32]);
  });

  it('keeps codes as written: zip codes with leading zeros and ids longer than a double holds', () => {
    const zips = decide([...Array.from({ length: 40 }, (_, i) => String(10001 + i * 917)), '02134']);
    expect(zips.type).toBe('text');
    expect(zips.note).toMatch(/leading zeros .* are codes, not numbers/);
    expect(decide(['1234567890123456789', '1234567890123456790']).type).toBe('text');
    expect(decide(['123456789012345', '98765']).type).toBe('number');
  });

  it('with a fixed type, every value that does not fit is a stray', () => {
    const d = decide(['5', 'lots', '7'], ',', 'number');
    expect(d).toMatchObject({ type: 'number', strayCount: 1 });
    expect(strayLines(d)).toEqual([3]);
  });

  it('checks stated types', () => {
    expect(statedType({ type: 'date', format: 'D/M/YYYY' })).toEqual({ type: 'date', format: { dates: 'dmy' } });
    expect(statedType({ type: 'number', format: '1.234,56', unit: '€' })).toEqual({ type: 'number', format: { decimal: ',', unit: 'EUR' } });
    expect(statedType({ type: 'number', unit: 'bananas' })).toMatch(/^unit: "bananas" is not % or a currency/);
    expect(statedType({ type: 'number', format: 'M/D/YYYY' })).toMatch(/^format: "M\/D\/YYYY" is not a number format/);
  });
});

describe('parseField and toFtsQuery', () => {
  it('parses every field form, keeping dots inside attribute names', () => {
    expect(parseField('attr.hubspot.lifecycle_stage')).toEqual({ kind: 'attr', name: 'hubspot.lifecycle_stage' });
    expect(parseField('answer.factors:Price')).toEqual({ kind: 'answer', key: 'factors', option: 'Price' });
    expect(parseField('Tags')).toEqual({ kind: 'tag' });
    expect(() => parseField('plan')).toThrow(/Unknown field "plan"/);
  });
  it('quotes words so no input is an FTS5 syntax error', () => {
    expect(toFtsQuery('pricing')).toBe('"pricing"');
    expect(toFtsQuery('price OR "too expensive" integr*')).toBe('"price" OR "too expensive" "integr"*');
    expect(toFtsQuery('NEAR( col: -x ^ "')).toBe('"NEAR" "col" "x"');
    expect(() => toFtsQuery('  ?! ')).toThrow(/no words/);
  });
});

describe('readinessChecks', () => {
  const base = {
    decision: 'Which segment first', mode: 'hybrid' as const, probing_depth: 2,
    questionTypes: ['open_ended', 'open_ended', 'open_ended', 'scale', 'ranking', 'yes_no'] as const,
    participants: 40, interviewsCompleted: 35,
    tags: [{ tag: 'new', count: 10 }, { tag: 'long-tenure', count: 10 }, { tag: 'churned', count: 10 }, { tag: 'expanded', count: 10 }],
  };
  it('passes a sound study', () => {
    expect(readinessChecks({ ...base, questionTypes: [...base.questionTypes] }).every((c) => c.status === 'ok')).toBe(true);
  });
  it('flags too few interviews, no structured questions and only happy customers', () => {
    const checks = readinessChecks({ ...base, decision: null, questionTypes: ['open_ended'], interviewsCompleted: 12, tags: [{ tag: 'expanded', count: 12 }], probing_depth: 1 });
    const byName = Object.fromEntries(checks.map((c) => [c.check, c]));
    expect(byName.decision!.status).toBe('missing');
    expect(byName.structured_questions!.status).toBe('missing');
    expect(byName.interviews!.message).toMatch(/12 completed interview\(s\); target 30–50 .*18 more/);
    expect(byName.sample_mix!.message).toMatch(/Only happy customers\?/);
    expect(byName.probing_depth!.status).toBe('warn');
  });
});
