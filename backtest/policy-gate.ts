import { sqrtPriceX96ToOraclePrice } from '../agent/chain/price/sqrt-price.js';
import type { VaultPolicyFromRisk } from '../agent/config/vault-policy-from-risk.js';
import { oracleIn, poolIn } from '../agent/kernel/market-state.js';
import type { MarketSnapshot, RiskGate, TradeIntent, Verdict } from '../agent/kernel/types.js';
import type { Address, Hex } from '../agent/market/market-event.js';

/** How the policy prices a token in USD (18 decimals), as the vault does with its per-token feed. */
export type TokenPricing =
  /** A Chainlink feed in the market snapshot (the vault's way). */
  | { kind: 'feed'; feed: Address }
  /** A constant price (USDC = 1 USD when the data has no USDC/USD feed), always fresh. */
  | { kind: 'fixed'; usd18: bigint }
  /**
   * The pool's price against a token taken as 1 USD: only for data with no oracle at all (a Uniswap
   * events file), where the vault would have a feed the data lacks; the result says so.
   */
  | { kind: 'pool'; pool: Address; base: { address: Address; decimals: number }; quote: { address: Address; decimals: number } };

export type PolicyToken = {
  address: Address;
  decimals: number;
  pricing: TokenPricing;
  /** The vault's per-token maxOracleAge, seconds. */
  maxOracleAge: number;
};

export type PolicyPool = { tokenA: Address; tokenB: Address; fee: number };

export type CreatePolicyGateParameters = {
  /** The vault's policy, e.g. vaultPolicyFromRisk(config.risk). */
  policy: VaultPolicyFromRisk;
  tokens: readonly PolicyToken[];
  pools: readonly PolicyPool[];
  /** The market the oracles are read from (the kernel's snapshot). */
  market: () => MarketSnapshot;
};

/** A RiskGate that also learns of executed trades (the vault's state: allowance, cooldown, used ids). */
export type PolicyGate = RiskGate & {
  /** Called by the executor after a trade filled: spends allowance, starts the cooldown, marks the id. */
  recordExecuted(intent: TradeIntent, at: { time: number }): void;
  /** The vault's minAmountOutUsed: max(intent.minAmountOut, oracle-implied out × (1 − maxSlippageBps)). */
  minAmountOutUsed(intent: TradeIntent, at: { time: number }, snapshot?: MarketSnapshot): { minAmountOutUsed: bigint; valueUsd: bigint } | undefined;
};

type PriceResult = { ok: true; price18: bigint } | { ok: false; verdict: Verdict };

/**
 * The vault's executeTrade checks in TypeScript, in the vault's order (contracts/src/interfaces/
 * IMandateVault.sol), for backtests: deadline, decision id unused, tokenIn then tokenOut allowed, pool
 * allowed, amountIn > 0, the oracle of tokenIn then of tokenOut (answer > 0, updatedAt ≠ 0 and not after
 * now, age ≤ maxOracleAge), value ≤ per-trade cap, value ≤ accrued allowance (step refill), cooldown. The
 * first failing check is the denial, named like the vault's custom error with its arguments. Checks 1–2
 * (caller is the agent, not paused) always pass in a backtest; there is no sequencer feed on L1.
 *
 * It stands in until agent/policy exports the shared mirror; it keeps the vault's state (allowance,
 * last trade time, executed ids) from the trades the executor reports through `recordExecuted`.
 *
 * @example
 * const gate = createPolicyGate({ policy: vaultPolicyFromRisk(config.risk), tokens, pools, market: () => kernel.market });
 * gate.check(intent, { time }); // { allowed: false, reason: 'TradeValueExceedsCap', args: [value, cap] }
 */
