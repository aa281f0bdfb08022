import { parse as parseCsv } from 'csv-parse/sync';

/** One CSV record and the physical line it starts on (a quoted line break makes a record span lines). */
export interface LocatedRecord {
  line: number;
  cells: string[];
}

/** A CSV that cannot be read at all; the message names the line where csv-parse gave up. */
export class CsvFileError extends Error {
  override name = 'CsvFileError';
}

/**
 * Reads CSV records with the line each starts on (header = line 1 in the usual file), so that messages
 * can point people at the right line. Blank records are dropped; records may differ in length.
 */
export const readCsvRecords = (text: string): LocatedRecord[] => {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, {
      bom: true,
      info: true,
      relax_column_count: true,
    }) as unknown as typeof records;
  } catch (error) {
    const { message, lines } = error as { message: string; lines?: number };
    throw new CsvFileError(`not a readable CSV file${lines ? ` (line ${lines})` : ''}: ${message}`, {
      cause: error,
    });
  }
  // csv-parse reports the line a record ends on; each record starts on the line after the previous one.
  let nextLine = 1;
  return records
    .map(({ record, info }) => {
      const line = nextLine;
      nextLine = info.lines + 1;
      return { line, cells: record };
    })
    .filter(({ cells }) => cells.some((cell) => cell.trim() !== ''));
};
