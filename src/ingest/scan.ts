import { fileSource, textSource, type TextSource } from './csv-records.js';
import { scanParticipants, WINDOWS_1252_WARNING, type CsvOptions, type ImportContext, type ParticipantScan } from './csv.js';

/** Pass 1 over CSV text given inline. */
export function scanText(csv: string, options: CsvOptions, context: ImportContext): { source: TextSource; scan: ParticipantScan; warning?: string } {
  const source = textSource(csv);
  return { source, scan: scanParticipants(source, options, context) };
}

/**
 * Pass 1 over a file: as UTF-8, or again as Windows-1252 when the bytes are not UTF-8.
 * Returns the source that worked, for pass 2. `file` is a path or an open descriptor.
 */
export function scanFile(file: string | number, options: CsvOptions, context: ImportContext): { source: TextSource; scan: ParticipantScan; warning?: string } {
  const utf8 = fileSource(file, 'utf-8');
  try {
    return { source: utf8, scan: scanParticipants(utf8, options, context) };
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_ENCODING_INVALID_ENCODED_DATA') throw error;
  }
  const cp1252 = fileSource(file, 'windows-1252');
  return { source: cp1252, scan: scanParticipants(cp1252, options, context), warning: WINDOWS_1252_WARNING };
}
