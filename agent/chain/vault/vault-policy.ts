/**
 * The vault's trading limits, exactly `IMandateVault.Policy`: USD amounts with 18 decimals, seconds as
 * numbers (they are uint32 on-chain, so they fit a JS number exactly).
 */
export type VaultPolicy = {
  perTradeCapUsd: bigint;
  allowanceCapUsd: bigint;
  refillAmountUsd: bigint;
  /** Seconds per refill step; at least 1 (the vault rejects 0). */
  refillInterval: number;
  /** 0..10 000. */
  maxSlippageBps: number;
  cooldown: number;
};
