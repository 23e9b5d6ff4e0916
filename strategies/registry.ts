/**
 * The built-in strategies by name, for configs, the CLI and sweeps.
 */
import { z } from 'zod';
import { defineStrategy, UnknownStrategyError, type AnyStrategyDefinition } from './define-strategy.js';

/** The names of the built-in strategies, in a stable order. */
export const builtinStrategyNames = [
  'trend',
  'mean-reversion',
  'oracle-dex-deviation',
  'treasury-rebalancer',
  'dca',
] as const;

export type BuiltinStrategyName = (typeof builtinStrategyNames)[number];

// Placeholders until each strategy lands in its own file: same names, no signals.
function placeholder(name: BuiltinStrategyName): AnyStrategyDefinition {
  return defineStrategy({
    name,
    description: `${name} (not implemented yet)`,
    params: z.object({}),
    init: () => undefined,
    onMarket: () => undefined,
  });
}

/**
 * Every built-in strategy definition, by name.
 *
 * @example
 * const instance = createStrategyInstance(builtinStrategies.dca, { id: 'dca-1', market });
 */
export const builtinStrategies: Readonly<Record<BuiltinStrategyName, AnyStrategyDefinition>> = {
  trend: placeholder('trend'),
  'mean-reversion': placeholder('mean-reversion'),
  'oracle-dex-deviation': placeholder('oracle-dex-deviation'),
  'treasury-rebalancer': placeholder('treasury-rebalancer'),
  dca: placeholder('dca'),
};

/**
 * Looks a built-in strategy up by name.
 *
 * @example
 * const definition = getBuiltinStrategy('trend');
 */
export function getBuiltinStrategy(name: string): AnyStrategyDefinition {
  if (!(builtinStrategyNames as readonly string[]).includes(name)) {
    throw new UnknownStrategyError(name, builtinStrategyNames);
  }
  return builtinStrategies[name as BuiltinStrategyName];
}
