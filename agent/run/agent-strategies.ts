import type { ResolvedConfig } from '../config/index.js';
import { ConfigError } from '../config/config-error.js';
import type { KernelStrategy } from '../model/ports.js';
import { createStrategyInstance } from '../../strategies/define-strategy.js';
import { getBuiltinStrategy } from '../../strategies/registry.js';
import type { AgentTarget } from './agent-target.js';

/**
 * The configured, enabled strategy instances, each bound to its market on the target: the base feed as
 * its oracle and the pool of its `poolFee` (the first configured pool when unset).
 *
 * @example
 * const strategies = createAgentStrategies(config, target); // [eth-trend, oracle-gap]
 */
export function createAgentStrategies(config: Pick<ResolvedConfig, 'strategies' | 'market'>, target: AgentTarget): KernelStrategy[] {
  return config.strategies
    .filter((strategy) => strategy.enabled)
    .map((strategy, index) => {
      const fee = strategy.poolFee ?? config.market.pools[0]!.fee;
      const pool = target.pools.find((candidate) => candidate.fee === fee);
      if (!pool) {
        throw new ConfigError([
          { path: `strategies.${index}.poolFee`, problem: 'is not one of market.pools', value: fee, expected: target.pools.map((p) => p.fee).join(' or ') },
        ]);
      }
      return createStrategyInstance(getBuiltinStrategy(strategy.use), {
        id: strategy.id,
        params: strategy.params,
        market: { oracle: target.baseFeed, pool: pool.address, poolFee: fee, base: target.base, quote: target.quote },
      });
    });
}
