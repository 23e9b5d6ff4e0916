import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createVirtualClock } from '../agent/model/clock.js';
import { openJournal } from '../agent/journal/open-journal.js';

const run = promisify(execFile);
const directory = mkdtempSync(join(tmpdir(), 'mandate-backtest-cli-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function mandate(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run('node', ['bin/mandate.js', 'backtest', ...args], { maxBuffer: 1 << 24 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

describe('mandate backtest', () => {
  it('--json prints the summary as the last line and journals the run', async () => {
    const journalPath = join(directory, 'journal.sqlite');
    const { stdout, code } = await mandate([
      '--strategy', 'trend', '--param', 'fastPeriod=12', '--param', 'slowPeriod=48', '--param', 'sizeQuote=500',
      '--data', 'data/chainlink/eth-usd.csv', '--from', '2023-06-01', '--to', '2023-12-01T00:00:00Z',
      '--journal', journalPath, '--json',
    ]);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1); // nothing else on stdout under --json
    const summary = JSON.parse(lines.at(-1)!);
    expect(summary.runStrategies).toHaveLength(1);
    expect(summary.runStrategies[0].params).toMatchObject({ fastPeriod: 12, slowPeriod: 48, sizeQuote: '500' });
    expect(summary.strategies.trend.trades).toBe(summary.trades);
    expect(summary.reproducibility).toMatchObject({ dataHash: expect.stringMatching(/^[0-9a-f]{64}$/), configDigest: expect.stringMatching(/^0x/), version: '0.1.0' });
    expect(summary.from).toBeGreaterThanOrEqual(Date.parse('2023-06-01T00:00:00Z') / 1000);
    expect(summary.to).toBeLessThanOrEqual(Date.parse('2023-12-01T00:00:00Z') / 1000);
    expect(summary.trades).toBeGreaterThan(0);
    expect(typeof summary.metrics.buyAndHoldReturn).toBe('number');
    expect(summary.journalPath).toBe(journalPath);
    const journal = openJournal({ path: journalPath, clock: createVirtualClock(0) });
    try {
      expect(journal.runs.get(summary.runId)?.mode).toBe('backtest');
      expect(journal.decisions.list({ runId: summary.runId, status: 'trade' })).toHaveLength(summary.trades);
    } finally {
      journal.close();
    }
  });

  it('names a bad param and what the strategy accepts', async () => {
    const unknown = await mandate(['--strategy', 'trend', '--param', 'fast=3', '--data', 'data/chainlink/eth-usd.csv', '--json']);
    expect(unknown.code).toBe(1);
    const error = JSON.parse(unknown.stdout.trim().split('\n').at(-1)!).error;
    expect(error.name).toBe('StrategyParamsError');
    expect(error.message).toContain('"fast"');
    expect(error.details).toContain('fastPeriod');
    const invalid = await mandate(['--strategy', 'trend', '--param', 'average=wma', '--data', 'data/chainlink/eth-usd.csv']);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/Invalid param "average"[\s\S]*sma/);
  });
});
