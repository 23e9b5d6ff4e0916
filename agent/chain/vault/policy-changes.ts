import type { Address } from '../../model/address.js';
import type { VaultPolicy } from './vault-policy.js';
import { type VaultWriteParameters, type VaultWriteReturnType, writeVault } from './write-vault.js';

/** A loosening change to queue behind the owner's timelock (IMandateVault.ChangeKind). */
export type VaultChange =
  | { kind: 'SetPolicy'; policy: VaultPolicy }
  | { kind: 'SetToken'; token: Address; feed: Address; maxOracleAge: number }
  | { kind: 'AllowPool'; tokenA: Address; tokenB: Address; fee: number }
  | { kind: 'SetTimelockDelay'; delay: bigint | number };

export type QueueChangeReturnType = VaultWriteReturnType<'queuePolicy'> & { id: bigint };

/**
 * Queues a loosening change (owner only). It applies with applyChange once the timelock delay has passed;
 * the owner or the guardian may cancel it before.
 *
 * @example
 * const { id } = await queueChange({ publicClient, walletClient: owner, vault }, { kind: 'SetPolicy', policy: { ...policy, perTradeCapUsd: 10_000n * 10n ** 18n } });
 */
export async function queueChange(parameters: VaultWriteParameters, change: VaultChange): Promise<QueueChangeReturnType> {
  let written: VaultWriteReturnType<'queuePolicy'>;
  switch (change.kind) {
    case 'SetPolicy':
      written = await writeVault(parameters, 'queuePolicy', [change.policy]);
      break;
    case 'SetToken':
      written = await writeVault(parameters, 'queueToken', [change.token, change.feed, change.maxOracleAge]);
      break;
    case 'AllowPool':
      written = await writeVault(parameters, 'queuePool', [change.tokenA, change.tokenB, change.fee]);
      break;
    case 'SetTimelockDelay':
      written = await writeVault(parameters, 'queueTimelockDelay', [BigInt(change.delay)]);
      break;
  }
  return { ...written, id: written.result };
}

/**
 * Applies a pending change whose eta has come (owner only); before it, throws VaultRevertError ChangeNotReady.
 *
 * @example
 * await applyChange({ publicClient, walletClient: owner, vault }, id);
 */
export function applyChange(parameters: VaultWriteParameters, id: bigint): Promise<VaultWriteReturnType<'applyChange'>> {
  return writeVault(parameters, 'applyChange', [id]);
}

/**
 * Cancels a pending change (owner or guardian).
 *
 * @example
 * await cancelChange({ publicClient, walletClient: guardian, vault }, id);
 */
export function cancelChange(parameters: VaultWriteParameters, id: bigint): Promise<VaultWriteReturnType<'cancelChange'>> {
  return writeVault(parameters, 'cancelChange', [id]);
}

/**
 * Applies a stricter policy at once (owner or guardian). Any looser field throws VaultRevertError NotTightening.
 *
 * @example
 * await tightenPolicy({ publicClient, walletClient: guardian, vault }, { ...policy, perTradeCapUsd: 1_000n * 10n ** 18n });
 */
export function tightenPolicy(parameters: VaultWriteParameters, policy: VaultPolicy): Promise<VaultWriteReturnType<'tightenPolicy'>> {
  return writeVault(parameters, 'tightenPolicy', [policy]);
}

/**
 * Removes a token from the allow-list at once (owner or guardian).
 *
 * @example
 * await removeToken({ publicClient, walletClient: guardian, vault }, weth);
 */
export function removeToken(parameters: VaultWriteParameters, token: Address): Promise<VaultWriteReturnType<'removeToken'>> {
  return writeVault(parameters, 'removeToken', [token]);
}

/**
 * Lowers a token's max oracle age at once (owner or guardian).
 *
 * @example
 * await tightenOracleAge({ publicClient, walletClient: guardian, vault }, weth, 1_800);
 */
export function tightenOracleAge(parameters: VaultWriteParameters, token: Address, maxOracleAge: number): Promise<VaultWriteReturnType<'tightenOracleAge'>> {
  return writeVault(parameters, 'tightenOracleAge', [token, maxOracleAge]);
}

/**
 * Removes a pool from the allow-list at once (owner or guardian).
 *
 * @example
 * await removePool({ publicClient, walletClient: guardian, vault }, { tokenA: usdc, tokenB: weth, fee: 3000 });
 */
export function removePool(parameters: VaultWriteParameters, pool: { tokenA: Address; tokenB: Address; fee: number }): Promise<VaultWriteReturnType<'removePool'>> {
  return writeVault(parameters, 'removePool', [pool.tokenA, pool.tokenB, pool.fee]);
}

/**
 * Raises the timelock delay at once (owner or guardian); lowering it must be queued.
 *
 * @example
 * await increaseTimelockDelay({ publicClient, walletClient: guardian, vault }, 172_800n);
 */
export function increaseTimelockDelay(parameters: VaultWriteParameters, delay: bigint | number): Promise<VaultWriteReturnType<'increaseTimelockDelay'>> {
  return writeVault(parameters, 'increaseTimelockDelay', [BigInt(delay)]);
}
