import { type Account, type Chain, type PublicClient, type TransactionReceipt, type Transport, type WalletClient, encodeFunctionData, parseEventLogs } from 'viem';
import type { MandateError } from '../../model/base-error.js';
import { toAddress, type Address, type Hex } from '../../model/address.js';
import { safeL2Abi } from '../generated/SafeL2.js';
import { VaultCallError, toVaultError } from '../vault/vault-errors.js';
import { SafeTransactionError, safeErrorCodeOf } from './safe-errors.js';
import type { SafeTransaction } from './safe-transaction.js';
import { type SafeSignature, packSafeSignatures } from './sign-safe-transaction.js';

export type ExecuteSafeTransactionParameters = {
  publicClient: PublicClient;
  /** Who sends execTransaction and pays its gas: any account (an owner, a relayer). */
  walletClient: WalletClient<Transport, Chain, Account>;
  safe: Address;
  transaction: SafeTransaction;
  signatures: readonly SafeSignature[];
  /** The inner call's name, for error messages (say 'queuePolicy'). */
  functionName?: string | undefined;
};

export type ExecuteSafeTransactionReturnType = { hash: Hex; receipt: TransactionReceipt; safeTxHash: Hex };

/**
 * Executes a signed Safe transaction: simulates execTransaction first (so a missing signature or a vault
 * revert is reported before any gas is spent), sends it, and waits for ExecutionSuccess. The Safe's own
 * refusals become SafeTransactionError (GS020 too few signatures, GS026 a signer that is not an owner...);
 * a revert of the inner call, which the Safe bubbles up when safeTxGas and gasPrice are 0, is decoded with
 * the vault's ABI (VaultRevertError, say ChangeNotReady).
 *
 * @example
 * const signatures = await signSafeTransaction({ chainId, safe, transaction, privateKeys: [alice, bob] });
 * const { hash } = await executeSafeTransaction({ publicClient, walletClient: relayer, safe, transaction, signatures });
 */
export async function executeSafeTransaction(parameters: ExecuteSafeTransactionParameters): Promise<ExecuteSafeTransactionReturnType> {
  const { publicClient, walletClient, safe, transaction: t } = parameters;
  const functionName = parameters.functionName ?? 'execTransaction';
  const args = [t.to, t.value, t.data, t.operation, t.safeTxGas, t.baseGas, t.gasPrice, t.gasToken, t.refundReceiver, packSafeSignatures(parameters.signatures)] as const;
  let request: Parameters<typeof walletClient.writeContract>[0];
  try {
    ({ request } = (await publicClient.simulateContract({ address: safe, abi: safeL2Abi, functionName: 'execTransaction', args, account: walletClient.account })) as {
      request: Parameters<typeof walletClient.writeContract>[0];
    });
  } catch (error) {
    throw safeError(error, functionName);
  }
  let hash: Hex;
  try {
    hash = await walletClient.writeContract(request);
  } catch (error) {
    throw safeError(error, functionName);
  }
  const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  if (receipt.status !== 'success') {
    try {
      await publicClient.call({
        account: walletClient.account,
        to: safe,
        data: encodeFunctionData({ abi: safeL2Abi, functionName: 'execTransaction', args }),
        blockNumber: receipt.blockNumber - 1n,
      });
    } catch (error) {
      throw safeError(error, functionName, hash);
    }
    throw new VaultCallError(`The Safe transaction for ${functionName} reverted on-chain.`, { details: `Transaction ${hash} in block ${receipt.blockNumber}.` });
  }
  const executed = parseEventLogs({ abi: safeL2Abi, logs: receipt.logs, eventName: ['ExecutionSuccess', 'ExecutionFailure'] });
  const outcome = executed.find((log) => toAddress(log.address) === safe);
  if (outcome?.eventName !== 'ExecutionSuccess') {
    throw new VaultCallError(`The Safe executed ${functionName} but the inner call failed.`, { details: `Transaction ${hash}: ${outcome?.eventName ?? 'no execution event'}.` });
  }
  return { hash, receipt, safeTxHash: outcome.args.txHash };
}

/**
 * A Safe refusal (GSxxx) as SafeTransactionError, or the inner call's revert decoded with the vault's ABI.
 *
 * @example
 * catch (error) { throw safeError(error, 'applyChange'); }
 */
export function safeError(error: unknown, functionName: string, txHash?: Hex): MandateError {
  const code = safeErrorCodeOf(error);
  if (code) return new SafeTransactionError(code, { details: `${functionName} through the Safe${txHash ? ` (transaction ${txHash})` : ''}.`, cause: error });
  return toVaultError(error, { functionName, txHash });
}
