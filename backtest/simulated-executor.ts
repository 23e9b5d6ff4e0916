import { oraclePriceToSqrtPriceX96 } from '../agent/chain/price/sqrt-price.js';
import { MarketState } from '../agent/market/market-state.js';
import type { ExecutionResult, Executor, MarketSnapshot } from '../agent/model/ports.js';
import type { Fill, TradeIntent } from '../agent/model/decision.js';
import type { Address, Hex } from '../agent/model/address.js';
import type { MarketEvent, OracleUpdate, PoolUpdate } from '../agent/model/market-event.js';
import type { AnchoredPool } from './anchored-pool.js';
import type { FillPolicy } from './backtest-policy-gate.js';

/** One executed backtest trade, in the units a report shows (amounts in base units, money in quote units). */
export type BacktestTrade = {
  /** Fill time, unix seconds (the decision's time plus the latency). */
  time: number;
  /** The decision's time, unix seconds. */
  decidedAt: number;
  decisionId: Hex;
  side: 'buy' | 'sell';
  tokenIn: Address;
  tokenOut: Address;
  amountIn: bigint;
  amountOut: bigint;
  /** The pool's fee tier. */
  fee: number;
  /** Execution price, quote per base (human units), fee included. */
  price: number;
  /** The market price the pool was anchored to at the fill, quote per base. */
  marketPrice: number;
  /** LP fee paid, in quote units. */
  feeQuote: number;
  /** What the trade's gas cost: the token it was paid in and the amount (base units of that token). */
  gasPaid: { token: Address; amount: bigint };
  /** The same gas valued in quote units at the fill. */
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
  /** The replayed pool, when the data has one: its events anchor the simulated pools. */
  pool?: Address | undefined;
  base: { address: Address; decimals: number };
  quote: { address: Address; decimals: number };
};

/**
 * How gas is paid: in the chain's native token, which is the base token (WETH on Ethereum), the quote token,
 * or neither, at a stated price in quote units per native token. Never at the base token's price unless the
 * base token is the native one.
 */
export type GasPayment = { native: 'base' } | { native: 'quote' } | { native: 'priced'; quotePerNative: number };

export type CreateSimulatedExecutorParameters = {
  market: SimulatedExecutorMarket;
  /** The simulated pools, by fee tier: an intent trades in the pool of its fee. */
  pools: ReadonlyMap<number, AnchoredPool>;
  /** Starting vault balances per token, base units. */
  balances: ReadonlyMap<Address, bigint>;
  window: FillWindow;
  policy?: FillPolicy | undefined;
  /** Gas units charged per executed trade. */
  gasPerTrade: bigint;
  /** Gas price, wei (of the native token, 18 decimals). */
  gasPriceWei: bigint;
  gas: GasPayment;
  /** Blocks between the decision and the fill. 0 fills on the decision's own state. */
  latencyBlocks: number;
  /** Seconds per block, to turn latency into time for events without block numbers (oracle rounds). */
  blockTimeSeconds: number;
  /** Told about each executed trade (the engine's equity tracker). */
  onTrade?: ((trade: BacktestTrade) => void) | undefined;
};

/**
 * The backtest's Executor: fills each intent on the exact Uniswap v3 simulator, in the pool of the intent's
 * fee tier, as the vault swaps in it. The fill happens on the market as it is `latencyBlocks` later (the
 * events up to then are looked up through the window, never shown to the strategy early); the pool is
 * re-anchored to that market price (the oracle round, or the replayed pool's price and liquidity) unless
 * nothing has moved since the last anchor, so our own trades' price impact stays until the market moves it
 * back. The policy (agent/policy) evaluates the trade again at the fill's time, as the vault does when the
 * transaction lands; its floor (minAmountOutUsed) must be met, else the fill fails.
 *
 * The books are honest: gas is paid out of the portfolio in the native token at its own price (from the
 * base token when the base is the native token and enough is held, else from the quote token), so equity
 * never goes below zero. A trade the portfolio cannot fund, or whose gas it cannot pay, fails with the reason.
 *
 * @example
 * const executor = createSimulatedExecutor({ market, pools: new Map([[500, pool]]), balances, window,
 *   gasPerTrade: 250_000n, gasPriceWei: parseGwei('20'), gas: { native: 'base' }, latencyBlocks: 1, blockTimeSeconds: 12 });
 * const result = await executor.execute(intent);
 */
