import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createVirtualClock } from '../agent/model/clock.js';
import { SweepInputError, SweepRunError, openSweepStore, parseRankBy, rankResults, runSweep, type SweepRunSummary } from '../backtest/sweep/index.js';
import type { BacktestMetrics } from '../backtest/metrics.js';

const ethUsd = fileURLToPath(new URL('../data/chainlink/eth-usd.csv', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'mandate-sweep-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

// Two months of real ETH/USD rounds: enough for trades in every combination, quick per backtest.
const from = Date.parse('2023-07-01T00:00:00Z') / 1000;
const to = Date.parse('2023-09-01T00:00:00Z') / 1000;
const grid = { fastPeriod: [6, 12, 60], slowPeriod: [24, 48] };

const metrics = (overrides: Partial<BacktestMetrics>): BacktestMetrics => ({
  initialEquity: 100,
  finalEquity: 100,
  totalReturn: 0,
  buyAndHoldReturn: 0,
  cagr: undefined,
  sharpe: undefined,
  sortino: undefined,
  maxDrawdown: 0,
  trades: 0,
  roundTrips: 0,
  winRate: undefined,
  fees: 0,
  gas: 0,
  denials: 0,
  denialsByReason: {},
  reasonerCalls: 0,
  sampleSeconds: 3600,
  firstTime: undefined,
  lastTime: undefined,
  ...overrides,
});
const summary = (index: number, overrides: Partial<BacktestMetrics>): SweepRunSummary => ({
  index,
  params: { n: index },
  runId: `bt-${index}`,
  from: 0,
  to: 1,
  metrics: metrics(overrides),
  events: 1,
  denialsByReason: {},
  failuresByReason: {},
  dataHash: 'ab'.repeat(32),
  configDigest: `0x${'cd'.repeat(32)}`,
  version: '0.1.0',
});

describe('rankResults', () => {
  it('puts the best first, undefined metrics last, and breaks ties by grid order', () => {
    const runs = [summary(0, { sharpe: 1 }), summary(1, {}), summary(2, { sharpe: 2 }), summary(3, { sharpe: 1 }), summary(4, { sharpe: -1 })];
    expect(rankResults(runs, 'sharpe').map((r) => r.index)).toEqual([2, 0, 3, 4, 1]);
  });

  it('ranks drawdown lower-is-better and return higher-is-better', () => {
    const runs = [summary(0, { maxDrawdown: 0.3, totalReturn: 0.1 }), summary(1, { maxDrawdown: 0.1, totalReturn: -0.1 }), summary(2, { maxDrawdown: 0.2, totalReturn: 0.2 })];
    expect(rankResults(runs, 'max-drawdown').map((r) => r.index)).toEqual([1, 2, 0]);
    expect(rankResults(runs, 'return').map((r) => r.index)).toEqual([2, 0, 1]);
  });

  it('names the accepted --rank-by values', () => {
    expect(parseRankBy('sortino')).toBe('sortino');
    expect(() => parseRankBy('profit')).toThrow(SweepInputError);
    expect(() => parseRankBy('profit')).toThrow(/sharpe, sortino, return/);
  });
});

describe('runSweep', () => {
  it('gives the same ranked results on 1 and 2 workers, ranked by the metric, and stores them in SQLite', async () => {
    const storePath = join(directory, 'sweeps.sqlite');
    const clock = createVirtualClock(1_700_000_000_000);
    const progress: number[] = [];
    const one = await runSweep({ strategy: 'trend', grid, data: ethUsd, from, to, workers: 1, rankBy: 'sharpe', storePath, clock, onProgress: (p) => progress.push(p.done) });
    const two = await runSweep({ strategy: 'trend', grid, data: ethUsd, from, to, workers: 2, rankBy: 'sharpe', storePath, clock });

    expect(one.workers).toBe(1);
    expect(two.workers).toBe(2);
    expect(two.ranked).toEqual(one.ranked);
    expect(progress).toEqual([0, 1, 2, 3, 4]);

    // fastPeriod 60 ≥ slowPeriod 24 or 48 is rejected by the schema, reported and not run.
    expect(one.combinations).toBe(4);
    expect(one.rejected.map((r) => r.params)).toEqual([{ fastPeriod: 60, slowPeriod: 24 }, { fastPeriod: 60, slowPeriod: 48 }]);
    expect(one.rejected[0]!.reason).toMatch(/slowPeriod|fastPeriod/);
    expect(one.ranked).toHaveLength(4);

    // Ranked best first, each run really distinct and over the asked window.
    expect(one.ranked.map((r) => r.rank)).toEqual([1, 2, 3, 4]);
    const values = one.ranked.map((r) => r.value);
    for (let i = 1; i < values.length; i++) {
      if (values[i] !== undefined) expect(values[i - 1]).toBeGreaterThanOrEqual(values[i]!);
    }
    expect(new Set(one.ranked.map((r) => r.runId)).size).toBe(4);
    for (const run of one.ranked) {
      expect(run.from).toBeGreaterThanOrEqual(from);
      expect(run.to).toBeLessThanOrEqual(to);
      expect(run.metrics.trades).toBeGreaterThan(0);
      expect(run.value).toBe(run.metrics.sharpe);
    }
    expect(one.ranked.map((r) => r.params.fastPeriod).sort()).toEqual([12, 12, 6, 6]);

    // Both sweeps are stored under their own ids, rows in rank order.
    expect(one.sweepId).toMatch(/^sw-[0-9a-f]{12}$/);
    expect(two.sweepId).toBe(`${one.sweepId}-2`);
    const store = openSweepStore(storePath);
    try {
      expect(store.sweep(one.sweepId!)).toMatchObject({ kind: 'grid', strategy: 'trend', rankBy: 'sharpe', combinations: 4, workers: 1 });
      const rows = store.results(one.sweepId!);
      expect(rows.map((row) => [row.phase, row.rank, row.runId])).toEqual(one.ranked.map((r) => ['grid', r.rank, r.runId]));
      expect(rows.map((row) => row.sharpe)).toEqual(one.ranked.map((r) => r.metrics.sharpe ?? null));
      expect(rows[0]!.params).toEqual(one.ranked[0]!.params);
      expect(store.results(two.sweepId!)).toHaveLength(4);
    } finally {
      store.close();
    }
  });

  it('rejects a grid key the strategy does not have, and a bad worker count, naming what is accepted', async () => {
    await expect(runSweep({ strategy: 'trend', grid: { fastPeriods: [5] }, data: ethUsd, storePath: null })).rejects.toThrow(/fastPeriod, slowPeriod/);
    await expect(runSweep({ strategy: 'trend', grid: { fastPeriod: [5] }, data: ethUsd, workers: 0, storePath: null })).rejects.toThrow(SweepInputError);
  });

  it('stops with the failing backtest named when one fails in its worker', async () => {
    const unreadable = join(directory, 'no-layout.csv');
    writeFileSync(unreadable, 'when,what\n1,2\n');
    const failure = runSweep({ strategy: 'trend', grid: { fastPeriod: [5] }, data: unreadable, workers: 1, storePath: null });
    await expect(failure).rejects.toThrow(SweepRunError);
    await expect(failure).rejects.toThrow(/fastPeriod/);
    await expect(failure).rejects.toThrow(/no-layout\.csv/);
  });

  it('names a data file that cannot be read before starting any worker', async () => {
    await expect(runSweep({ strategy: 'trend', grid: { fastPeriod: [5] }, data: join(directory, 'missing.csv'), storePath: null })).rejects.toThrow(/missing\.csv/);
  });
});
