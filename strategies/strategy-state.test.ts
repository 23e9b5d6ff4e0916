import { describe, expect, it } from 'vitest';
import { ExponentialMovingAverage, RollingStats, SimpleMovingAverage } from './indicators.js';
import { restoreStrategyState, saveStrategyState, StrategyStateError } from './strategy-state.js';
import { canonicalJson } from '../agent/model/canonical-json.js';

const fresh = () => ({ sma: new SimpleMovingAverage(3), ema: new ExponentialMovingAverage(4), stats: new RollingStats(5), side: 0, seen: 0n, history: [] as number[], flags: new Uint8Array(2) });

describe('saveStrategyState / restoreStrategyState', () => {
  it('restores indicators and data so the restored state continues exactly like the original', () => {
    const original = fresh();
    const prices = [10, 11, 12.5, 9, 8.75, 13, 14, 12];
    for (const price of prices) {
      original.sma.update(price);
      original.ema.update(price);
      original.stats.update(price);
      original.history.push(price);
    }
    original.side = -1;
    original.seen = 12345678901234567890n;
    original.flags[1] = 7;

    // Through the journal's encoding and back, as a restart does.
    const saved = JSON.parse(canonicalJson(saveStrategyState(original))) as unknown;
    const restored = restoreStrategyState(fresh(), saved);
    expect(restored.sma).toBeInstanceOf(SimpleMovingAverage);
    expect(restored).toMatchObject({ side: -1, seen: 12345678901234567890n, history: prices });
    expect(Array.from(restored.flags)).toEqual([0, 7]);
    for (const price of [15, 7, 9.5, 20]) {
      expect(restored.sma.update(price)).toBe(original.sma.update(price));
      expect(restored.ema.update(price)).toBe(original.ema.update(price));
      restored.stats.update(price);
      original.stats.update(price);
      expect(restored.stats.mean).toBe(original.stats.mean);
      expect(restored.stats.stddev).toBe(original.stats.stddev);
    }
  });

  it('names the path of what it cannot save, and what to do instead', () => {
    expect(() => saveStrategyState({ ok: 1, bad: { lookup: new Map() } })).toThrow(StrategyStateError);
    expect(() => saveStrategyState({ ok: 1, bad: { lookup: new Map() } })).toThrow(/\$\.bad\.lookup: a Map instance has no saveState\(\)/);
    expect(() => saveStrategyState({ x: Number.NaN })).toThrow(/\$\.x: the number NaN has no JSON form/);
    expect(() => saveStrategyState({ f: () => 1 })).toThrow(/define save\(state\) and load\(saved\)/);
  });

  it('refuses a saved ring of another length (the params changed since it was saved)', () => {
    const sma = new SimpleMovingAverage(3);
    [1, 2, 3].forEach((x) => sma.update(x));
    const other = new SimpleMovingAverage(4);
    expect(() => other.restoreState(sma.saveState())).toThrow(/Invalid period for SimpleMovingAverage/);
  });
});
