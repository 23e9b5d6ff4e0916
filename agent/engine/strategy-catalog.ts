import type { StrategyCatalog, StrategyDefinitionLike } from '../config/index.js';
import { isStrategyDefinition, StrategyParamsError, type AnyStrategyDefinition } from '../../strategies/define-strategy.js';
import { builtinStrategies, builtinStrategyNames, getBuiltinStrategy, type BuiltinStrategyName } from '../../strategies/registry.js';

/**
 * What the config's `strategies[].use` may name: a built-in strategy by name, or a definition the config
 * imported. Handed to the config's validation so a bad name or param is reported at its key path.
 *
 * @example
 * await loadConfig(path, { mode: 'backtest', strategies: strategyCatalog });
 */
export const strategyCatalog: StrategyCatalog = {
  names: builtinStrategyNames,
  find(use) {
    if (typeof use !== 'string') return isStrategyDefinition(use) ? use : undefined;
    return (builtinStrategyNames as readonly string[]).includes(use) ? builtinStrategies[use as BuiltinStrategyName] : undefined;
  },
};

/**
 * The definition a config's `use` names or is. A name that is not built in throws UnknownStrategyError
 * with the closest name; an object that is not a definition throws StrategyParamsError.
 *
 * @example
 * resolveStrategyDefinition('trend'); // the built-in trend definition
 * resolveStrategyDefinition(myStrategy); // myStrategy, checked
 */
export function resolveStrategyDefinition(use: string | StrategyDefinitionLike): AnyStrategyDefinition {
  if (typeof use === 'string') return getBuiltinStrategy(use);
  if (!isStrategyDefinition(use)) {
    throw new StrategyParamsError(use.name, 'use', use, 'a strategy definition made with defineStrategy (name, description, params, init, onMarket)');
  }
  return use;
}
