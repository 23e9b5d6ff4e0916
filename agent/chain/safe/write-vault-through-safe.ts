import {
  type Account,
  type Chain,
  type ContractFunctionArgs,
  type PublicClient,
  type Transport,
  type WalletClient,
  encodeFunctionData,
} from 'viem';
import { toAddress, type Address, type Hex } from '../../model/address.js';
import { mandateVaultAbi } from '../generated/MandateVault.js';
import { toVaultError } from '../vault/vault-errors.js';
import type { VaultWriteFunctionName, VaultWriteReturnType } from '../vault/write-vault.js';
import { writeVault } from '../vault/write-vault.js';
import { SafeHashMismatchError } from './safe-errors.js';
import { executeSafeTransaction } from './execute-safe-transaction.js';
import { buildSafeTransaction, hashSafeTransaction, readSafeTransactionHash } from './safe-transaction.js';
import { signSafeTransaction } from './sign-safe-transaction.js';

type VaultAbi = typeof mandateVaultAbi;

export type WriteVaultThroughSafeParameters = {
  publicClient: PublicClient;
  vault: Address;
  /** The Safe that owns the vault. */
  safe: Address;
  /** Keys of the Safe owners who sign (at least the threshold). */
  ownerKeys: readonly Hex[];
  /** Sends execTransaction and pays its gas (typically one of the owners). */
  walletClient: WalletClient<Transport, Chain, Account>;
};

/** A vault write made through the Safe: the vault call's result and the Safe transaction that carried it. */
export type SafeVaultWriteReturnType<name extends VaultWriteFunctionName> = VaultWriteReturnType<name> & {
  /** The EIP-712 hash the owners signed (the Safe's getTransactionHash). */
  safeTxHash: Hex;
  /** The Safe nonce it used. */
  nonce: bigint;
  signers: Address[];
};

/**
 * Calls a vault function as the Safe: simulates the call from the Safe's address (so a vault revert such
 * as ChangeNotReady is decoded before anyone signs), builds the Safe transaction at the Safe's nonce,
 * checks the locally computed EIP-712 hash against the Safe's getTransactionHash, has each owner key sign
 * it, and executes it.
 *
 * @example
 * const { result: id } = await writeVaultThroughSafe({ publicClient, vault, safe, ownerKeys: [alice, bob], walletClient: alice }, 'queuePolicy', [looser]);
 */
export async function writeVaultThroughSafe<const name extends VaultWriteFunctionName>(
  parameters: WriteVaultThroughSafeParameters,
  functionName: name,
  args: ContractFunctionArgs<VaultAbi, 'nonpayable', name>,
): Promise<SafeVaultWriteReturnType<name>> {
  const { publicClient, vault, safe } = parameters;
  let result: unknown;
  try {
    ({ result } = await publicClient.simulateContract({ address: vault, abi: mandateVaultAbi, functionName, args, account: safe } as never));
  } catch (error) {
    throw toVaultError(error, { functionName });
  }
  const data = encodeFunctionData({ abi: mandateVaultAbi, functionName, args } as never);
  const transaction = await buildSafeTransaction({ publicClient, safe, to: vault, data });
  const chainId = await publicClient.getChainId();
  const safeTxHash = hashSafeTransaction({ chainId, safe, transaction });
  const onChain = await readSafeTransactionHash({ publicClient, safe, transaction });
  if (onChain !== safeTxHash) throw new SafeHashMismatchError(safeTxHash, onChain);
  const signatures = await signSafeTransaction({ chainId, safe, transaction, privateKeys: parameters.ownerKeys });
  const executed = await executeSafeTransaction({ publicClient, walletClient: parameters.walletClient, safe, transaction, signatures, functionName });
  return {
    hash: executed.hash,
    receipt: executed.receipt,
    result: result as VaultWriteReturnType<name>['result'],
    safeTxHash,
    nonce: transaction.nonce,
    signers: signatures.map((s) => s.signer),
  };
}

/** Who administers the vault: a key that is the owner (or guardian) itself, or the Safe that owns it. */
export type VaultAdmin =
  | { kind: 'key'; walletClient: WalletClient<Transport, Chain, Account> }
  | ({ kind: 'safe' } & Omit<WriteVaultThroughSafeParameters, 'publicClient' | 'vault'>);

/** What an admin write returns, either way. */
export type AdminVaultWriteReturnType<name extends VaultWriteFunctionName> = VaultWriteReturnType<name> & {
  via: 'key' | 'safe';
  from: Address;
  safeTxHash?: Hex | undefined;
  signers?: Address[] | undefined;
};

/**
 * One entry point for the admin commands: writes the vault directly with the key, or through the Safe.
 *
 * @example
 * await adminWriteVault({ publicClient, vault, admin: { kind: 'safe', safe, ownerKeys, walletClient } }, 'unpause', []);
 * await adminWriteVault({ publicClient, vault, admin: { kind: 'key', walletClient: guardian } }, 'pause', []);
 */
export async function adminWriteVault<const name extends VaultWriteFunctionName>(
  parameters: { publicClient: PublicClient; vault: Address; admin: VaultAdmin },
  functionName: name,
  args: ContractFunctionArgs<VaultAbi, 'nonpayable', name>,
): Promise<AdminVaultWriteReturnType<name>> {
  const { publicClient, vault, admin } = parameters;
  if (admin.kind === 'key') {
    const written = await writeVault({ publicClient, vault, walletClient: admin.walletClient }, functionName, args);
    return { ...written, via: 'key', from: toAddress(admin.walletClient.account.address) };
  }
  const written = await writeVaultThroughSafe({ publicClient, vault, ...admin }, functionName, args);
  return { ...written, via: 'safe', from: admin.safe };
}


