import { oraclePriceToSqrtPriceX96 } from '../agent/chain/price/sqrt-price.js';
import { MarketState } from '../agent/market/market-state.js';
import type { ExecutionResult, Executor, MarketSnapshot } from '../agent/model/ports.js';
import type { Fill, TradeIntent } from '../agent/model/decision.js';
import type { Address } from '../agent/model/address.js';
import type { MarketEvent, OracleUpdate, PoolUpdate } from '../agent/model/market-event.js';
import type { AnchoredPool } from './anchored-pool.js';
import type { FillPolicy } from './backtest-policy-gate.js';

/** One executed backtest trade, in the units a report shows (amounts in base units, money in quote units). */
export type BacktestTrade = {
  /** Fill time, unix seconds (the decision's time plus the latency). */
  time: number;
  /** The decision's time, unix seconds. */
  decidedAt: number;
  decisionId: `0x${string}`;
  side: 'buy' | 'sell';
  tokenIn: Address;
  tokenOut: Address;
  amountIn: bigint;
  amountOut: bigint;
  /** Execution price, quote per base (human units), fee included. */
  price: number;
  /** The market price the pool was anchored to at the fill, quote per base. */
  marketPrice: number;
  /** LP fee paid, in quote units. */
  feeQuote: number;
  /** Gas charged (gasPerTrade × gasPrice × ETH price), in quote units. */
  gasQuote: number;
  /** Initialised ticks our swap crossed. */
  ticksCrossed: number;
};

/** What the executor may see of the market: the kernel's state, and the events after it for latency. */
export type FillWindow = {
  /** The kernel's current snapshot (the decision's state). */
  current(): MarketSnapshot;
  /**
   * The events after the current one up to the limit (time ≤ limit.time, and block ≤ limit.block for
   * events that carry blocks), in order. The kernel has not seen them yet; only the fill uses them.
   */
  eventsUntil(limit: { time: number; block: bigint | undefined }): Promise<readonly MarketEvent[]>;
};


export type SimulatedExecutorMarket = {
  oracle?: Address | undefined;
  pool?: Address | undefined;
  base: { address: Address; decimals: number };
  quote: { address: Address; decimals: number };
};

export type CreateSimulatedExecutorParameters = {
  market: SimulatedExecutorMarket;
  pool: AnchoredPool;
  /** Starting vault balances per token, base units. */
  balances: ReadonlyMap<Address, bigint>;
  window: FillWindow;
  policy?: FillPolicy | undefined;
  /** Gas units charged per executed trade. */
  gasPerTrade: bigint;
  /** Gas price, wei. */
  gasPriceWei: bigint;
  /** Blocks between the decision and the fill. 0 fills on the decision's own state. */
  latencyBlocks: number;
  /** Seconds per block, to turn latency into time for events without block numbers (oracle rounds). */
  blockTimeSeconds: number;
  /** Told about each executed trade (the engine's equity tracker). */
  onTrade?: ((trade: BacktestTrade) => void) | undefined;
};

/**
 * The backtest's Executor: fills each intent on the exact Uniswap v3 simulator, as the vault would through
 * SwapRouter.exactInputSingle. The fill happens on the market as it is `latencyBlocks` later (the events up
 * to then are looked up through the window, never shown to the strategy early); the pool is re-anchored to
 * that market price (the oracle round, or the replayed pool's price and liquidity) unless nothing has moved
 * since the last anchor, so our own trades' price impact stays until the market moves it back. The policy
 * (agent/policy) evaluates the trade again at the fill's time, as the vault does when the transaction
 * lands; its floor (minAmountOutUsed) must be met, else the fill fails as the router would ('Too little
 * received'). Gas is charged per trade in
 * quote units at the fill's ETH price and reported with the trade, not taken from the vault's balances
 * (the agent's own account pays gas).
 *
 * @example
 * const executor = createSimulatedExecutor({ market, pool, balances, window, gasPerTrade: 250_000n,
 *   gasPriceWei: 20n * 10n ** 9n, latencyBlocks: 1, blockTimeSeconds: 12 });
 * const result = await executor.execute(intent);
 */
