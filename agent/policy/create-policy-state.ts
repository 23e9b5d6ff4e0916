import type { VaultPolicyFromRisk } from '../config/vault-policy-from-risk.js';
import type { TradeIntent } from '../model/decision.js';
import { toAddress, type Address } from '../model/address.js';
import { type EvaluateTradeContext, type TradeAllowed, accrueAllowance, evaluateTrade } from './evaluate-trade.js';
import { InvalidPolicyError, PolicyViolationError } from './policy-errors.js';
import { type PolicyState, type SequencerPolicy, type TokenPolicy, type VaultPolicy, decisionKey, poolKey } from './policy-state.js';

const UINT96_MAX = (1n << 96n) - 1n;
const UINT32_MAX = 2 ** 32 - 1;

export type PolicyTokenSetup = {
  address: Address;
  feed: Address;
  /** The token's own decimals (the vault reads them from the token when it is configured). */
  decimals: number;
  /** Default: the policy's `maxOracleAge` (vaultPolicyFromRisk has one for all tokens). */
  maxOracleAge?: number | undefined;
};

export type PolicyPoolSetup = { tokenA: Address; tokenB: Address; fee: number };

export type CreatePolicyStateParameters = {
  /** The vault's policy, e.g. `vaultPolicyFromRisk(config.risk)`. */
  policy: VaultPolicy | VaultPolicyFromRisk;
  tokens: readonly PolicyTokenSetup[];
  pools: readonly PolicyPoolSetup[];
  /** The vault's deploy time: it starts with a full allowance anchored here. */
  deployedAt: bigint | number;
  /** The agent address; a backtest's default is a placeholder that `evaluateTrade`'s caller must match. */
  agent?: Address | undefined;
  sequencer?: SequencerPolicy | undefined;
};

/** The caller backtests pass as the agent when they have no real key. */
export const backtestAgent = toAddress('0x00000000000000000000000000000000000a6e47');

/**
 * The state of a freshly deployed vault, in memory, exactly as the constructor would set it up (full
 * allowance anchored at deploy time, no trade yet, not paused): for backtests, which then follow it with
 * `applyTrade` so they deny exactly what the vault would. Refuses what the constructor refuses.
 *
 * @example
 * const risk = vaultPolicyFromRisk(config.risk);
 * let state = createPolicyState({ policy: risk, tokens: [usdc, weth], pools: [{ tokenA: usdc.address, tokenB: weth.address, fee: 500 }], deployedAt: start });
 */
export function createPolicyState(parameters: CreatePolicyStateParameters): PolicyState {
  const policy = toVaultPolicy(parameters.policy);
  validatePolicy(policy);
  const fallbackAge = 'maxOracleAge' in parameters.policy ? parameters.policy.maxOracleAge : undefined;
  const tokens = new Map<Address, TokenPolicy>();
  for (const token of parameters.tokens) {
    const maxOracleAge = token.maxOracleAge ?? fallbackAge;
    if (maxOracleAge === undefined || !Number.isInteger(maxOracleAge) || maxOracleAge < 1 || maxOracleAge > UINT32_MAX) {
      throw new InvalidPolicyError(`maxOracleAge of ${token.address}`, maxOracleAge, 'an integer from 1 to 2^32-1 seconds');
    }
    if (!Number.isInteger(token.decimals) || token.decimals < 0 || token.decimals > 36) {
      throw new InvalidPolicyError(`decimals of ${token.address}`, token.decimals, 'an integer from 0 to 36');
    }
    tokens.set(token.address, { feed: token.feed, maxOracleAge, decimals: token.decimals });
  }
  const pools = new Set<string>();
  for (const pool of parameters.pools) {
    if (pool.tokenA === pool.tokenB || pool.fee === 0) {
      throw new InvalidPolicyError('pool', `${pool.tokenA}/${pool.tokenB}/${pool.fee}`, 'two different tokens and a non-zero fee');
    }
    pools.add(poolKey(pool.tokenA, pool.tokenB, pool.fee));
  }
  return {
    agent: parameters.agent ?? backtestAgent,
    paused: false,
    policy,
    allowanceUsd: policy.allowanceCapUsd,
    allowanceUpdatedAt: BigInt(parameters.deployedAt),
    lastTradeAt: 0n,
    tokens,
    pools,
    executedDecisions: new Set(),
    sequencer: parameters.sequencer,
  };
}

