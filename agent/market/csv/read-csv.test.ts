import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sampleData } from '../sample-data.js';
import { DataFileError } from './data-file.js';
import { readCsv, readCsvHeader } from './read-csv.js';

async function rowsOf(path: string) {
  const rows = [];
  for await (const row of readCsv(path)) rows.push(row);
  return rows;
}

describe('readCsv', () => {
  it('reads a gzipped file exactly as the plain one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mandate-csv-gz-'));
    const gz = join(dir, 'eth-usd.csv.gz');
    writeFileSync(gz, gzipSync(readFileSync(sampleData.ethUsdRounds)));

    const plain = await rowsOf(sampleData.ethUsdRounds);
    expect(plain.length).toBeGreaterThanOrEqual(11_106);
    expect(await rowsOf(gz)).toEqual(plain);
    expect(await readCsvHeader(gz)).toEqual(await readCsvHeader(sampleData.ethUsdRounds));
  });

  it('fails on a gzipped file that does not exist instead of reading nothing', async () => {
    await expect(rowsOf(join(tmpdir(), 'no-such-dir-mandate', 'x.csv.gz'))).rejects.toThrow(DataFileError);
    await expect(rowsOf(join(tmpdir(), 'no-such-dir-mandate', 'x.csv.gz'))).rejects.toThrow(/x\.csv\.gz: it does not exist/);
  });
});
