import { fileSource, textSource, type TextSource } from './csv-records.js';
import { scanParticipants, WINDOWS_1252_WARNING, type CsvOptions, type ImportContext, type ParticipantScan } from './csv.js';

/**
 * Reads a CSV with `read`: inline text as it is; a file as UTF-8, or again from the start as
 * Windows-1252 when its bytes are not UTF-8 (with a warning). `file` is a path or an open
 * descriptor. Returns what `read` returned and the source that worked (to read it again).
 */
export function readCsv<T>(input: { csv: string } | { file: string | number }, read: (source: TextSource) => T): { source: TextSource; value: T; warning?: string } {
  if ('csv' in input) {
    const source = textSource(input.csv);
    return { source, value: read(source) };
  }
  const utf8 = fileSource(input.file, 'utf-8');
  try {
    return { source: utf8, value: read(utf8) };
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_ENCODING_INVALID_ENCODED_DATA') throw error;
  }
  const cp1252 = fileSource(input.file, 'windows-1252');
  return { source: cp1252, value: read(cp1252), warning: WINDOWS_1252_WARNING };
}

/** Pass 1 over a CSV given inline or as a file. */
export function scanCsv(input: { csv: string } | { file: string | number }, options: CsvOptions, context: ImportContext): { source: TextSource; scan: ParticipantScan; warning?: string } {
  const { source, value, warning } = readCsv(input, (s) => scanParticipants(s, options, context));
  return { source, scan: value, ...(warning ? { warning } : {}) };
}
