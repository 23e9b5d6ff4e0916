/**
 * Vault administration through a real Safe: deploy one from the npm artifacts, build a Safe transaction,
 * compute its EIP-712 hash, sign it with enough owners, execute it, and write the vault as the Safe.
 * The devnet's Safe step (2-of-3, the vault's owner) lives here too.
 */
export * from './deploy-safe.js';
export * from './execute-safe-transaction.js';
export * from './safe-errors.js';
export * from './safe-transaction.js';
export * from './sign-safe-transaction.js';
export * from './write-vault-through-safe.js';
export * from './read-vault-admin-status.js';
