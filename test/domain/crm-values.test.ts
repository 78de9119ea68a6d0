import { describe, expect, it } from 'vitest';
import {
  FITS_BOTH,
  FITS_COMMA,
  FITS_POINT,
  isMissing,
  isoDate,
  newDateReading,
  newNumberReading,
  numberValue,
  readBoolean,
  readDate,
  readNumber,
} from '../../src/domain/crm-values.js';

const number = (text: string) => {
  const r = newNumberReading();
  if (!readNumber(text, r)) return null;
  return { fits: r.fits, unit: r.unit, point: numberValue(text, r, '.'), comma: numberValue(text, r, ',') };
};
const date = (text: string, order: 'mdy' | 'dmy' = 'mdy') => {
  const r = newDateReading();
  return readDate(text, r) ? isoDate(text, r, order) : false;
};

describe('readNumber', () => {
  it('reads plain numbers and keeps codes with leading zeros out', () => {
    expect(number('12')).toEqual({ fits: FITS_BOTH, unit: '', point: 12, comma: 12 });
    expect(number('-3.5')).toMatchObject({ fits: FITS_POINT, point: -3.5 });
    expect(number('-4e2')).toMatchObject({ fits: FITS_BOTH, point: -400 });
    expect(number('.5')).toMatchObject({ fits: FITS_POINT, point: 0.5 });
    expect(number('0.25')).toMatchObject({ fits: FITS_POINT, point: 0.25 });
    for (const code of ['007', '02134', '1-10', '11-50', '+1 555 123 4567', '14:30', '2024-03-15', '15.03.2024', 'Acme', 'ABC 12', '12 apples', '1,2,3', '1,23,456']) expect(number(code), code).toBeNull();
  });

  it('reads money: symbols and codes before or after, thousands, parentheses for negatives', () => {
    expect(number('$1,200.50')).toEqual({ fits: FITS_POINT, unit: 'USD', point: 1200.5, comma: expect.any(Number) });
    expect(number('$1,200,000.00')).toMatchObject({ fits: FITS_POINT, unit: 'USD', point: 1_200_000 });
    expect(number('(1,200.00)')).toMatchObject({ fits: FITS_POINT, unit: '', point: -1200 });
    expect(number('($1,200.00)')).toMatchObject({ unit: 'USD', point: -1200 });
    expect(number('-$75')).toMatchObject({ unit: 'USD', point: -75 });
    expect(number('$-75')).toMatchObject({ unit: 'USD', point: -75 });
    expect(number('USD 1,200')).toMatchObject({ unit: 'USD', fits: FITS_BOTH, point: 1200, comma: 1.2 });
    expect(number('1200 EUR')).toMatchObject({ unit: 'EUR', point: 1200 });
    expect(number('£99.99')).toMatchObject({ unit: 'GBP', point: 99.99 });
    expect(number('US$10')).toMatchObject({ unit: 'USD', point: 10 });
    expect(number('CA$10')).toMatchObject({ unit: 'CAD', point: 10 });
  });

  it('reads decimal commas: 1.234,56 €, 1 234,56, 12,5', () => {
    expect(number('1.234,56 €')).toMatchObject({ fits: FITS_COMMA, unit: 'EUR', comma: 1234.56 });
    expect(number('1.234.567')).toMatchObject({ fits: FITS_COMMA, comma: 1234567 });
    expect(number('1 234,56')).toMatchObject({ fits: FITS_COMMA, comma: 1234.56 });
    expect(number('1\u00a0234,56\u00a0€')).toMatchObject({ fits: FITS_COMMA, unit: 'EUR', comma: 1234.56 });
    expect(number('12,5')).toMatchObject({ fits: FITS_COMMA, comma: 12.5 });
    expect(number('0,123')).toMatchObject({ fits: FITS_COMMA, comma: 0.123 });
    expect(number("1'234.50")).toMatchObject({ fits: FITS_POINT, point: 1234.5 });
    // One separator before three digits fits both conventions, with different values.
    expect(number('1.234')).toMatchObject({ fits: FITS_BOTH, point: 1.234, comma: 1234 });
  });

  it('reads percentages as the number shown', () => {
    expect(number('12%')).toMatchObject({ unit: '%', point: 12 });
    expect(number('10.5 %')).toMatchObject({ unit: '%', point: 10.5 });
    expect(number('-3,5 %')).toMatchObject({ unit: '%', fits: FITS_COMMA, comma: -3.5 });
    expect(number('%12')).toBeNull();
  });
});

describe('readDate and isoDate', () => {
  it('reads ISO, US, day-first and dotted dates as real calendar days', () => {
    expect(date('2024-03-15')).toBe('2024-03-15');
    expect(date('2024/3/5')).toBe('2024-03-05');
    expect(date('03/16/2024')).toBe('2024-03-16');
    expect(date('3/16/2024')).toBe('2024-03-16');
    expect(date('16/03/2024', 'dmy')).toBe('2024-03-16');
    expect(date('16/03/2024', 'mdy')).toBeNull(); // a date, but not month first
    expect(date('03/04/2024', 'dmy')).toBe('2024-04-03');
    expect(date('15.03.2024')).toBe('2024-03-15');
    expect(date('29/02/2023', 'dmy')).toBe(false);
    expect(date('2024-02-30')).toBe(false);
    expect(date('13/13/2024')).toBe(false);
    for (const text of ['12345', '2024', '1-10', 'Q3 2024', '2024-03', '3/16/24']) expect(date(text), text).toBe(false);
  });

  it('reads times and zones; zones are converted to UTC', () => {
    expect(date('2024-03-15 10:22')).toBe('2024-03-15T10:22:00');
    expect(date('2024-03-15T14:30:05Z')).toBe('2024-03-15T14:30:05Z');
    expect(date('2024-03-15T14:30:00.5+02:00')).toBe('2024-03-15T12:30:00.500Z');
    expect(date('2024-03-15 23:30 -0500')).toBe('2024-03-16T04:30:00Z');
    expect(date('3/15/2024 2:30 PM')).toBe('2024-03-15T14:30:00');
    expect(date('3/15/2024 12:05 am')).toBe('2024-03-15T00:05:00');
    expect(date('15.03.2024 09:00 UTC')).toBe('2024-03-15T09:00:00Z');
    expect(date('2024-03-15 25:00')).toBe(false);
    expect(date('2024-03-15 10:22 EST')).toBe(false);
  });
});

describe('booleans and missing markers', () => {
  it('reads Yes/No, TRUE/FALSE, Y/N and the usual missing markers', () => {
    expect(['Yes', 'TRUE', 'y', 'true'].map(readBoolean)).toEqual([1, 1, 1, 1]);
    expect(['No', 'FALSE', 'N', 'false'].map(readBoolean)).toEqual([0, 0, 0, 0]);
    expect(['maybe', '1', 'nope', ''].map(readBoolean)).toEqual([-1, -1, -1, -1]);
    for (const marker of ['', ' ', 'N/A', 'n/a', '-', 'null', 'NULL', 'none', 'None', '#N/A', '—', '(blank)']) expect(isMissing(marker), marker).toBe(true);
    for (const value of ['0', 'No', 'nan-fluent', 'Nancy', '-5']) expect(isMissing(value), value).toBe(false);
  });
});
