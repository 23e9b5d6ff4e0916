import type { VaultPolicy } from '../chain/vault/vault-policy.js';
export type { VaultPolicy } from '../chain/vault/vault-policy.js';
import { sortsBefore, type Address, type Hex } from '../model/address.js';

/** An allowed token, as `IMandateVault.tokenConfig` reports it (only allowed tokens are kept). */
export type TokenPolicy = {
  feed: Address;
  maxOracleAge: number;
  /** The token's decimals, read by the vault when it was configured. */
  decimals: number;
};

/** The vault's L2 sequencer-uptime feed and grace period (immutable on the vault; absent on L1). */
export type SequencerPolicy = { feed: Address; gracePeriod: number };

/**
 * Everything `executeTrade` reads from the vault's own storage, as one plain value. `tokens` is keyed by
 * the (normalised) token address, `pools` by `poolKey` and `executedDecisions` by `decisionKey`.
 *
 * Prices are not part of it: the oracle rounds are read at trade time and passed to `evaluateTrade` with
 * the time and the caller.
 */
export type PolicyState = {
  /** The agent; the zero address when revoked. */
  agent: Address;
  paused: boolean;
  policy: VaultPolicy;
  /** The stored allowance and its refill anchor (`allowanceState()`), settled at the last trade or policy change. */
  allowanceUsd: bigint;
  allowanceUpdatedAt: bigint;
  /** 0 before the first trade. */
  lastTradeAt: bigint;
  tokens: ReadonlyMap<Address, TokenPolicy>;
  /** Allowed pools by `poolKey(tokenA, tokenB, fee)`. */
  pools: ReadonlySet<string>;
  /** Decision ids known to be executed, by `decisionKey(id)`. */
  executedDecisions: ReadonlySet<string>;
  sequencer?: SequencerPolicy | undefined;
};

/**
 * The set key of a pool: the pair sorted as the vault sorts it (by address), and the fee. Order-independent.
 *
 * @example
 * poolKey(usdc, weth, 500) === poolKey(weth, usdc, 500); // true
 */
export function poolKey(tokenA: Address, tokenB: Address, fee: number): string {
  const [token0, token1] = sortsBefore(tokenA, tokenB) ? [tokenA, tokenB] : [tokenB, tokenA];
  return `${token0}:${token1}:${fee}`;
}

/**
 * The set key of a decision id.
 *
 * @example
 * state.executedDecisions.has(decisionKey(intent.decisionId));
 */
export function decisionKey(decisionId: Hex): string {
  return decisionId.toLowerCase();
}
