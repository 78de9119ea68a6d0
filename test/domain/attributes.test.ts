import { describe, expect, it } from 'vitest';
import { coerceAttribute, inferAttributeType, mergeAttributeTypes } from '../../src/domain/attributes.js';
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
    expect(coerceAttribute('03/04/2026', 'date')).toBeNull();
  });
  it('merges types across imports toward text', () => {
    expect(mergeAttributeTypes('category', 'text')).toBe('category');
    expect(mergeAttributeTypes('number', 'category')).toBe('category');
    expect(mergeAttributeTypes('number', 'date')).toBe('text');
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