export function createPolicyGate(parameters: CreatePolicyGateParameters): PolicyGate {
  const { policy, market } = parameters;
  const tokens = new Map(parameters.tokens.map((token) => [token.address.toLowerCase(), token]));
  const pools = new Set(parameters.pools.map((pool) => poolKey(pool.tokenA, pool.tokenB, pool.fee)));
  const executed = new Set<Hex>();
  let allowanceUsd = policy.allowanceCapUsd;
  let allowanceUpdatedAt: number | undefined;
  let lastTradeAt = 0;

  // The vault is deployed with a full allowance anchored at deploy time: here, the first time it is asked.
  const accrue = (now: number): bigint => {
    allowanceUpdatedAt ??= now;
    const steps = Math.floor((now - allowanceUpdatedAt) / policy.refillInterval);
    if (steps <= 0) return allowanceUsd;
    const refilled = allowanceUsd + BigInt(steps) * policy.refillAmountUsd;
    allowanceUsd = refilled > policy.allowanceCapUsd ? policy.allowanceCapUsd : refilled;
    allowanceUpdatedAt += steps * policy.refillInterval;
    return allowanceUsd;
  };

  const priceOf = (token: PolicyToken, now: number, snapshot: MarketSnapshot): PriceResult => {
    const pricing = token.pricing;
    if (pricing.kind === 'fixed') return { ok: true, price18: pricing.usd18 };
    let answer: bigint;
    let decimals: number;
    let updatedAt: bigint;
    let feed: Address;
    if (pricing.kind === 'feed') {
      const round = oracleIn(snapshot, pricing.feed);
      feed = pricing.feed;
      if (round === undefined) return { ok: false, verdict: deny('OracleAnswerInvalid', [feed, 0n]) };
      ({ answer, decimals, updatedAt } = round);
    } else {
      const state = poolIn(snapshot, pricing.pool);
      feed = pricing.pool;
      if (state === undefined) return { ok: false, verdict: deny('OracleAnswerInvalid', [feed, 0n]) };
      answer = sqrtPriceX96ToOraclePrice(state.sqrtPriceX96, { base: pricing.base, quote: pricing.quote, feedDecimals: 18 });
      decimals = 18;
      updatedAt = BigInt(state.time);
    }
    if (answer <= 0n) return { ok: false, verdict: deny('OracleAnswerInvalid', [feed, answer]) };
    if (updatedAt === 0n || updatedAt > BigInt(now)) return { ok: false, verdict: deny('OracleTimestampInvalid', [feed, updatedAt, BigInt(now)]) };
    if (BigInt(now) - updatedAt > BigInt(token.maxOracleAge)) {
      return { ok: false, verdict: deny('OracleStale', [feed, updatedAt, token.maxOracleAge, BigInt(now)]) };
    }
    if (decimals > 36) return { ok: false, verdict: deny('OracleDecimalsUnsupported', [feed, decimals]) };
    const price18 = decimals <= 18 ? answer * 10n ** BigInt(18 - decimals) : answer / 10n ** BigInt(decimals - 18);
    if (price18 === 0n) return { ok: false, verdict: deny('OracleAnswerInvalid', [feed, answer]) };
    return { ok: true, price18 };
  };

  /** Checks 3–11 with their values; undefined verdict = allowed so far. */
  const evaluate = (intent: TradeIntent, now: number, snapshot: MarketSnapshot = market()) => {
    if (BigInt(now) > intent.deadline) return { verdict: deny('DeadlineExpired', [intent.deadline, BigInt(now)]) };
    if (executed.has(intent.decisionId)) return { verdict: deny('DecisionAlreadyExecuted', [intent.decisionId]) };
    const tokenIn = tokens.get(intent.tokenIn.toLowerCase());
    if (tokenIn === undefined) return { verdict: deny('TokenNotAllowed', [intent.tokenIn]) };
    const tokenOut = tokens.get(intent.tokenOut.toLowerCase());
    if (tokenOut === undefined) return { verdict: deny('TokenNotAllowed', [intent.tokenOut]) };
    if (intent.tokenIn.toLowerCase() === intent.tokenOut.toLowerCase() || !pools.has(poolKey(intent.tokenIn, intent.tokenOut, intent.fee))) {
      return { verdict: deny('PoolNotAllowed', [intent.tokenIn, intent.tokenOut, intent.fee]) };
    }
    if (intent.amountIn === 0n) return { verdict: deny('ZeroAmountIn', []) };
    const priceIn = priceOf(tokenIn, now, snapshot);
    if (!priceIn.ok) return { verdict: priceIn.verdict };
    const priceOut = priceOf(tokenOut, now, snapshot);
    if (!priceOut.ok) return { verdict: priceOut.verdict };
    const valueUsd = (intent.amountIn * priceIn.price18) / 10n ** BigInt(tokenIn.decimals);
    return { verdict: undefined, valueUsd, priceOut: priceOut.price18, tokenOut };
  };

  return {
    check(intent, at) {
      const result = evaluate(intent, at.time);
      if (result.verdict !== undefined) return result.verdict;
      const { valueUsd } = result;
      if (valueUsd > policy.perTradeCapUsd) return deny('TradeValueExceedsCap', [valueUsd, policy.perTradeCapUsd]);
      const allowance = accrue(at.time);
      if (valueUsd > allowance) return deny('TradeValueExceedsAllowance', [valueUsd, allowance]);
      if (lastTradeAt !== 0 && at.time < lastTradeAt + policy.cooldown) {
        return deny('CooldownActive', [BigInt(lastTradeAt), BigInt(lastTradeAt + policy.cooldown)]);
      }
      return { allowed: true };
    },
    recordExecuted(intent, at) {
      const result = evaluate(intent, at.time);
      executed.add(intent.decisionId);
      lastTradeAt = at.time;
      if (result.verdict !== undefined) return;
      const allowance = accrue(at.time);
      allowanceUsd = result.valueUsd > allowance ? 0n : allowance - result.valueUsd;
    },
    minAmountOutUsed(intent, at, snapshot) {
      const result = evaluate(intent, at.time, snapshot);
      if (result.verdict !== undefined) return undefined;
      const oracleOut = (result.valueUsd * 10n ** BigInt(result.tokenOut.decimals)) / result.priceOut;
      const floor = (oracleOut * BigInt(10_000 - policy.maxSlippageBps)) / 10_000n;
      return { minAmountOutUsed: intent.minAmountOut > floor ? intent.minAmountOut : floor, valueUsd: result.valueUsd };
    },
  };
}

function deny(reason: string, args: readonly (string | number | bigint)[]): Verdict {
  return { allowed: false, reason, args };
}

function poolKey(a: Address, b: Address, fee: number): string {
  const [x, y] = a.toLowerCase() < b.toLowerCase() ? [a, b] : [b, a];
  return `${x.toLowerCase()}:${y.toLowerCase()}:${fee}`;
}
