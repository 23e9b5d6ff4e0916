import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NoValidRoundsError, defaultReplayCsvPath, loadReplayRounds } from './replay-rounds.js';

const csv = (lines: string[]) => {
  const path = join(mkdtempSync(join(tmpdir(), 'mandate-replay-')), 'rounds.csv');
  writeFileSync(path, `${[',round,answer,start,update,answeredInRound', ...lines].join('\n')}\n`);
  return path;
};

describe('loadReplayRounds', () => {
  it('replays the shared file oldest first and rejects its all-zero round', async () => {
    const { rounds, rejected, rejectedByReason } = await loadReplayRounds(defaultReplayCsvPath);
    expect(rounds.length).toBeGreaterThanOrEqual(11_105);
    expect(rounds[0]!.updatedAt).toBe(1_680_734_315n);
    for (let i = 1; i < rounds.length; i++) expect(rounds[i]!.updatedAt >= rounds[i - 1]!.updatedAt).toBe(true);
    expect(rejectedByReason['non-positive-answer']).toBeGreaterThanOrEqual(1);
    expect(rejected.find((r) => r.roundId === 110680464442257309696n)?.reason).toBe('non-positive-answer');
  });

  it('rejects zero answers, zero updatedAt, duplicates, rounds going back in time and unparsable rows', async () => {
    const { rounds, rejectedByReason } = await loadReplayRounds(
      csv([
        '0,10,200,100,100,10',
        '1,11,0,110,110,11',
        '2,12,210,0,0,12',
        '3,13,220,130,130,13',
        '4,13,220,130,130,13',
        '5,14,230,90,90,14',
        '6,x,1,1,1,1',
        '7,15,-5,150,150,15',
      ]),
    );
    expect(rounds.map((r) => r.roundId)).toEqual([10n, 13n]);
    expect(rejectedByReason).toEqual({
      'non-positive-answer': 2,
      'zero-updated-at': 1,
      'duplicate-round': 1,
      'out-of-order': 1,
      unparsable: 1,
    });
  });

  it('fails clearly when nothing can be replayed', async () => {
    await expect(loadReplayRounds(csv(['0,1,0,0,0,1']))).rejects.toThrow(NoValidRoundsError);
  });
});
