/**
 * `mandate`: what a strategy file, an agent config or a script imports. Everything here is stable API.
 *
 * @example
 * // my-breakout.ts
 * import { z } from 'zod';
 * import { defineStrategy, SimpleMovingAverage, eventPrice } from 'mandate';
 *
 * export default defineStrategy({
 *   name: 'breakout',
 *   description: 'Buys when the price closes above its 50-event high.',
 *   params: z.object({ window: z.number().int().min(2).default(50) }),
 *   requires: ['oracle'],
 *   init: ({ params }) => ({ sma: new SimpleMovingAverage(params.window) }),
 *   onMarket(market, ctx) {
 *     const price = eventPrice(market.last, 'oracle', ctx.market);
 *     if (price === undefined) return undefined;
 *     const above = ctx.state.sma.ready && price > ctx.state.sma.value * 1.01;
 *     ctx.state.sma.update(price);
 *     return above ? ctx.signal('buy', { reason: `price ${price} broke out` }) : undefined;
 *   },
 * });
 */

// Strategies: the API, indicators, price helpers, param schemas, grids, RxJS operators, the built-ins.
export {
  createStrategyInstance,
  defineStrategy,
  isStrategyDefinition,
  parseStrategyParams,
  StrategyMarketError,
  StrategyParamsError,
  UnknownStrategyError,
} from '../strategies/define-strategy.js';
export type {
  AnyStrategyDefinition,
  DefineStrategyOptions,
  MarketSource,
  ParamsSchema,
  SignalDetails,
  StrategyContext,
  StrategyDefinition,
  StrategyInitContext,
  StrategyInstance,
  StrategyInstanceOptions,
  StrategyMarket,
  StrategyParams,
  StrategyParamsInput,
  StrategyToken,
} from '../strategies/define-strategy.js';
export { ExponentialMovingAverage, IndicatorPeriodError, RollingStats, SimpleMovingAverage } from '../strategies/indicators.js';
export { baseIsToken0, eventPrice, oraclePrice, poolPrice, toDecimalString } from '../strategies/prices.js';
export { decimalAmount, priceSource, strength } from '../strategies/param-schemas.js';
export { describeStrategyParams, paramGrid } from '../strategies/param-grid.js';
export { fromOperator, strategyOperator } from '../strategies/operator-strategy.js';
export { restoreStrategyState, saveStrategyState, StrategyStateError } from '../strategies/strategy-state.js';
export type { Persistable } from '../strategies/strategy-state.js';
export { builtinStrategies, builtinStrategyNames, getBuiltinStrategy } from '../strategies/registry.js';
export { dca } from '../strategies/dca.js';
export { meanReversion } from '../strategies/mean-reversion.js';
export { oracleDexDeviation } from '../strategies/oracle-dex-deviation.js';
export { treasuryRebalancer } from '../strategies/treasury-rebalancer.js';
export { trend } from '../strategies/trend.js';

// Testing a strategy: example market, events and a replay that collects the signals.
export { createSnapshotTracker, exampleMarket, oracleUpdate, poolUpdate, replay } from '../strategies/testing.js';

// Configs.
export { defineConfig } from './config/define-config.js';
export type { MandateConfig, MandateConfigInput, StrategyConfig } from './config/config-schema.js';

// Backtests.
export { BacktestInputError, runBacktest } from '../backtest/run-backtest.js';
export type { BacktestProgress, BacktestResult, BacktestSettings, BacktestStrategy, RunBacktestParameters } from '../backtest/run-backtest.js';
export { backtestMarket } from '../backtest/backtest-market.js';
export type { StrategyFigures } from './engine/strategy-ledger.js';
export type { BacktestMetrics } from '../backtest/metrics.js';
export type { BacktestTrade } from '../backtest/simulated-executor.js';
export type { EquityPoint } from '../backtest/equity-tracker.js';

// The model: the types strategies and results are made of.
export { InvalidAddressError, isAddress, toAddress, zeroAddress } from './model/address.js';
export type { Address, Hex } from './model/address.js';
export type { MarketEvent, OracleUpdate, PoolUpdate } from './model/market-event.js';
export type { DecisionOutcome, Proposal, Signal, TradeIntent, Verdict } from './model/decision.js';
export type { MarketSnapshot, StrategyOutcome } from './model/ports.js';
export { MandateError } from './model/base-error.js';
