import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openSweepStore } from '../backtest/sweep/index.js';

const run = promisify(execFile);
const directory = mkdtempSync(join(tmpdir(), 'mandate-sweep-cli-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function mandate(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run('node', ['bin/mandate.js', 'sweep', ...args], { maxBuffer: 1 << 24 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

describe('mandate sweep', () => {
  it('--json prints only the ranked results, stored in the SQLite file given', async () => {
    const store = join(directory, 'sweeps.sqlite');
    const { stdout, code, stderr } = await mandate([
      '--strategy', 'trend', '--grid', 'fastPeriod=6,12', '--grid', 'slowPeriod=24,48', '--param', 'sizeQuote=500',
      '--data', 'data/chainlink/eth-usd.csv', '--from', '2023-07-01', '--to', '2023-08-01',
      '--workers', '2', '--rank-by', 'return', '--store', store, '--json',
    ]);
    expect(stderr).not.toMatch(/\[#/); // no progress bar when not on a terminal
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]!);
    expect(result).toMatchObject({ kind: 'grid', strategy: 'trend', rankBy: 'return', workers: 2, combinations: 4 });
    expect(result.ranked).toHaveLength(4);
    const returns = result.ranked.map((r: { metrics: { totalReturn: number } }) => r.metrics.totalReturn);
    expect(returns).toEqual([...returns].sort((a, b) => b - a));
    for (const r of result.ranked) expect(r.params.sizeQuote).toBe('500');

    const opened = openSweepStore(store);
    try {
      expect(opened.results(result.sweepId).map((row) => row.runId)).toEqual(result.ranked.map((r: { runId: string }) => r.runId));
    } finally {
      opened.close();
    }
  });

  it('--walk-forward --json reports each window and the out-of-sample record apart from the in-sample one', async () => {
    const { stdout, code } = await mandate([
      '--strategy', 'trend', '--grid', 'fastPeriod=6,12', '--param', 'slowPeriod=24',
      '--data', 'data/chainlink/eth-usd.csv', '--from', '2023-07-01', '--to', '2023-08-01',
      '--walk-forward', '--train', '10', '--test', '5', '--workers', '2', '--store', join(directory, 'wf.sqlite'), '--json',
    ]);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]!);
    expect(result).toMatchObject({ kind: 'walk-forward', trainSeconds: 10 * 86_400, testSeconds: 5 * 86_400, combinations: 2 });
    expect(result.windows.length).toBeGreaterThanOrEqual(3);
    for (const window of result.windows) {
      expect(window.test.from).toBe(window.train.to + 1);
      expect(window.outOfSample.metrics).toBeDefined();
      expect([6, 12]).toContain(window.best.params.fastPeriod);
    }
    expect(result.outOfSample.windows).toBe(result.windows.length);
    expect(result.inSample.windows).toBe(result.windows.length);
  });

  it('names what is wrong with the grid or the walk-forward options', async () => {
    // Started together: each is a CLI start, and none runs a backtest.
    const [noTrainTest, badGrid, badKey] = await Promise.all([
      mandate(['--strategy', 'trend', '--grid', 'fastPeriod=6,12', '--data', 'x.csv', '--walk-forward', '--json']),
      mandate(['--strategy', 'trend', '--grid', 'fastPeriod', '--data', 'x.csv']),
      mandate(['--strategy', 'trend', '--grid', 'fast=1,2', '--data', 'x.csv']),
    ]);
    expect(noTrainTest.code).toBe(1);
    expect(JSON.parse(noTrainTest.stdout.trim().split('\n').at(-1)!).error.details).toMatch(/--walk-forward needs --train <days> and --test <days>/);

    expect(badGrid.code).toBe(1);
    expect(badGrid.stderr).toMatch(/key=v1,v2,\.\.\. is accepted/);

    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toMatch(/fastPeriod, slowPeriod/);
  });
});