export function createSimulatedExecutor(parameters: CreateSimulatedExecutorParameters): Executor & {
  readonly trades: number;
  readonly failures: Record<string, number>;
} {
  const { market, pools, window, policy, gasPerTrade, gasPriceWei, gas, latencyBlocks, blockTimeSeconds, onTrade } = parameters;
  const balances = new Map<Address, bigint>(parameters.balances);
  const base = market.base.address;
  const quote = market.quote.address;
  const baseScale = 10 ** market.base.decimals;
  const quoteScale = 10 ** market.quote.decimals;
  const gasWei = gasPerTrade * gasPriceWei;
  const pair = { base: market.base, quote: market.quote, feedDecimals: 8 };
  const anchoredTo = new Map<number, MarketEvent>();
  let trades = 0;
  const failures: Record<string, number> = {};

  const priceOf = (event: MarketEvent, baseIsToken0: boolean): number => {
    if (event.kind === 'oracle') return Number(event.answer) / 10 ** event.decimals;
    const sqrt = Number(event.sqrtPriceX96) / 2 ** 96;
    const raw = sqrt * sqrt;
    const scale = 10 ** (market.base.decimals - market.quote.decimals);
    return (baseIsToken0 ? raw : 1 / raw) * scale;
  };

  const fail = (reason: string): ExecutionResult => {
    failures[reason] = (failures[reason] ?? 0) + 1;
    return { ok: false, reason };
  };

  /** Which token pays the gas, how much of it, and its value in quote units, at the fill's price. */
  const gasBill = (marketPrice: number, held: (token: Address) => bigint): { token: Address; amount: bigint; quoteValue: number } | undefined => {
    if (gas.native === 'quote') return { token: quote, amount: scaleWei(gasWei, market.quote.decimals), quoteValue: Number(gasWei) / 1e18 };
    const quotePerNative = gas.native === 'base' ? marketPrice : gas.quotePerNative;
    const quoteValue = (Number(gasWei) / 1e18) * quotePerNative;
    if (gas.native === 'base') {
      const inBase = scaleWei(gasWei, market.base.decimals);
      if (held(base) >= inBase) return { token: base, amount: inBase, quoteValue };
    }
    // Paid in the quote token at the native token's price, rounded up: the books never undercharge.
    const inQuote = BigInt(Math.ceil(quoteValue * quoteScale));
    return held(quote) >= inQuote ? { token: quote, amount: inQuote, quoteValue } : undefined;
  };

  return {
    get trades() {
      return trades;
    },
    failures,
    async balances() {
      return new Map(balances);
    },
    async execute(intent: TradeIntent): Promise<ExecutionResult> {
      const current = window.current();
      const decided = current.last;
      if (decided === undefined) return fail('NoMarket');
      const pool = pools.get(intent.fee);
      if (pool === undefined) return fail('PoolNotAllowed');
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
      if (anchor !== anchoredTo.get(intent.fee)) {
        if (anchor.kind === 'oracle') pool.anchor(oraclePriceToSqrtPriceX96(anchor.answer, { ...pair, feedDecimals: anchor.decimals }));
        else pool.anchor(anchor.sqrtPriceX96, anchor.liquidity);
        anchoredTo.set(intent.fee, anchor);
      }
      const marketPrice = priceOf(anchor, pool.baseIsToken0);

      const { tokenIn, tokenOut } = intent;
      const held = balances.get(tokenIn) ?? 0n;
      // The vault would fail to pay the pool in the swap callback.
      if (intent.amountIn > held) return fail('InsufficientBalance');
      const bill = gasBill(marketPrice, (token) => (balances.get(token) ?? 0n) - (token === tokenIn ? intent.amountIn : 0n));
      if (bill === undefined) return fail('InsufficientFundsForGas');

      // The vault checks again when the trade lands: after a latency the oracle, the cooldown or the deadline may refuse it.
      const evaluation = policy?.evaluate?.(intent, { time: fillTime }, fillMarket);
      if (evaluation !== undefined && !evaluation.ok) return fail(evaluation.error);
      const minAmountOutUsed = evaluation?.minAmountOutUsed ?? intent.minAmountOut;
      const quoted = pool.swapExactIn(tokenIn, intent.amountIn, false);
      const amountOut = -(pool.baseIsToken0 === (tokenOut === base) ? quoted.amount0 : quoted.amount1);
      const spent = pool.baseIsToken0 === (tokenIn === base) ? quoted.amount0 : quoted.amount1;
      if (spent !== intent.amountIn) return fail('UnexpectedAmountSpent');
      if (amountOut < minAmountOutUsed || amountOut <= 0n) return fail('InsufficientOutput');
      pool.swapExactIn(tokenIn, intent.amountIn, true);

      balances.set(tokenIn, held - intent.amountIn);
      balances.set(tokenOut, (balances.get(tokenOut) ?? 0n) + amountOut);
      balances.set(bill.token, (balances.get(bill.token) ?? 0n) - bill.amount);
      policy?.recordExecuted?.(intent, { time: fillTime }, fillMarket);
      trades++;

      const buying = tokenOut === base;
      const baseAmount = Number(buying ? amountOut : intent.amountIn) / baseScale;
      const quoteAmount = Number(buying ? intent.amountIn : amountOut) / quoteScale;
      const feeQuote = buying ? Number(quoted.feeAmount) / quoteScale : (Number(quoted.feeAmount) / baseScale) * marketPrice;
      onTrade?.({
        time: fillTime,
        decidedAt: decided.time,
        decisionId: intent.decisionId,
        side: buying ? 'buy' : 'sell',
        tokenIn,
        tokenOut,
        amountIn: intent.amountIn,
        amountOut,
        fee: intent.fee,
        price: baseAmount > 0 ? quoteAmount / baseAmount : 0,
        marketPrice,
        feeQuote,
        gasPaid: { token: bill.token, amount: bill.amount },
        gasQuote: bill.quoteValue,
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
    const round = market.oracle === undefined ? undefined : snapshot.oracles.get(market.oracle);
    const slot0 = market.pool === undefined ? undefined : snapshot.pools.get(market.pool);
    if (round === undefined) return slot0;
    if (slot0 === undefined) return round;
    // Equal times: the pool, which is what the trade actually meets.
    return round.time > slot0.time ? round : slot0;
  }
}

/** An amount of wei (18 decimals) in a token of `decimals`, rounded up. */
function scaleWei(wei: bigint, decimals: number): bigint {
  if (decimals >= 18) return wei * 10n ** BigInt(decimals - 18);
  const divisor = 10n ** BigInt(18 - decimals);
  return (wei + divisor - 1n) / divisor;
}