export function createSimulatedExecutor(parameters: CreateSimulatedExecutorParameters): Executor & {
  readonly trades: number;
  readonly failures: Record<string, number>;
} {
  const { market, pool, window, policy, gasPerTrade, gasPriceWei, latencyBlocks, blockTimeSeconds, onTrade } = parameters;
  const balances = new Map<string, bigint>();
  for (const [token, amount] of parameters.balances) balances.set(token.toLowerCase(), amount);
  const oracle = market.oracle?.toLowerCase();
  const poolAddress = market.pool?.toLowerCase();
  const base = market.base.address.toLowerCase();
  const baseScale = 10 ** market.base.decimals;
  const quoteScale = 10 ** market.quote.decimals;
  const pair = { base: market.base, quote: market.quote, feedDecimals: 8 };
  let anchoredTo: MarketEvent | undefined;
  let trades = 0;
  const failures: Record<string, number> = {};

  const priceOf = (event: MarketEvent): number => {
    if (event.kind === 'oracle') return Number(event.answer) / 10 ** event.decimals;
    const sqrt = Number(event.sqrtPriceX96) / 2 ** 96;
    const raw = sqrt * sqrt;
    const scale = 10 ** (market.base.decimals - market.quote.decimals);
    return (pool.baseIsToken0 ? raw : 1 / raw) * scale;
  };

  const fail = (reason: string): ExecutionResult => {
    failures[reason] = (failures[reason] ?? 0) + 1;
    return { ok: false, reason };
  };

  const snapshotBalances = (): ReadonlyMap<Address, bigint> => {
    const copy = new Map<Address, bigint>();
    for (const [token, amount] of balances) copy.set(token as Address, amount);
    return copy;
  };

  return {
    get trades() {
      return trades;
    },
    failures,
    async balances() {
      return snapshotBalances();
    },
    async execute(intent: TradeIntent): Promise<ExecutionResult> {
      const current = window.current();
      const decided = current.last;
      if (decided === undefined) return fail('NoMarket');
      // The market the fill sees: the decision's state plus whatever happens during the latency.
      let fillMarket: MarketSnapshot = current;
      let fillEvent: MarketEvent = decided;
      if (latencyBlocks > 0) {
        const limit = {
          time: decided.time + latencyBlocks * blockTimeSeconds,
          block: decided.kind === 'pool' || decided.block !== undefined ? (decided.block ?? 0n) + BigInt(latencyBlocks) : undefined,
        };
        const later = await window.eventsUntil(limit);
        if (later.length > 0) {
          const state = new MarketState();
          for (const round of current.oracles.values()) state.apply(round);
          for (const slot0 of current.pools.values()) state.apply(slot0);
          for (const event of later) state.apply(event);
          fillMarket = state;
          fillEvent = later[later.length - 1]!;
        }
      }
      const fillTime = fillEvent.time;
      if (BigInt(fillTime) > intent.deadline) return fail('DeadlineExpired');

      const anchor = latestPriceEvent(fillMarket);
      if (anchor === undefined) return fail('NoMarketPrice');
      if (anchor !== anchoredTo) {
        if (anchor.kind === 'oracle') pool.anchor(oraclePriceToSqrtPriceX96(anchor.answer, { ...pair, feedDecimals: anchor.decimals }));
        else pool.anchor(anchor.sqrtPriceX96, anchor.liquidity);
        anchoredTo = anchor;
      }

      const tokenIn = intent.tokenIn.toLowerCase();
      const tokenOut = intent.tokenOut.toLowerCase();
      const held = balances.get(tokenIn) ?? 0n;
      // The vault's transferFrom to the router would revert.
      if (intent.amountIn > held) return fail('TokenCallFailed');

      // The vault checks again when the trade lands: after a latency the oracle, the cooldown or the deadline may refuse it.
      const evaluation = policy?.evaluate?.(intent, { time: fillTime }, fillMarket);
      if (evaluation !== undefined && !evaluation.ok) return fail(evaluation.error);
      const minAmountOutUsed = evaluation?.minAmountOutUsed ?? intent.minAmountOut;
      const quoted = pool.swapExactIn(intent.tokenIn, intent.amountIn, false);
      const amountOut = -(pool.baseIsToken0 === (tokenOut === base) ? quoted.amount0 : quoted.amount1);
      const spent = pool.baseIsToken0 === (tokenIn === base) ? quoted.amount0 : quoted.amount1;
      if (spent !== intent.amountIn) return fail('UnexpectedAmountSpent');
      if (amountOut < minAmountOutUsed || amountOut <= 0n) return fail('Too little received');
      pool.swapExactIn(intent.tokenIn, intent.amountIn, true);

      balances.set(tokenIn, held - intent.amountIn);
      balances.set(tokenOut, (balances.get(tokenOut) ?? 0n) + amountOut);
      policy?.recordExecuted?.(intent, { time: fillTime }, fillMarket);
      trades++;

      const marketPrice = priceOf(anchor);
      const buying = tokenOut === base;
      const baseAmount = Number(buying ? amountOut : intent.amountIn) / baseScale;
      const quoteAmount = Number(buying ? intent.amountIn : amountOut) / quoteScale;
      const feeQuote = buying ? Number(quoted.feeAmount) / quoteScale : (Number(quoted.feeAmount) / baseScale) * marketPrice;
      const gasQuote = (Number(gasPerTrade * gasPriceWei) / 1e18) * marketPrice;
      onTrade?.({
        time: fillTime,
        decidedAt: decided.time,
        decisionId: intent.decisionId,
        side: buying ? 'buy' : 'sell',
        tokenIn: intent.tokenIn,
        tokenOut: intent.tokenOut,
        amountIn: intent.amountIn,
        amountOut,
        price: baseAmount > 0 ? quoteAmount / baseAmount : 0,
        marketPrice,
        feeQuote,
        gasQuote,
        ticksCrossed: quoted.ticksCrossed,
      });

      const fill: Fill = {
        // No transaction exists: the decision id stands in (unique, deterministic, and free to compute).
        txHash: intent.decisionId,
        block: fillEvent.kind === 'pool' ? fillEvent.block : (fillEvent.block ?? BigInt(fillTime)),
        amountIn: intent.amountIn,
        amountOut,
        minAmountOutUsed,
        valueUsd: evaluation?.valueUsd ?? 0n,
        gasUsed: gasPerTrade,
        effectiveGasPrice: gasPriceWei,
      };
      return { ok: true, fill };
    },
  };

  /** The newest market price event in a snapshot: the configured oracle round or pool state, whichever is later. */
  function latestPriceEvent(snapshot: MarketSnapshot): OracleUpdate | PoolUpdate | undefined {
    let round: OracleUpdate | undefined;
    let slot0: PoolUpdate | undefined;
    for (const [feed, value] of snapshot.oracles) if (feed.toLowerCase() === oracle) round = value;
    for (const [address, value] of snapshot.pools) if (address.toLowerCase() === poolAddress) slot0 = value;
    if (round === undefined) return slot0;
    if (slot0 === undefined) return round;
    // Equal times: the pool, which is what the trade actually meets.
    return round.time > slot0.time ? round : slot0;
  }
}
