import { closeSync, existsSync, fdatasyncSync, fstatSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { CsvFormatError, splitCsvLine } from './read-csv.js';

export type CsvAppender = {
  /** The file existed with our header (and maybe rows) from an earlier run. */
  resumed: boolean;
  /** Bytes of a torn last line (a run killed mid-write) cut off on opening. */
  truncatedBytes: number;
  /** The last complete row by header name, or undefined when the file has none. */
  lastRow: Record<string, string> | undefined;
  /** Appends whole lines and flushes them to disk before returning. */
  append(lines: readonly string[]): void;
  /** Closes the file; closing twice does nothing. */
  close(): void;
};

const BLOCK = 65_536;

/**
 * Opens a CSV to append rows to, resuming a file an earlier run left: a torn last line (a process killed
 * mid-write) is cut off, so the file always ends after a whole row, and the last whole row is returned
 * to resume from. A new or empty file gets the header. A file with another header is refused (a CsvFormatError
 * naming both), so a run never appends to a file of another layout.
 *
 * @example
 * const csv = openCsvForAppend('rounds.csv', ['round', 'answer']);
 * const after = csv.lastRow?.round; // resume after this round
 * csv.append(['1,200000000000']);
 * csv.close();
 */
export function openCsvForAppend(path: string, header: readonly string[]): CsvAppender {
  const headerLine = header.join(',');
  mkdirSync(dirname(path), { recursive: true });
  let resumed = false;
  let truncatedBytes = 0;
  let lastRow: Record<string, string> | undefined;
  if (existsSync(path)) {
    const fd = openSync(path, 'r+');
    try {
      const size = fstatSync(fd).size;
      const end = lastNewline(fd, size);
      if (end < 0) {
        // No whole line at all: at most a torn header, which is ours only if it is a prefix of it.
        const text = read(fd, 0, size);
        if (!headerLine.startsWith(text)) refuse(path, text, headerLine);
        ftruncateSync(fd, 0);
        truncatedBytes = size;
        resumed = size > 0;
      } else {
        if (end + 1 < size) {
          ftruncateSync(fd, end + 1);
          truncatedBytes = size - end - 1;
        }
        const first = read(fd, 0, Math.min(end, Math.max(headerLine.length + 1, 200))).split('\n')[0]!.replace(/\r$/, '');
        if (first !== headerLine) refuse(path, first, headerLine);
        resumed = true;
        const start = lastNewline(fd, end) + 1;
        if (start > 0) {
          const cells = splitCsvLine(read(fd, start, end - start).replace(/\r$/, ''));
          lastRow = Object.fromEntries(header.map((name, i) => [name, cells[i] ?? '']));
        }
      }
    } finally {
      closeSync(fd);
    }
  }
  const fd = openSync(path, 'a');
  const write = (text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written, bytes.length - written);
    fdatasyncSync(fd);
  };
  if (fstatSync(fd).size === 0) write(`${headerLine}\n`);
  let open = true;
  return {
    resumed,
    truncatedBytes,
    lastRow,
    append(lines) {
      if (lines.length > 0) write(`${lines.join('\n')}\n`);
    },
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

function refuse(path: string, found: string, expected: string): never {
  throw new CsvFormatError(`${path} already exists in another layout.`, {
    details: `Its header is ${JSON.stringify(found.slice(0, 200))}; a fetch writes ${JSON.stringify(expected)}. Give another --out, or delete the file to fetch it again.`,
  });
}

function read(fd: number, position: number, length: number): string {
  const buffer = Buffer.alloc(length);
  const got = readSync(fd, buffer, 0, length, position);
  return buffer.subarray(0, got).toString('utf8');
}

/** The offset of the last '\n' before `end`, reading backwards a block at a time; -1 when there is none. */
function lastNewline(fd: number, end: number): number {
  const buffer = Buffer.alloc(BLOCK);
  for (let stop = end; stop > 0; ) {
    const start = Math.max(0, stop - BLOCK);
    const got = readSync(fd, buffer, 0, stop - start, start);
    const at = buffer.subarray(0, got).lastIndexOf(0x0a);
    if (at >= 0) return start + at;
    stop = start;
  }
  return -1;
}
