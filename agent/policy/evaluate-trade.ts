import type { TradeIntent } from '../model/decision.js';
import type { Address, Hex } from '../model/address.js';
import { type PolicyState, type TokenPolicy, decisionKey, poolKey } from './policy-state.js';

/** A feed's `latestRoundData()`, the two fields the vault uses. */
export type OracleReading = { answer: bigint; updatedAt: bigint };

/** The sequencer-uptime feed's `latestRoundData()`: answer 0 = up; startedAt = when the status last changed. */
export type SequencerReading = { answer: bigint; startedAt: bigint };

/** What `executeTrade` reads besides the vault's storage: the block, the sender and the feeds. */
export type EvaluateTradeContext = {
  /** block.timestamp, unix seconds. */
  now: bigint | number;
  /** msg.sender. */
  caller: Address;
  /** Each feed's latest round, keyed by feed address. */
  oracleRounds: ReadonlyMap<Address, OracleReading>;
  /** Each feed's `decimals()`, keyed by feed address. */
  feedDecimals: ReadonlyMap<Address, number>;
  /** The sequencer-uptime feed's latest round; needed only when the state has a sequencer feed. */
  sequencer?: SequencerReading | undefined;
};

/**
 * The first check `executeTrade` would fail, with the arguments of its custom error, typed as viem decodes
 * them (addresses checksummed, uint8..uint48 as number, wider integers as bigint, bytes32 as hex).
 * Beyond the vault's own errors: `MulDivOverflow` (FixedPointMath, a value that does not fit 256 bits),
 * `Panic` [0x11] (an arithmetic underflow: `now` before the allowance anchor, which a real chain never
 * reaches), and `OracleUnreadable` [feed], TypeScript-only: no round or decimals were given for a feed the
 * vault would call (on-chain the call would revert inside the feed).
 */
export type PolicyErrorName =
  | 'NotAgent'
  | 'VaultPaused'
  | 'DeadlineExpired'
  | 'DecisionAlreadyExecuted'
  | 'TokenNotAllowed'
  | 'PoolNotAllowed'
  | 'ZeroAmountIn'
  | 'SequencerDown'
  | 'SequencerGracePeriodActive'
  | 'OracleAnswerInvalid'
  | 'OracleTimestampInvalid'
  | 'OracleStale'
  | 'OracleDecimalsUnsupported'
  | 'MulDivOverflow'
  | 'TradeValueExceedsCap'
  | 'TradeValueExceedsAllowance'
  | 'CooldownActive'
  | 'Panic'
  | 'OracleUnreadable';

export type PolicyErrorArg = Address | Hex | bigint | number;

/** The pricing and state change of a trade that passes every pre-trade check. */
export type TradeAllowed = {
  ok: true;
  /** floor(amountIn × price18In / 10^decimalsIn): what the cap and the allowance are charged. */
  valueUsd: bigint;
  /** floor(valueUsd × 10^decimalsOut / price18Out). */
  oracleOut: bigint;
  /** floor(oracleOut × (10 000 − maxSlippageBps) / 10 000). */
  oracleFloor: bigint;
  /** max(intent.minAmountOut, oracleFloor): the amountOutMinimum the vault passes to the router. */
  minAmountOutUsed: bigint;
  /** The allowance after the trade and its new anchor (what `applyTrade` writes). */
  allowanceAfter: bigint;
  allowanceUpdatedAtAfter: bigint;
};

export type TradeDenied = { ok: false; error: PolicyErrorName; args: readonly PolicyErrorArg[] };

export type EvaluateTradeReturnType = TradeAllowed | TradeDenied;

const BPS = 10_000n;
const MAX_DECIMALS = 36;
const INT192_MAX = (1n << 191n) - 1n;
const UINT256_LIMIT = 1n << 256n;
const PANIC_UNDERFLOW = 0x11n;

