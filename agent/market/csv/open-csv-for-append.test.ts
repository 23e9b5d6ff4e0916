import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCsvForAppend } from './open-csv-for-append.js';
import { CsvFormatError } from './read-csv.js';

const dir = mkdtempSync(join(tmpdir(), 'mandate-append-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const header = ['round', 'answer'];
let files = 0;
const file = (content?: string) => {
  const path = join(dir, `f${files++}`, 'rounds.csv');
  if (content !== undefined) {
    openCsvForAppend(path, header).close(); // creates the folder
    writeFileSync(path, content);
  }
  return path;
};

describe('openCsvForAppend', () => {
  it('creates the file (and its folder) with the header, and appends whole lines', () => {
    const path = file();
    const csv = openCsvForAppend(path, header);
    expect(csv).toMatchObject({ resumed: false, truncatedBytes: 0, lastRow: undefined });
    csv.append(['1,100', '2,200']);
    csv.append([]);
    csv.close();
    csv.close();
    expect(readFileSync(path, 'utf8')).toBe('round,answer\n1,100\n2,200\n');
  });

  it('resumes after the last whole row, cutting off a torn one', () => {
    const path = file('round,answer\n1,100\n2,200\n3,3');
    const csv = openCsvForAppend(path, header);
    expect(csv).toMatchObject({ resumed: true, truncatedBytes: 3, lastRow: { round: '2', answer: '200' } });
    csv.append(['3,300']);
    csv.close();
    expect(readFileSync(path, 'utf8')).toBe('round,answer\n1,100\n2,200\n3,300\n');
  });

  it('resumes a file with only its header, or only part of it', () => {
    const whole = openCsvForAppend(file('round,answer\n'), header);
    expect(whole).toMatchObject({ resumed: true, truncatedBytes: 0, lastRow: undefined });
    whole.close();
    const path = file('round,ans');
    const torn = openCsvForAppend(path, header);
    expect(torn).toMatchObject({ resumed: true, truncatedBytes: 9, lastRow: undefined });
    torn.close();
    expect(readFileSync(path, 'utf8')).toBe('round,answer\n');
  });

  it('finds the last row of a file longer than one read block', () => {
    const path = file();
    const csv = openCsvForAppend(path, header);
    csv.append(Array.from({ length: 20_000 }, (_, i) => `${i},${'9'.repeat(20)}`));
    csv.close();
    appendFileSync(path, '20000,1');
    const again = openCsvForAppend(path, header);
    expect(again.lastRow).toEqual({ round: '19999', answer: '9'.repeat(20) });
    again.close();
  });

  it('refuses a file in another layout, naming both headers', () => {
    const path = file(',round,answer,start\n0,1,2,3\n');
    const error = (() => {
      try {
        return openCsvForAppend(path, header);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CsvFormatError);
    expect((error as CsvFormatError).details).toContain('",round,answer,start"');
    expect((error as CsvFormatError).details).toContain('"round,answer"');
    expect(readFileSync(path, 'utf8')).toBe(',round,answer,start\n0,1,2,3\n');
  });
});
