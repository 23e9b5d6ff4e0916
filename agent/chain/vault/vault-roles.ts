import type { Address } from '../../model/address.js';
import { type VaultWriteParameters, type VaultWriteReturnType, writeVault } from './write-vault.js';

/**
 * Stops every agent call at once (owner or guardian).
 *
 * @example
 * await pause({ publicClient, walletClient: guardian, vault });
 */
export function pause(parameters: VaultWriteParameters): Promise<VaultWriteReturnType<'pause'>> {
  return writeVault(parameters, 'pause', []);
}

/**
 * Lifts a pause (owner only).
 *
 * @example
 * await unpause({ publicClient, walletClient: owner, vault });
 */
export function unpause(parameters: VaultWriteParameters): Promise<VaultWriteReturnType<'unpause'>> {
  return writeVault(parameters, 'unpause', []);
}

/**
 * Sets a new agent (owner only).
 *
 * @example
 * await setAgent({ publicClient, walletClient: owner, vault }, newAgentKey.address);
 */
export function setAgent(parameters: VaultWriteParameters, agent: Address): Promise<VaultWriteReturnType<'setAgent'>> {
  return writeVault(parameters, 'setAgent', [agent]);
}

/**
 * Removes the agent at once (owner or guardian): what to do with a leaked agent key.
 *
 * @example
 * await revokeAgent({ publicClient, walletClient: guardian, vault });
 */
export function revokeAgent(parameters: VaultWriteParameters): Promise<VaultWriteReturnType<'revokeAgent'>> {
  return writeVault(parameters, 'revokeAgent', []);
}

/**
 * Sets a new guardian, or removes it with the zero address (owner only).
 *
 * @example
 * await setGuardian({ publicClient, walletClient: owner, vault }, guardianSafe);
 */
export function setGuardian(parameters: VaultWriteParameters, guardian: Address): Promise<VaultWriteReturnType<'setGuardian'>> {
  return writeVault(parameters, 'setGuardian', [guardian]);
}
