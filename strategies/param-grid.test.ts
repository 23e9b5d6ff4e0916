import { describe, expect, it } from 'vitest';
import { StrategyParamsError } from './define-strategy.js';
import { describeStrategyParams, paramGrid } from './param-grid.js';
import { builtinStrategies, builtinStrategyNames } from './registry.js';
import { trend } from './trend.js';

describe('listable params', () => {
  it('describes every param with its default, description and schema', () => {
    const params = describeStrategyParams(trend);
    expect(params.map((p) => p.key)).toEqual(['fastPeriod', 'slowPeriod', 'average', 'priceSource', 'strength', 'sizeQuote']);
    expect(params[0]).toEqual({
      key: 'fastPeriod',
      default: 10,
      description: 'events in the fast average',
      schema: { type: 'integer', minimum: 1, maximum: 100_000 },
    });
    expect(params[2]!.schema).toMatchObject({ enum: ['sma', 'ema'] });
    expect(params[5]!.default).toBeUndefined();
  });

  it('describes every built-in, each param documented', () => {
    for (const name of builtinStrategyNames) {
      const params = describeStrategyParams(builtinStrategies[name]);
      expect(params.length).toBeGreaterThan(0);
      for (const param of params) expect(param.description, `${name}.${param.key}`).toBeTruthy();
    }
  });
});

describe('paramGrid', () => {
  it('expands the Cartesian product, applies fixed values and defaults, and sets aside invalid combinations', () => {
    const { combinations, rejected } = paramGrid(trend, { fastPeriod: [5, 20], slowPeriod: [10, 30] }, { average: 'ema' });
    expect(combinations.map((c) => [c.fastPeriod, c.slowPeriod])).toEqual([
      [5, 10],
      [5, 30],
      [20, 30],
    ]);
    expect(combinations.every((c) => c.average === 'ema' && c.priceSource === 'oracle')).toBe(true);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.params).toEqual({ average: 'ema', fastPeriod: 20, slowPeriod: 10 });
    expect(rejected[0]!.error).toBeInstanceOf(StrategyParamsError);
  });

  it('refuses keys the strategy does not have, empty axes and huge grids', () => {
    expect(() => paramGrid(trend, { fast: [1] } as never)).toThrow(/"fast"[\s\S]*fastPeriod, slowPeriod/);
    expect(() => paramGrid(trend, { fastPeriod: [] })).toThrow(/non-empty array/);
    const many = Array.from({ length: 400 }, (_, i) => i + 1);
    expect(() => paramGrid(trend, { fastPeriod: many, slowPeriod: many })).toThrow(/at most 100000 combinations/);
  });
});
