import { parseGwei, parseUnits } from 'viem';
import { ethereumPreset } from '../agent/chain/presets/ethereum.js';
import { uniswapV3PoolAddress } from '../agent/chain/presets/pool-address.js';
import type { MandateConfig } from '../agent/config/config-schema.js';
import type { GasCharge, Venue, VenueMarket } from '../agent/engine/venue.js';
import type { Address } from '../agent/model/address.js';
import { createVirtualClock, type VirtualClock } from '../agent/model/clock.js';
import type { MarketSnapshot, RiskGate } from '../agent/model/ports.js';
import type { StrategyMarket } from '../strategies/define-strategy.js';
import { createAnchoredPool, type AnchoredPool, type LiquidityRange } from './anchored-pool.js';
import { createBacktestPolicyGate, type FillPolicy } from './backtest-policy-gate.js';
import { createLookaheadEvents, type LookaheadEvents } from './lookahead-events.js';
import { poolPricedReasoner } from './pool-priced-reasoner.js';
import { createSimulatedExecutor, type BacktestTrade, type GasPayment } from './simulated-executor.js';
import type { HistoricalSource } from './sources/historical-source.js';

export type CreateBacktestVenueParameters = {
  source: HistoricalSource;
  /** The pair, its oracle and the replayed pool (the data's market). */
  market: StrategyMarket;
  /** The fee tiers to simulate a pool for: the data's, the config's and the strategies'. */
  fees: readonly number[];
  settings: Pick<MandateConfig, 'risk' | 'execution' | 'backtest'>;
  gas: GasPayment;
  /** The quote token's USD price the policy values trades with. Default 1. */
  quoteUsd?: number | undefined;
  from?: number | undefined;
  to?: number | undefined;
  liquidity?: readonly LiquidityRange[] | undefined;
  /** A policy other than the config's (tests); it may also evaluate fills (FillPolicy). */
  riskGate?: (RiskGate & FillPolicy) | undefined;
  clock?: VirtualClock | undefined;
  onTrade(trade: BacktestTrade): void;
};

export type BacktestVenue = Venue & {
  readonly kind: 'backtest';
  /** The events to replay, with the executor's look ahead. */
  readonly replay: LookaheadEvents;
  /** How the policy priced the base token: its oracle feed, or the pool when the data has no oracle. */
  readonly policyPricing: 'oracle' | 'pool' | 'custom';
  readonly executor: ReturnType<typeof createSimulatedExecutor>;
  /** Hands the venue the kernel's market state once the kernel exists (the gate and the fills read it). */
  attach(market: MarketSnapshot): void;
};

/**
 * The backtest venue: the historical source (with a look ahead for fills with latency), the simulated
 * executor on exact Uniswap v3 pools (one per fee tier, anchored to the replayed price), the vault's policy
 * through agent/policy, and a virtual clock the events advance. Everything else comes from the engine,
 * exactly as live.
 *
 * @example
 * const venue = createBacktestVenue({ source, market, fees: [500], settings, gas: { native: 'base' }, onTrade });
 * const engine = createEngine({ config, venue, journal, runId });
 * venue.attach(engine.kernel.market);
 * await engine.kernel.replay(venue.replay.events);
 */
export function createBacktestVenue(parameters: CreateBacktestVenueParameters): BacktestVenue {
  const { source, market, settings } = parameters;
  const fees = [...new Set(parameters.fees)].sort((a, b) => a - b);
  const policyPricing = parameters.riskGate !== undefined ? 'custom' : source.kind === 'uniswap-events-csv' || market.oracle === undefined ? 'pool' : 'oracle';
  const replay = createLookaheadEvents(source, { from: parameters.from, to: parameters.to });
  let snapshot: MarketSnapshot | undefined;
  const current = (): MarketSnapshot => snapshot!;

  const venueMarket: VenueMarket = {
    base: { address: market.base.address, decimals: market.base.decimals, symbol: market.base.symbol ?? 'BASE' },
    quote: { address: market.quote.address, decimals: market.quote.decimals, symbol: market.quote.symbol ?? 'QUOTE' },
    baseFeed: market.oracle,
    quoteFeed: undefined,
    pools: fees.map((fee) => ({ fee, address: fee === market.poolFee && market.pool !== undefined ? market.pool : poolAddress(market, fee) })),
  };
  const riskGate =
    parameters.riskGate ??
    createBacktestPolicyGate({ market, fees, risk: settings.risk, poolPriced: policyPricing === 'pool', quoteUsd: parameters.quoteUsd, snapshot: current });
  const pools = new Map<number, AnchoredPool>(fees.map((fee) => [fee, createAnchoredPool({ fee, base: market.base, quote: market.quote, ranges: parameters.liquidity })]));
  let lastPrice: number | undefined;
  // A backtest fill's "transaction hash" is its decision id: the gas its trade cost, for the per-strategy books.
  const gasByDecision = new Map<string, GasCharge>();
  const executor = createSimulatedExecutor({
    market,
    pools,
    balances: new Map<Address, bigint>([
      [market.quote.address, parseUnits(settings.backtest.initialCapitalUsd, market.quote.decimals)],
      [market.base.address, 0n],
    ]),
    window: { current, eventsUntil: replay.eventsUntil },
    policy: riskGate,
    gasPerTrade: BigInt(settings.backtest.gasPerTrade),
    gasPriceWei: parseGwei(settings.backtest.gasPriceGwei),
    gas: parameters.gas,
    latencyBlocks: settings.backtest.latencyBlocks,
    blockTimeSeconds: settings.backtest.blockTimeSeconds,
    onTrade(trade) {
      lastPrice = trade.marketPrice;
      gasByDecision.set(trade.decisionId, { ...trade.gasPaid, quoteValue: trade.gasQuote });
      parameters.onTrade(trade);
    },
  });

  return {
    kind: 'backtest',
    market: venueMarket,
    clock: parameters.clock ?? createVirtualClock(0),
    executor,
    riskGate,
    replay,
    policyPricing,
    adaptReasoner:
      policyPricing === 'pool' && market.pool !== undefined
        ? (reasoner) => poolPricedReasoner(reasoner, { oracle: market.oracle ?? market.base.address, pool: market.pool!, base: market.base, quote: market.quote })
        : undefined,
    gasCost: (fill) => gasByDecision.get(fill.txHash),
    price: () => lastPrice,
    attach(market) {
      snapshot = market;
    },
  };

  /** The pool address of the pair at `fee` on the mainnet factory: deterministic, like the real one. */
  function poolAddress(pair: StrategyMarket, fee: number): Address {
    return uniswapV3PoolAddress(ethereumPreset.uniswapV3, pair.base.address, pair.quote.address, fee);
  }
}
