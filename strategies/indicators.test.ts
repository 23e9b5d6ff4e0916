import { describe, expect, it } from 'vitest';
import { ExponentialMovingAverage, IndicatorPeriodError, RollingStats, SimpleMovingAverage } from './indicators.js';

/** A small deterministic generator so the sequences are the same on every run. */
function seeded(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

function naiveStats(values: number[]) {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return { mean, stddev: Math.sqrt(variance) };
}

describe('SimpleMovingAverage', () => {
  it('averages what it has during warm-up, then exactly the last `period` values', () => {
    const sma = new SimpleMovingAverage(3);
    expect(sma.value).toBeNaN();
    expect(sma.update(3)).toBe(3);
    expect(sma.update(6)).toBe(4.5);
    expect(sma.ready).toBe(false);
    expect(sma.update(9)).toBe(6);
    expect(sma.ready).toBe(true);
    expect(sma.update(12)).toBe(9);
  });

  it('matches a naive average over a long random sequence', () => {
    const random = seeded(7);
    const sma = new SimpleMovingAverage(17);
    const all: number[] = [];
    for (let i = 0; i < 5_000; i += 1) {
      const x = 2_000 + random() * 100;
      all.push(x);
      sma.update(x);
      if (i % 499 === 0 && i >= 16) expect(sma.value).toBeCloseTo(naiveStats(all.slice(-17)).mean, 9);
    }
  });
});

describe('SimpleMovingAverage after a regime change', () => {
  it('forgets the rounding error of huge values once they leave the window', () => {
    const random = seeded(5);
    const sma = new SimpleMovingAverage(10);
    for (let i = 0; i < 1_000; i += 1) sma.update(1e15 + random());
    const recent: number[] = [];
    for (let i = 0; i < 30; i += 1) {
      recent.push(1 + random());
      sma.update(recent.at(-1)!);
    }
    expect(sma.value).toBeCloseTo(naiveStats(recent.slice(-10)).mean, 12);
  });
});

describe('ExponentialMovingAverage', () => {
  it('seeds with the simple average of the first period values, then smooths with 2/(n+1)', () => {
    const ema = new ExponentialMovingAverage(3);
    [1, 2, 3].forEach((x) => ema.update(x));
    expect(ema.ready).toBe(true);
    expect(ema.value).toBe(2);
    expect(ema.update(4)).toBe(3);
    expect(ema.update(3)).toBe(3);
  });
});

describe('RollingStats', () => {
  it('gives the mean, population stddev and z-score of the window', () => {
    const stats = new RollingStats(4);
    [2, 4, 4, 6].forEach((x) => stats.update(x));
    expect(stats.mean).toBe(4);
    expect(stats.stddev).toBeCloseTo(Math.SQRT2, 12);
    expect(stats.zScore(7)).toBeCloseTo(3 / Math.SQRT2, 12);
    stats.update(10); // window is now 4, 4, 6, 10
    expect(stats.mean).toBe(6);
    expect(stats.variance).toBeCloseTo(6, 12);
  });

  it('has no z-score for a flat window', () => {
    const stats = new RollingStats(3);
    [5, 5, 5, 5].forEach((x) => stats.update(x));
    expect(stats.stddev).toBe(0);
    expect(stats.zScore(6)).toBeNaN();
  });

  it('does not drift over a million updates at price-like magnitudes', () => {
    const random = seeded(42);
    const window = 50;
    const stats = new RollingStats(window);
    const ring = new Float64Array(window);
    for (let i = 0; i < 1_000_000; i += 1) {
      // big level, small moves: the case where sliding sums lose precision
      const x = 1e6 + (i % 1000) * 10 + random() * 0.01;
      ring[i % window] = x;
      stats.update(x);
    }
    const expected = naiveStats(Array.from(ring));
    expect(stats.mean).toBeCloseTo(expected.mean, 6);
    expect(Math.abs(stats.stddev - expected.stddev) / expected.stddev).toBeLessThan(1e-9);
  });
});

describe('RollingStats after a regime change', () => {
  it('forgets the rounding error of huge values once they leave the window', () => {
    const random = seeded(3);
    const window = 20;
    const stats = new RollingStats(window);
    for (let i = 0; i < 1_000; i += 1) stats.update(1e9 + random() * 1e6);
    const recent: number[] = [];
    for (let i = 0; i < 3 * window; i += 1) {
      const x = 1 + random() * 0.001;
      recent.push(x);
      stats.update(x);
    }
    const expected = naiveStats(recent.slice(-window));
    expect(Math.abs(stats.stddev - expected.stddev) / expected.stddev).toBeLessThan(1e-6);
  });
});

describe('periods', () => {
  it('rejects a period that is not a positive integer', () => {
    expect(() => new SimpleMovingAverage(0)).toThrow(IndicatorPeriodError);
    expect(() => new RollingStats(2.5)).toThrow(/Got 2\.5; a period is an integer/);
    expect(() => new ExponentialMovingAverage(-1)).toThrow(IndicatorPeriodError);
  });
});
