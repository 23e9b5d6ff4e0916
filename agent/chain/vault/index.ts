/**
 * The vault's TypeScript side: typed viem helpers over the generated MandateVault ABI. Every write is
 * simulated first and reverts become VaultRevertError with the vault's custom error, its arguments and a
 * readable sentence. The devnet's vault step lives here too.
 */
export * from './decision-batches.js';
export * from './deploy-vault.js';
export * from './describe-vault-error.js';
export * from './execute-trade.js';
export * from './format-vault-units.js';
export * from './policy-changes.js';
export * from './read-vault.js';
export * from './vault-events.js';
export * from './vault-errors.js';
export * from './vault-roles.js';
export * from './withdraw.js';
export * from './write-vault.js';
