import { safeDevnetExtension } from './devnet-safe.js';
import { vaultDevnetExtension } from './devnet-vault.js';
import type { DevnetExtension } from './deploy-devnet.js';

/**
 * The deploy steps `mandate devnet` runs after the core devnet (tokens, Uniswap v3, pools, feeds), in
 * order. Each returns the addresses it deployed; they land in the manifest's `contracts` by name.
 *
 * This is where the vault goes once contracts/src/MandateVault.sol exists: write a `DevnetExtension`
 * (in agent/chain/vault/, using the generated `mandateVaultAbi` / `mandateVaultBytecode`, the manifest's
 * tokens, pools, feeds and the owner / guardian / agent accounts) and add it to this list. A Safe that
 * becomes the vault's owner is one more extension after it.
 *
 * @example
 * export const defaultDevnetExtensions: readonly DevnetExtension[] = [vaultDevnetExtension, safeDevnetExtension];
 */
export const defaultDevnetExtensions: readonly DevnetExtension[] = [vaultDevnetExtension, safeDevnetExtension];