/**
 * The vault's `executeTrade` checks 1–12 (contracts/src/interfaces/IMandateVault.sol), in its order, with its
 * rounding: the same first error and the same arguments the contract would revert with, or the trade's
 * value, oracle floor and minAmountOutUsed when every check passes. Pure: no I/O, no clock.
 *
 * Out of scope: what only the swap can tell (UnexpectedAmountSpent, InsufficientOutput, the router's
 * "Too little received" when the pool cannot deliver minAmountOutUsed, token transfer failures). A trade
 * this function allows can still revert there; it is never allowed here when the vault would refuse it
 * before the swap.
 *
 * @example
 * const verdict = evaluateTrade(state, intent, { now: 1_700_000_000n, caller: agent, oracleRounds, feedDecimals });
 * if (!verdict.ok) console.log(verdict.error, verdict.args); // 'TradeValueExceedsCap' [5001n * 10n ** 18n, 5000n * 10n ** 18n]
 */
export function evaluateTrade(state: PolicyState, intent: TradeIntent, context: EvaluateTradeContext): EvaluateTradeReturnType {
  const now = BigInt(context.now);

  // 1–4: who, whether, when, and once. A revoked agent is address(0), compared like any other address.
  if (context.caller !== state.agent) return deny('NotAgent', [context.caller]);
  if (state.paused) return deny('VaultPaused', []);
  if (now > intent.deadline) return deny('DeadlineExpired', [intent.deadline, now]);
  if (state.executedDecisions.has(decisionKey(intent.decisionId))) return deny('DecisionAlreadyExecuted', [intent.decisionId.toLowerCase() as Hex]);

  // 5–7: what. tokenIn before tokenOut; the pool is order-independent and never a token with itself.
  const tokenIn = state.tokens.get(intent.tokenIn);
  if (tokenIn === undefined) return deny('TokenNotAllowed', [intent.tokenIn]);
  const tokenOut = state.tokens.get(intent.tokenOut);
  if (tokenOut === undefined) return deny('TokenNotAllowed', [intent.tokenOut]);
  if (intent.tokenIn === intent.tokenOut || !state.pools.has(poolKey(intent.tokenIn, intent.tokenOut, intent.fee))) {
    return deny('PoolNotAllowed', [intent.tokenIn, intent.tokenOut, intent.fee]);
  }
  if (intent.amountIn === 0n) return deny('ZeroAmountIn', []);

  // 8: the L2 sequencer, only when the vault has an uptime feed.
  if (state.sequencer !== undefined) {
    const reading = context.sequencer;
    if (reading === undefined) return deny('OracleUnreadable', [state.sequencer.feed]);
    const { answer, startedAt } = reading;
    if (answer !== 0n || startedAt === 0n || startedAt > now) return deny('SequencerDown', [answer, startedAt]);
    const grace = BigInt(state.sequencer.gracePeriod);
    if (now - startedAt <= grace) return deny('SequencerGracePeriodActive', [startedAt, startedAt + grace]);
  }

  // 9: both oracles, tokenIn first; then the value and floor formulas, all before the limits (as _price does).
  const priceIn = price18(tokenIn, now, context);
  if (!priceIn.ok) return priceIn;
  const priceOut = price18(tokenOut, now, context);
  if (!priceOut.ok) return priceOut;
  const value = mulDiv(intent.amountIn, priceIn.price18, 10n ** BigInt(tokenIn.decimals));
  if (!value.ok) return value;
  const out = mulDiv(value.result, 10n ** BigInt(tokenOut.decimals), priceOut.price18);
  if (!out.ok) return out;
  const valueUsd = value.result;
  const oracleOut = out.result;
  const oracleFloor = (oracleOut * (BPS - BigInt(state.policy.maxSlippageBps))) / BPS;

  // 10–12: the limits.
  const cap = state.policy.perTradeCapUsd;
  if (valueUsd > cap) return deny('TradeValueExceedsCap', [valueUsd, cap]);
  const accrued = accrueAllowance(state, now);
  if (!accrued.ok) return accrued;
  if (valueUsd > accrued.allowance) return deny('TradeValueExceedsAllowance', [valueUsd, accrued.allowance]);
  const last = state.lastTradeAt;
  const readyAt = last + BigInt(state.policy.cooldown);
  if (last !== 0n && now < readyAt) return deny('CooldownActive', [last, readyAt]);

  return {
    ok: true,
    valueUsd,
    oracleOut,
    oracleFloor,
    minAmountOutUsed: intent.minAmountOut > oracleFloor ? intent.minAmountOut : oracleFloor,
    allowanceAfter: accrued.allowance - valueUsd,
    allowanceUpdatedAtAfter: accrued.anchor,
  };
}

