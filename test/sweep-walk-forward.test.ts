import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { aggregateWindows, openSweepStore, runWalkForward, SweepInputError, walkForwardWindows } from '../backtest/sweep/index.js';

const ethUsd = fileURLToPath(new URL('../data/chainlink/eth-usd.csv', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'mandate-walk-forward-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const day = 86_400;

describe('walkForwardWindows', () => {
  it('rolls whole train/test windows: test right after train, tests tiling the data without overlap', () => {
    const windows = walkForwardWindows({ first: 1000, last: 1000 + 100 * day - 1, trainSeconds: 30 * day, testSeconds: 10 * day });
    expect(windows).toHaveLength(7);
    windows.forEach((window, k) => {
      expect(window.index).toBe(k);
      expect(window.train.from).toBe(1000 + k * 10 * day);
      expect(window.train.to - window.train.from + 1).toBe(30 * day);
      expect(window.test.from).toBe(window.train.to + 1); // no overlap, no gap
      expect(window.test.to - window.test.from + 1).toBe(10 * day);
      expect(window.test.to).toBeLessThanOrEqual(1000 + 100 * day - 1);
      if (k > 0) expect(window.test.from).toBe(windows[k - 1]!.test.to + 1);
    });
  });

  it('explains data too short for one window', () => {
    expect(() => walkForwardWindows({ first: 0, last: 20 * day, trainSeconds: 30 * day, testSeconds: 10 * day })).toThrow(SweepInputError);
    expect(() => walkForwardWindows({ first: 0, last: 20 * day, trainSeconds: 30 * day, testSeconds: 10 * day })).toThrow(/at least one train window plus one test window/);
  });
});

describe('runWalkForward', () => {
  it('picks the best params on each train window and reports their test windows apart, per window and chained', async () => {
    const storePath = join(directory, 'sweeps.sqlite');
    const from = Date.parse('2023-06-01T00:00:00Z') / 1000;
    const to = Date.parse('2023-09-01T00:00:00Z') / 1000;
    const wf = await runWalkForward({
      strategy: 'trend',
      grid: { fastPeriod: [6, 12], slowPeriod: [24, 48] },
      data: ethUsd,
      from,
      to,
      trainSeconds: 30 * day,
      testSeconds: 15 * day,
      workers: 2,
      rankBy: 'return',
      storePath,
    });
    expect(wf.combinations).toBe(4);
    expect(wf.windows.length).toBeGreaterThanOrEqual(3);
    for (const window of wf.windows) {
      // Train and test do not overlap, and each backtest replayed only its own window.
      expect(window.test.from).toBeGreaterThan(window.train.to);
      expect(window.best.metrics.firstTime).toBeGreaterThanOrEqual(window.train.from);
      expect(window.best.metrics.lastTime).toBeLessThanOrEqual(window.train.to);
      expect(window.outOfSample.from).toBeGreaterThanOrEqual(window.test.from);
      expect(window.outOfSample.to).toBeLessThanOrEqual(window.test.to);
      expect(window.outOfSample.runId).not.toBe(window.best.runId);
    }
    for (let k = 1; k < wf.windows.length; k++) expect(wf.windows[k]!.test.from).toBeGreaterThan(wf.windows[k - 1]!.test.to);

    // Out-of-sample aggregates come from the test windows only; in-sample from the train windows.
    expect(wf.outOfSample).toEqual(aggregateWindows(wf.windows.map((w) => w.outOfSample.metrics)));
    expect(wf.inSample).toEqual(aggregateWindows(wf.windows.map((w) => w.best.metrics)));
    const chained = wf.windows.reduce((value, w) => value * (1 + w.outOfSample.metrics.totalReturn), 1) - 1;
    expect(wf.outOfSample.compoundedReturn).toBeCloseTo(chained, 12);
    expect(wf.outOfSample.windows).toBe(wf.windows.length);

    // Stored: every combination on every train window, ranked, plus one test row per window for the chosen params.
    const store = openSweepStore(storePath);
    try {
      expect(store.sweep(wf.sweepId!)).toMatchObject({ kind: 'walk-forward', rankBy: 'return', combinations: 4 });
      const rows = store.results(wf.sweepId!);
      const train = rows.filter((row) => row.phase === 'train');
      const test = rows.filter((row) => row.phase === 'test');
      expect(train).toHaveLength(4 * wf.windows.length);
      expect(test).toHaveLength(wf.windows.length);
      for (const window of wf.windows) {
        const best = train.find((row) => row.window === window.index && row.rank === 1)!;
        expect(best.params).toEqual(window.best.params);
        expect(best.totalReturn).toBe(window.best.metrics.totalReturn);
        const returns = train.filter((row) => row.window === window.index).map((row) => row.totalReturn!);
        expect(returns).toEqual([...returns].sort((a, b) => b - a));
        const out = test.find((row) => row.window === window.index)!;
        expect(out.params).toEqual(window.best.params);
        expect(out.runId).toBe(window.outOfSample.runId);
      }
    } finally {
      store.close();
    }
  });
});
