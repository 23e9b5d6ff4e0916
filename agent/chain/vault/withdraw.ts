import type { Address } from '../../model/address.js';
import { type VaultWriteParameters, type VaultWriteReturnType, writeVault } from './write-vault.js';

/**
 * Sends `amount` of `token` from the vault to its owner (owner only; the vault always pays the owner).
 *
 * @example
 * await withdraw({ publicClient, walletClient: owner, vault }, { token: usdc, amount: 1_000n * 10n ** 6n });
 */
export function withdraw(parameters: VaultWriteParameters, request: { token: Address; amount: bigint }): Promise<VaultWriteReturnType<'withdraw'>> {
  return writeVault(parameters, 'withdraw', [request.token, request.amount]);
}