/**
 * The allowance available at `now` and the anchor the vault would store (the step refill of
 * IMandateVault.sol): whole refill intervals since the anchor, capped at allowanceCapUsd.
 *
 * @example
 * const accrued = accrueAllowance(state, 1_700_000_000n);
 * if (accrued.ok) console.log(accrued.allowance);
 */
export function accrueAllowance(
  state: Pick<PolicyState, 'policy' | 'allowanceUsd' | 'allowanceUpdatedAt'>,
  now: bigint,
): { ok: true; allowance: bigint; anchor: bigint } | TradeDenied {
  // The vault computes block.timestamp - anchor in checked arithmetic: earlier than the anchor is a Panic.
  if (now < state.allowanceUpdatedAt) return deny('Panic', [PANIC_UNDERFLOW]);
  const interval = BigInt(state.policy.refillInterval);
  const steps = (now - state.allowanceUpdatedAt) / interval;
  const anchor = state.allowanceUpdatedAt + steps * interval;
  const refilled = state.allowanceUsd + steps * state.policy.refillAmountUsd;
  const allowance = refilled > state.policy.allowanceCapUsd ? state.policy.allowanceCapUsd : refilled;
  return { ok: true, allowance, anchor };
}

type Price = { ok: true; price18: bigint } | TradeDenied;

/** Check 9 for one token: the vault's _readPrice18. */
function price18(token: TokenPolicy, now: bigint, context: EvaluateTradeContext): Price {
  const feed = token.feed;
  const round = context.oracleRounds.get(feed);
  if (round === undefined) return deny('OracleUnreadable', [feed]);
  const { answer, updatedAt } = round;
  if (answer <= 0n || answer > INT192_MAX) return deny('OracleAnswerInvalid', [feed, answer]);
  if (updatedAt === 0n || updatedAt > now) return deny('OracleTimestampInvalid', [feed, updatedAt, now]);
  if (now - updatedAt > BigInt(token.maxOracleAge)) return deny('OracleStale', [feed, updatedAt, token.maxOracleAge, now]);
  const decimals = context.feedDecimals.get(feed);
  if (decimals === undefined) return deny('OracleUnreadable', [feed]);
  if (decimals > MAX_DECIMALS) return deny('OracleDecimalsUnsupported', [feed, decimals]);
  const price = decimals <= 18 ? answer * 10n ** BigInt(18 - decimals) : answer / 10n ** BigInt(decimals - 18);
  if (price === 0n) return deny('OracleAnswerInvalid', [feed, answer]);
  return { ok: true, price18: price };
}

/** FixedPointMath.mulDiv: floor(x × y / d), reverting when the result does not fit 256 bits (or d is 0). */
function mulDiv(x: bigint, y: bigint, denominator: bigint): { ok: true; result: bigint } | TradeDenied {
  if (denominator === 0n) return deny('MulDivOverflow', [x, y, denominator]);
  const result = (x * y) / denominator;
  if (result >= UINT256_LIMIT) return deny('MulDivOverflow', [x, y, denominator]);
  return { ok: true, result };
}

function deny(error: PolicyErrorName, args: readonly PolicyErrorArg[]): TradeDenied {
  return { ok: false, error, args };
}
