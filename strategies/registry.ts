/**
 * The built-in strategies by name, for configs, the CLI and sweeps.
 */
import { didYouMean } from '../agent/model/did-you-mean.js';
import { dca } from './dca.js';
import { UnknownStrategyError, type AnyStrategyDefinition } from './define-strategy.js';
import { meanReversion } from './mean-reversion.js';
import { oracleDexDeviation } from './oracle-dex-deviation.js';
import { treasuryRebalancer } from './treasury-rebalancer.js';
import { trend } from './trend.js';

/**
 * The names of the built-in strategies, in a stable order.
 *
 * @example
 * program.option('--strategy <name>', `one of ${builtinStrategyNames.join(', ')}`);
 */
export const builtinStrategyNames = [
  'trend',
  'mean-reversion',
  'oracle-dex-deviation',
  'treasury-rebalancer',
  'dca',
] as const;

export type BuiltinStrategyName = (typeof builtinStrategyNames)[number];

/**
 * Every built-in strategy definition, by name.
 *
 * @example
 * const instance = createStrategyInstance(builtinStrategies.dca, { id: 'dca-1', market });
 */
export const builtinStrategies: Readonly<Record<BuiltinStrategyName, AnyStrategyDefinition>> = {
  trend,
  'mean-reversion': meanReversion,
  'oracle-dex-deviation': oracleDexDeviation,
  'treasury-rebalancer': treasuryRebalancer,
  dca,
};

/**
 * Looks a built-in strategy up by name.
 *
 * @example
 * const definition = getBuiltinStrategy('trend');
 */
export function getBuiltinStrategy(name: string): AnyStrategyDefinition {
  if (!(builtinStrategyNames as readonly string[]).includes(name)) {
    throw new UnknownStrategyError(name, builtinStrategyNames, didYouMean(name, builtinStrategyNames));
  }
  return builtinStrategies[name as BuiltinStrategyName];
}
