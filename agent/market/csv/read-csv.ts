import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { MandateError } from '../../model/base-error.js';
import { checkDataFile } from './data-file.js';

/** A CSV file could not be read as the layout a caller expects. */
export class CsvFormatError extends MandateError {
  override name = 'CsvFormatError';
}

export type CsvRow = {
  /** 1-based line number in the file (the header is line 1), for error messages. */
  line: number;
  /** Cells by header name. */
  values: Record<string, string>;
};

/**
 * Splits one CSV line into cells. Handles RFC 4180 quoting ("a, b" and doubled quotes) on a single line,
 * which is what the shared data uses (the logs file quotes its topic lists). Lines without quotes take
 * a fast path, since most rows have none.
 */
export function splitCsvLine(text: string): string[] {
  if (!text.includes('"')) return text.split(',');
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      cells.push(cell);
      cell = '';
    } else cell += char;
  }
  cells.push(cell);
  return cells;
}

/**
 * Streams a CSV file (or a gzipped one, `.csv.gz`) row by row, keyed by header name, so memory does not
 * grow with the file.
 * Blank lines are skipped; a row with the wrong number of cells is reported by `onMalformed` (and
 * skipped) instead of throwing, so one bad line never stops a replay.
 *
 * @example
 * for await (const { line, values } of readCsv('data/chainlink/eth-usd.csv')) {
 *   console.log(line, values.answer);
 * }
 */
export async function* readCsv(
  path: string,
  options: { onMalformed?: (line: number, reason: string) => void } = {},
): AsyncGenerator<CsvRow> {
  const input = openText(path);
  const lines = createInterface({ input, crlfDelay: Infinity });
  let header: string[] | undefined;
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      if (text.trim() === '') continue;
      const cells = splitCsvLine(text);
      if (!header) {
        header = cells.map((name) => name.trim());
        continue;
      }
      if (cells.length !== header.length) {
        options.onMalformed?.(line, `expected ${header.length} cells, found ${cells.length}`);
        continue;
      }
      const values: Record<string, string> = {};
      for (let i = 0; i < header.length; i++) values[header[i]!] = cells[i]!;
      yield { line, values };
    }
  } finally {
    // A reader that stops early (a header check, the first rows) must not leave the file being read to its end.
    lines.close();
    input.destroy();
  }
  if (!header) throw new CsvFormatError(`CSV file ${path} is empty.`, { details: 'Expected a header line.' });
}

/** The file's text as a stream; a `.gz` file is gunzipped on the fly, so data can stay compressed. */
function openText(path: string): Readable {
  checkDataFile(path);
  const file = createReadStream(path);
  if (!path.endsWith('.gz')) return file.setEncoding('utf8');
  const text = createGunzip();
  // pipe() does not forward a read error (a missing file): hand it to the consumer of the unzipped stream.
  file.on('error', (error) => text.destroy(error));
  return file.pipe(text).setEncoding('utf8');
}

/** Reads just the header of a CSV file (for layout detection). */
export async function readCsvHeader(path: string): Promise<string[]> {
  const lines = createInterface({ input: openText(path), crlfDelay: Infinity });
  try {
    for await (const text of lines) {
      if (text.trim() !== '') return splitCsvLine(text).map((name) => name.trim());
    }
  } finally {
    lines.close();
  }
  throw new CsvFormatError(`CSV file ${path} is empty.`, { details: 'Expected a header line.' });
}

/** Throws a CsvFormatError naming the missing columns if `header` lacks any of `required`. */
export function requireColumns(path: string, header: readonly string[], required: readonly string[]): void {
  const missing = required.filter((name) => !header.includes(name));
  if (missing.length > 0) {
    throw new CsvFormatError(`CSV file ${path} lacks required columns.`, {
      details: `Missing: ${missing.join(', ')}. Found: ${header.join(', ')}.`,
    });
  }
}