/**
 * The state after the vault executed `intent` at `context.now`: decision marked, allowance charged (after
 * the step refill, whose anchor moves), lastTradeAt = now. It re-evaluates the trade first, and throws
 * PolicyViolationError if the vault would not have executed it: a backtest that fills a denied trade
 * has a bug, and silently charging the allowance would hide it.
 *
 * @example
 * const { state: next, trade } = applyTrade(state, intent, { now, caller: state.agent, oracleRounds, feedDecimals });
 * trade.minAmountOutUsed; // the floor the simulated fill must meet
 */
export function applyTrade(state: PolicyState, intent: TradeIntent, context: EvaluateTradeContext): { state: PolicyState; trade: TradeAllowed } {
  const trade = evaluateTrade(state, intent, context);
  if (!trade.ok) throw new PolicyViolationError(trade);
  const executedDecisions = new Set(state.executedDecisions);
  executedDecisions.add(decisionKey(intent.decisionId));
  return {
    state: {
      ...state,
      allowanceUsd: trade.allowanceAfter,
      allowanceUpdatedAt: trade.allowanceUpdatedAtAfter,
      lastTradeAt: BigInt(context.now),
      executedDecisions,
    },
    trade,
  };
}

/**
 * The state after a policy change applied at `now` (a tightening, or a queued change once applied): the
 * refill is settled under the old policy first, then the allowance is clamped to the new cap, as the
 * vault's _applyPolicy does.
 *
 * @example
 * state = applyPolicy(state, { ...state.policy, perTradeCapUsd: 1000n * 10n ** 18n }, now);
 */
export function applyPolicy(state: PolicyState, policy: VaultPolicy, now: bigint | number): PolicyState {
  validatePolicy(policy);
  const accrued = accrueAllowance(state, BigInt(now));
  if (!accrued.ok) throw new PolicyViolationError(accrued);
  const allowance = accrued.allowance > policy.allowanceCapUsd ? policy.allowanceCapUsd : accrued.allowance;
  return { ...state, policy, allowanceUsd: allowance, allowanceUpdatedAt: accrued.anchor };
}

function toVaultPolicy(policy: VaultPolicy | VaultPolicyFromRisk): VaultPolicy {
  const { perTradeCapUsd, allowanceCapUsd, refillAmountUsd, refillInterval, maxSlippageBps, cooldown } = policy;
  return { perTradeCapUsd, allowanceCapUsd, refillAmountUsd, refillInterval, maxSlippageBps, cooldown };
}

/** What the vault's _validatePolicy and its uint types accept. */
function validatePolicy(policy: VaultPolicy): void {
  for (const field of ['perTradeCapUsd', 'allowanceCapUsd', 'refillAmountUsd'] as const) {
    const value = policy[field];
    if (value < 0n || value > UINT96_MAX) throw new InvalidPolicyError(field, value, 'a uint96 (18-decimal USD)');
  }
  const seconds = (field: 'refillInterval' | 'cooldown', min: number) => {
    const value = policy[field];
    if (!Number.isInteger(value) || value < min || value > UINT32_MAX) throw new InvalidPolicyError(field, value, `an integer from ${min} to 2^32-1 seconds`);
  };
  seconds('refillInterval', 1);
  seconds('cooldown', 0);
  if (!Number.isInteger(policy.maxSlippageBps) || policy.maxSlippageBps < 0 || policy.maxSlippageBps > 10_000) {
    throw new InvalidPolicyError('maxSlippageBps', policy.maxSlippageBps, 'an integer from 0 to 10000');
  }
}
