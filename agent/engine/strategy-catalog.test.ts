import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../config/config-error.js';
import { validateConfig, type ValidateConfigOptions } from '../config/validate-config.js';
import { defineStrategy, StrategyParamsError, UnknownStrategyError } from '../../strategies/define-strategy.js';
import { resolveStrategyDefinition, strategyCatalog } from './strategy-catalog.js';

const noEnv: ValidateConfigOptions = { mode: 'devnet', env: {}, strategies: strategyCatalog };

/** Runs validateConfig with the strategy catalog and returns the ConfigError it must throw. */
function configErrorOf(input: unknown): ConfigError {
  try {
    validateConfig(input, noEnv);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, but the config was accepted');
}

const inline = defineStrategy({
  name: 'inline',
  description: 'A definition written in the config.',
  params: z.object({ level: z.number().positive().default(1) }),
  init: () => ({}),
  onMarket: () => undefined,
});

describe('validateConfig with the strategy catalog: names', () => {
  it('unknown strategy, listing the known names and the closest one', () => {
    const error = configErrorOf({ strategies: [{ id: 'a', use: 'trend' }, { id: 'b', use: 'mean-revertion' }] });
    expect(error.path).toBe('strategies[1].use');
    expect(error.value).toBe('mean-revertion');
    expect(error.shortMessage).toMatch(/is not a known strategy \(did you mean "mean-reversion"\?\)/);
    expect(error.expected).toMatch(/^a built-in strategy \(trend, mean-reversion, oracle-dex-deviation, treasury-rebalancer, dca\), a path to a strategy file/);
  });

  it('accepts a definition imported in the config and checks its params with its own schema', () => {
    const config = validateConfig({ strategies: [{ id: 'mine', use: inline, params: {} }] }, noEnv);
    expect(config.strategies[0]?.params).toEqual({ level: 1 });
    const error = configErrorOf({ strategies: [{ id: 'mine', use: inline, params: { level: -2 } }] });
    expect(error.path).toBe('strategies[0].params.level');
  });

  it('refuses an object that only looks like a strategy', () => {
    const error = configErrorOf({ strategies: [{ id: 'x', use: { name: 'x' } }] });
    expect(error.path).toBe('strategies[0].use');
  });
});

describe("validateConfig: strategy params through each strategy's own schema", () => {
  it('applies the strategy defaults to the params', () => {
    const config = validateConfig({ strategies: [{ id: 'a', use: 'trend', params: { fastPeriod: 5 } }] }, noEnv);
    expect(config.strategies[0]?.params).toMatchObject({ fastPeriod: 5, slowPeriod: 30, average: 'sma' });
  });

  it('reports a bad param at its config path', () => {
    const wrongType = configErrorOf({ strategies: [{ id: 'a', use: 'dca' }, { id: 'b', use: 'trend', params: { fastPeriod: 'fast' } }] });
    expect(wrongType.path).toBe('strategies[1].params.fastPeriod');
    expect(wrongType.shortMessage).toMatch(/has the wrong type \(a string, not a number\)/);
    expect(wrongType.expected).toBe('a number (events in the fast average)');

    const crossField = configErrorOf({ strategies: [{ id: 'a', use: 'trend', params: { fastPeriod: 40, slowPeriod: 20 } }] });
    expect(crossField.path).toBe('strategies[0].params.fastPeriod');
    expect(crossField.shortMessage).toMatch(/fastPeriod must be smaller than slowPeriod/);
  });

  it('rejects a misspelt param instead of silently using its default', () => {
    const error = configErrorOf({ strategies: [{ id: 'a', use: 'trend', params: { slowPeriodd: 50 } }] });
    expect(error.path).toBe('strategies[0].params.slowPeriodd');
    expect(error.shortMessage).toMatch(/is not a param of "trend" \(did you mean "slowPeriod"\?\)/);
  });
});

describe('resolveStrategyDefinition', () => {
  it('resolves names and definitions, and names the closest built-in for a typo', () => {
    expect(resolveStrategyDefinition('trend').name).toBe('trend');
    expect(resolveStrategyDefinition(inline)).toBe(inline);
    expect(() => resolveStrategyDefinition('trnd')).toThrow(UnknownStrategyError);
    expect(() => resolveStrategyDefinition('trnd')).toThrow(/Did you mean "trend"\?/);
    expect(() => resolveStrategyDefinition({ name: 'x', params: z.object({}), onMarket: () => undefined })).toThrow(StrategyParamsError);
  });
});
