import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkResumable, clearFetchProgress, FetchResumeError, fetchProgressPath, readFetchProgress, writeFetchProgress, type FetchProgress } from './fetch-progress.js';

const dir = mkdtempSync(join(tmpdir(), 'mandate-fetch-progress-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const progress: FetchProgress = {
  version: 1,
  kind: 'uniswap-v3-events',
  chainId: 1,
  address: '0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640',
  request: 'fromBlock=creation toBlock=head',
  fromBlock: 12_376_729n,
  toBlock: 19_000_000n,
  scannedTo: 12_400_000n,
  carry: { sqrtPriceX96: '1664315632465534182883962852669835', tick: 199_061, liquidity: '12453647101533358277', createdAtBlock: '12376729' },
};

describe('fetch progress', () => {
  it('round-trips through <out>.progress.json, bigints included, and is gone once cleared', () => {
    const out = join(dir, 'events.csv');
    expect(readFetchProgress(out)).toBeUndefined();
    writeFetchProgress(out, progress);
    expect(readFetchProgress(out)).toEqual(progress);
    expect(existsSync(`${fetchProgressPath(out)}.tmp`)).toBe(false);
    clearFetchProgress(out);
    expect(existsSync(fetchProgressPath(out))).toBe(false);
  });

  it('refuses to resume another fetch, naming what differs', () => {
    expect(() => checkResumable('events.csv', progress, { kind: progress.kind, chainId: 1, address: progress.address, request: progress.request })).not.toThrow();
    const other = () => checkResumable('events.csv', progress, { kind: progress.kind, chainId: 8453, address: progress.address, request: 'fromBlock=1 toBlock=head' });
    expect(other).toThrow(FetchResumeError);
    expect(other).toThrow(/unfinished output of another fetch/);
    try {
      other();
    } catch (error) {
      expect((error as FetchResumeError).details).toMatch(/chain 1, not 8453; fromBlock=creation toBlock=head, not fromBlock=1 toBlock=head/);
    }
  });

  it('says how to start over when the progress file is unreadable', () => {
    const out = join(dir, 'broken.csv');
    writeFileSync(fetchProgressPath(out), '{ not json');
    expect(() => readFetchProgress(out)).toThrow(FetchResumeError);
  });
});
