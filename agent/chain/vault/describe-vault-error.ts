import { formatFeeTier, formatSeconds, formatUnixTime, formatUsd18 } from './format-vault-units.js';

/** A decoded revert's arguments, as viem's decodeErrorResult returns them. */
export type VaultErrorArgs = readonly unknown[];

type Describe = (args: VaultErrorArgs) => string;

const big = (value: unknown): bigint => (typeof value === 'bigint' ? value : BigInt(value as number));
const text = (value: unknown): string => String(value);

/**
 * One readable sentence per error the vault (and the SwapRouter behind it) can revert with, built from the
 * error's arguments. Names and argument order are those of IMandateVault.sol.
 */
const sentences: Record<string, Describe> = {
  NotAgent: ([caller]) => `Only the vault's agent may call this; ${text(caller)} is not the agent.`,
  VaultPaused: () => 'The vault is paused: every agent call reverts until the owner unpauses it.',
  DeadlineExpired: ([deadline, timestamp]) =>
    `The intent's deadline ${formatUnixTime(big(deadline))} passed before the block time ${formatUnixTime(big(timestamp))}.`,
  DecisionAlreadyExecuted: ([id]) => `Decision ${text(id)} was already executed; a decision trades at most once.`,
  TokenNotAllowed: ([token]) => `Token ${text(token)} is not on the vault's allow-list.`,
  PoolNotAllowed: ([tokenIn, tokenOut, fee]) =>
    `The pool ${text(tokenIn)} → ${text(tokenOut)} at fee ${formatFeeTier(Number(fee))} is not on the vault's allow-list.`,
  ZeroAmountIn: () => 'The trade sells nothing: amountIn must be positive.',
  SequencerDown: ([answer, startedAt]) =>
    `The L2 sequencer is reported down (uptime feed answer ${text(answer)}, status since ${formatUnixTime(big(startedAt))}).`,
  SequencerGracePeriodActive: ([upSince, tradableAfter]) =>
    `The L2 sequencer came back at ${formatUnixTime(big(upSince))}; trading resumes after ${formatUnixTime(big(tradableAfter))}.`,
  OracleAnswerInvalid: ([feed, answer]) => `Price feed ${text(feed)} answered ${text(answer)}, which is not a usable positive price.`,
  OracleTimestampInvalid: ([feed, updatedAt, timestamp]) =>
    `Price feed ${text(feed)} reports updatedAt ${text(updatedAt)}, which is zero or after the block time ${formatUnixTime(big(timestamp))}.`,
  OracleStale: ([feed, updatedAt, maxAge, timestamp]) =>
    `Price feed ${text(feed)} is stale: its answer is ${formatSeconds(big(timestamp) - big(updatedAt))} old (updated ${formatUnixTime(big(updatedAt))}), at most ${formatSeconds(big(maxAge))} is accepted.`,
  OracleDecimalsUnsupported: ([feed, decimals]) => `Price feed ${text(feed)} reports ${text(decimals)} decimals; at most 36 are supported.`,
  MulDivOverflow: ([x, y, denominator]) =>
    `The trade's pricing overflows 256 bits (${text(x)} × ${text(y)} / ${text(denominator)}): the amount or the oracle answer is far outside any real market.`,
  TradeValueExceedsCap: ([value, cap]) => `Trade value ${formatUsd18(big(value))} exceeds the per-trade cap ${formatUsd18(big(cap))}.`,
  TradeValueExceedsAllowance: ([value, allowance]) =>
    `Trade value ${formatUsd18(big(value))} exceeds the available allowance ${formatUsd18(big(allowance))}.`,
  CooldownActive: ([lastTradeAt, readyAt]) =>
    `The cooldown is active: the last trade was at ${formatUnixTime(big(lastTradeAt))}, the next is allowed from ${formatUnixTime(big(readyAt))}.`,
  UnexpectedAmountSpent: ([spent, amountIn]) => `The swap spent ${text(spent)} of tokenIn instead of exactly amountIn ${text(amountIn)}.`,
  InsufficientOutput: ([received, minAmountOut]) =>
    `The swap delivered ${text(received)} of tokenOut, below the minimum ${text(minAmountOut)} the vault enforced.`,
  TokenCallFailed: ([token, selector]) => `A call to token ${text(token)} (selector ${text(selector)}) failed or returned false.`,
  EmptyBatch: () => 'A decision batch must hold at least one decision.',
  ZeroRoot: () => 'A decision batch root cannot be zero.',
  NotOwner: ([caller]) => `Only the vault's owner may call this; ${text(caller)} is not the owner.`,
  NotOwnerOrGuardian: ([caller]) => `Only the vault's owner or guardian may call this; ${text(caller)} is neither.`,
  NotPendingOwner: ([caller]) => `Only the pending owner may accept ownership; ${text(caller)} is not it.`,
  ZeroAddress: ([what]) => `The ${text(what)} address must not be zero.`,
  InvalidPolicyField: ([field, value, limit]) => `Policy field ${text(field)} = ${text(value)} is out of range (bound ${text(limit)}).`,
  NotTightening: ([field, current, proposed]) =>
    `Changing ${text(field)} from ${text(current)} to ${text(proposed)} loosens the policy: only the owner can, by queueing it behind the timelock.`,
  UnsupportedTokenDecimals: ([token, decimals]) => `Token ${text(token)} reports ${text(decimals)} decimals; at most 36 are supported.`,
  TokenNotConfigured: ([token]) => `Token ${text(token)} is not configured in the vault.`,
  InvalidPool: ([tokenA, tokenB, fee]) => `A pool needs two different tokens and a non-zero fee; got ${text(tokenA)}, ${text(tokenB)}, fee ${text(fee)}.`,
  ChangeNotPending: ([id]) => `No pending change has id ${text(id)} (never queued, or already applied or cancelled).`,
  ChangeNotReady: ([id, eta, timestamp]) =>
    `Change ${text(id)} is timelocked until ${formatUnixTime(big(eta))}; the block time is ${formatUnixTime(big(timestamp))} (${formatSeconds(big(eta) - big(timestamp))} to go).`,
  // Error(string) bubbled up from the SwapRouter or a pool. "Too little received" is how a swap fails the
  // vault's minimum output, which is at least the oracle floor.
  Error: ([reason]) =>
    reason === 'Too little received'
      ? 'The pool cannot deliver the minimum output the vault enforced (the oracle floor or the intent\'s minAmountOut): the SwapRouter reverted with "Too little received".'
      : `The call reverted with "${text(reason)}".`,
  Panic: ([code]) => `The call panicked with code ${text(code)}.`,
};

/**
 * A readable sentence for a vault revert, from its error name and arguments (as decoded with the vault's ABI).
 * Unknown errors fall back to `Name(arg, ...)`.
 *
 * @example
 * describeVaultError('TradeValueExceedsCap', [6_012_330n * 10n ** 15n, 5_000n * 10n ** 18n]);
 * // 'Trade value $6,012.33 exceeds the per-trade cap $5,000.00.'
 */
export function describeVaultError(errorName: string, args: VaultErrorArgs): string {
  const describe = sentences[errorName];
  if (describe) {
    try {
      return describe(args);
    } catch {
      // Arguments of an unexpected shape (another contract's error of the same name): fall through.
    }
  }
  return `The call reverted with ${errorName}(${args.map(text).join(', ')}).`;
}
