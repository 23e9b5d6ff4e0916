import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRoundValidator } from '../validate-round.js';
import { readChainlinkRounds } from './chainlink-rounds.js';
import { splitCsvLine } from './read-csv.js';

const sharedRounds = new URL('../../../data/chainlink/eth-usd.csv', import.meta.url).pathname;

describe('readChainlinkRounds', () => {
  it('reads the shared file oldest first and the validator rejects exactly the all-zero round', async () => {
    const { rounds, unparsable } = await readChainlinkRounds(sharedRounds);
    expect(unparsable).toEqual([]);
    expect(rounds.length).toBeGreaterThanOrEqual(11_106);
    for (let i = 1; i < rounds.length; i++) expect(rounds[i]!.roundId > rounds[i - 1]!.roundId).toBe(true);

    const validator = createRoundValidator();
    const now = rounds.at(-1)!.updatedAt;
    const rejected = rounds.map((r) => validator.check(r, now)).filter((c) => !c.ok);
    expect(rejected).toEqual([
      { ok: false, reason: 'non-positive-answer', detail: expect.stringContaining('110680464442257309696') },
    ]);
    expect(validator.stats()).toMatchObject({ accepted: rounds.length - 1, rejected: 1 });
  });

  it('reports unparsable rows with their line numbers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mandate-csv-'));
    const path = join(dir, 'rounds.csv');
    writeFileSync(path, ',round,answer,start,update,answeredInRound\n0,5,100,1,1,5\n1,x,100,1,1,5\n2,3,1\n');
    const { rounds, unparsable } = await readChainlinkRounds(path);
    expect(rounds.map((r) => r.roundId)).toEqual([5n]);
    expect(unparsable).toEqual([
      { line: 3, reason: 'a cell is not an integer' },
      { line: 4, reason: 'expected 6 cells, found 3' },
    ]);
  });
});

describe('createRoundValidator', () => {
  const round = (roundId: bigint, answer: bigint, updatedAt: bigint) => ({
    roundId,
    answer,
    startedAt: updatedAt,
    updatedAt,
    answeredInRound: roundId,
  });

  it('rejects zero updatedAt, future, stale, duplicate and out-of-order rounds', () => {
    const validator = createRoundValidator({ maxAgeSeconds: 100 });
    expect(validator.check(round(1n, 5n, 0n), 1000n)).toMatchObject({ reason: 'zero-updated-at' });
    expect(validator.check(round(1n, 5n, 1001n), 1000n)).toMatchObject({ reason: 'future-updated-at' });
    expect(validator.check(round(1n, 5n, 800n), 1000n)).toMatchObject({ reason: 'stale' });
    expect(validator.check(round(2n, 5n, 950n), 1000n)).toEqual({ ok: true });
    expect(validator.check(round(2n, 5n, 950n), 1000n)).toMatchObject({ reason: 'duplicate-round' });
    expect(validator.check(round(1n, 5n, 960n), 1000n)).toMatchObject({ reason: 'out-of-order' });
    expect(validator.check(round(3n, -1n, 960n), 1000n)).toMatchObject({ reason: 'non-positive-answer' });
    expect(validator.stats().rejected).toBe(6);
  });
});

describe('splitCsvLine', () => {
  it('keeps commas inside quotes and unescapes doubled quotes', () => {
    expect(splitCsvLine('1,"[\'a\', \'b\']",x')).toEqual(['1', "['a', 'b']", 'x']);
    expect(splitCsvLine('"say ""hi""",2')).toEqual(['say "hi"', '2']);
  });
});
