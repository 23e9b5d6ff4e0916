import { type PublicClient, hashTypedData } from 'viem';
import { zeroAddress, type Address, type Hex } from '../../model/address.js';
import { safeL2Abi } from '../generated/SafeL2.js';

/**
 * A Safe transaction as the Safe signs and executes it (Safe.execTransaction's parameters, less the
 * signatures). Mandate only makes plain calls (operation 0) with no gas refund, so the refund fields are
 * zero: whoever executes pays the gas.
 */
export type SafeTransaction = {
  to: Address;
  value: bigint;
  data: Hex;
  /** 0 call; 1 delegatecall is never used by Mandate. */
  operation: 0 | 1;
  safeTxGas: bigint;
  baseGas: bigint;
  gasPrice: bigint;
  gasToken: Address;
  refundReceiver: Address;
  nonce: bigint;
};

export type BuildSafeTransactionParameters = {
  publicClient: PublicClient;
  safe: Address;
  to: Address;
  data: Hex;
  /** Default 0. */
  value?: bigint | undefined;
  /** Default: the Safe's current nonce (the next transaction it will execute). */
  nonce?: bigint | undefined;
};

/**
 * A plain call from the Safe (operation 0, no refund), at the Safe's current nonce unless one is given.
 *
 * @example
 * const transaction = await buildSafeTransaction({ publicClient, safe, to: vault, data: encodeFunctionData({ abi: mandateVaultAbi, functionName: 'pause' }) });
 */
export async function buildSafeTransaction(parameters: BuildSafeTransactionParameters): Promise<SafeTransaction> {
  const nonce =
    parameters.nonce ?? (await parameters.publicClient.readContract({ address: parameters.safe, abi: safeL2Abi, functionName: 'nonce' }));
  return {
    to: parameters.to,
    value: parameters.value ?? 0n,
    data: parameters.data,
    operation: 0,
    safeTxGas: 0n,
    baseGas: 0n,
    gasPrice: 0n,
    gasToken: zeroAddress,
    refundReceiver: zeroAddress,
    nonce,
  };
}

/** The EIP-712 type the Safe (1.3 and later) signs a transaction as. */
export const safeTxTypes = {
  SafeTx: [
    { name: 'to', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'data', type: 'bytes' },
    { name: 'operation', type: 'uint8' },
    { name: 'safeTxGas', type: 'uint256' },
    { name: 'baseGas', type: 'uint256' },
    { name: 'gasPrice', type: 'uint256' },
    { name: 'gasToken', type: 'address' },
    { name: 'refundReceiver', type: 'address' },
    { name: 'nonce', type: 'uint256' },
  ],
} as const;

/**
 * The EIP-712 typed data of a Safe transaction: domain { chainId, verifyingContract: safe }, type SafeTx.
 *
 * @example
 * const signature = await account.signTypedData(safeTransactionTypedData({ chainId, safe, transaction }));
 */
export function safeTransactionTypedData(parameters: { chainId: number; safe: Address; transaction: SafeTransaction }) {
  return {
    domain: { chainId: parameters.chainId, verifyingContract: parameters.safe },
    types: safeTxTypes,
    primaryType: 'SafeTx',
    message: parameters.transaction,
  } as const;
}

/**
 * The hash the Safe's owners sign (the Safe's own `getTransactionHash`), computed locally.
 *
 * @example
 * hashSafeTransaction({ chainId, safe, transaction }) === (await publicClient.readContract({ address: safe, abi: safeL2Abi, functionName: 'getTransactionHash', args })); // true
 */
export function hashSafeTransaction(parameters: { chainId: number; safe: Address; transaction: SafeTransaction }): Hex {
  return hashTypedData(safeTransactionTypedData(parameters));
}

/**
 * Asks the Safe itself for the transaction's hash (`getTransactionHash`): a check on hashSafeTransaction
 * against the deployed contract's domain separator.
 *
 * @example
 * const onChain = await readSafeTransactionHash({ publicClient, safe, transaction });
 */
export function readSafeTransactionHash(parameters: { publicClient: PublicClient; safe: Address; transaction: SafeTransaction }): Promise<Hex> {
  const t = parameters.transaction;
  return parameters.publicClient.readContract({
    address: parameters.safe,
    abi: safeL2Abi,
    functionName: 'getTransactionHash',
    args: [t.to, t.value, t.data, t.operation, t.safeTxGas, t.baseGas, t.gasPrice, t.gasToken, t.refundReceiver, t.nonce],
  });
}
