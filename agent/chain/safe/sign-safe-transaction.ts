import { concat } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { sortsBefore, toAddress, type Address, type Hex } from '../../model/address.js';
import { type SafeTransaction, safeTransactionTypedData } from './safe-transaction.js';

/** One owner's EIP-712 signature of a Safe transaction (65 bytes: r, s, v with v 27 or 28). */
export type SafeSignature = { signer: Address; signature: Hex };

export type SignSafeTransactionParameters = {
  chainId: number;
  safe: Address;
  transaction: SafeTransaction;
  /** The signing owners' private keys (enough of them to meet the threshold). */
  privateKeys: readonly Hex[];
};

/**
 * Signs a Safe transaction with each key (EIP-712 typed data, no eth_sign prefix).
 *
 * @example
 * const signatures = await signSafeTransaction({ chainId, safe, transaction, privateKeys: [alice, bob] });
 * const packed = packSafeSignatures(signatures);
 */
export async function signSafeTransaction(parameters: SignSafeTransactionParameters): Promise<SafeSignature[]> {
  const typedData = safeTransactionTypedData(parameters);
  return Promise.all(
    parameters.privateKeys.map(async (key) => {
      const account = privateKeyToAccount(key);
      return { signer: toAddress(account.address), signature: await account.signTypedData(typedData) };
    }),
  );
}

/**
 * The `signatures` argument of execTransaction: the signatures concatenated in ascending order of their
 * signer's address, which is the order the Safe checks them in (it rejects duplicates that way).
 *
 * @example
 * await safe.write.execTransaction([...fields, packSafeSignatures(signatures)]);
 */
export function packSafeSignatures(signatures: readonly SafeSignature[]): Hex {
  const sorted = [...signatures].sort((a, b) => (sortsBefore(a.signer, b.signer) ? -1 : sortsBefore(b.signer, a.signer) ? 1 : 0));
  return sorted.length === 0 ? '0x' : concat(sorted.map((s) => s.signature));
}
