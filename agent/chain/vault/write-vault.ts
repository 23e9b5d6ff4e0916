import {
  type Account,
  type Chain,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type ContractFunctionReturnType,
  type PublicClient,
  type TransactionReceipt,
  type Transport,
  type WalletClient,
  encodeFunctionData,
} from 'viem';
import type { Address, Hex } from '../../model/address.js';
import { mandateVaultAbi } from '../generated/MandateVault.js';
import { VaultCallError, VaultOutOfGasError, toVaultError } from './vault-errors.js';

/** The clients every vault write needs: a public client to simulate and wait, a wallet to sign. */
export type VaultWriteClients = {
  publicClient: PublicClient;
  /** The account that calls: the owner, the guardian or the agent, depending on the function. */
  walletClient: WalletClient<Transport, Chain, Account>;
};

/** How to send: the config's `execution.gas` caps and headroom. Unset fields are what the node suggests. */
export type VaultTransactionOptions = {
  /**
   * Gas limit = the node's estimate × this. Default 1.2 (the config's default): the estimate is the least gas
   * that passes on the state at estimate time, and a trade included a few seconds later can take a slightly
   * longer path (an allowance refill step, say), which with no headroom runs out of gas.
   */
  gasLimitMultiplier?: number | undefined;
  maxFeePerGas?: bigint | undefined;
  maxPriorityFeePerGas?: bigint | undefined;
};

/** A vault address with the clients to write to it. */
export type VaultWriteParameters = VaultWriteClients & { vault: Address; transaction?: VaultTransactionOptions | undefined };

type VaultAbi = typeof mandateVaultAbi;
/** Every state-changing vault function. */
export type VaultWriteFunctionName = ContractFunctionName<VaultAbi, 'nonpayable'>;

/** What a mined vault write returns. */
export type VaultWriteReturnType<name extends VaultWriteFunctionName> = {
  hash: Hex;
  receipt: TransactionReceipt;
  /** The function's return value, from the simulation (e.g. a queued change's id). */
  result: ContractFunctionReturnType<VaultAbi, 'nonpayable', name>;
};

/**
 * Simulates a vault call from the wallet's account, estimates its gas (times `transaction.gasLimitMultiplier`),
 * sends it with the given fee caps, and waits for the receipt. A revert in the simulation throws VaultRevertError before anything is sent; a transaction that
 * still reverts on-chain (another transaction changed the state first) throws VaultRevertError with the
 * transaction hash and the reason recovered from the node (see revertReason).
 *
 * @example
 * const { result: id } = await writeVault({ publicClient, walletClient, vault }, 'queuePolicy', [newPolicy]);
 */
export async function writeVault<const name extends VaultWriteFunctionName>(
  parameters: VaultWriteParameters,
  functionName: name,
  args: ContractFunctionArgs<VaultAbi, 'nonpayable', name>,
): Promise<VaultWriteReturnType<name>> {
  const { publicClient, walletClient, vault } = parameters;
  const account = walletClient.account;
  let simulated: { result: unknown; request: Parameters<typeof walletClient.writeContract>[0] };
  try {
    simulated = (await publicClient.simulateContract({
      address: vault,
      abi: mandateVaultAbi,
      functionName,
      args,
      account,
    } as never)) as typeof simulated;
  } catch (error) {
    throw toVaultError(error, { functionName });
  }
  const options = parameters.transaction ?? {};
  let hash: Hex;
  try {
    // The gas estimate runs the call once more: a state change since the simulation shows up here.
    const estimate = await publicClient.estimateContractGas(simulated.request as never);
    const multiplier = BigInt(Math.round((options.gasLimitMultiplier ?? 1.2) * 1000));
    hash = await walletClient.writeContract({
      ...simulated.request,
      gas: (estimate * multiplier + 999n) / 1000n,
      ...(options.maxFeePerGas === undefined ? {} : { maxFeePerGas: options.maxFeePerGas }),
      ...(options.maxPriorityFeePerGas === undefined ? {} : { maxPriorityFeePerGas: options.maxPriorityFeePerGas }),
    } as never);
  } catch (error) {
    throw toVaultError(error, { functionName });
  }
  const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  if (receipt.status !== 'success') throw await revertReason(parameters, functionName, args as readonly unknown[], receipt);
  return { hash, receipt, result: simulated.result as VaultWriteReturnType<name>['result'] };
}

type TraceFrame = { output?: Hex; error?: string; calls?: TraceFrame[] };

function findOutOfGas(frame: TraceFrame): string | undefined {
  if (frame.error && /out of gas/i.test(frame.error)) return frame.error;
  for (const call of frame.calls ?? []) {
    const found = findOutOfGas(call);
    if (found) return found;
  }
  return undefined;
}

/**
 * Recovers why a mined transaction reverted. The exact revert data comes from the node's call tracer when it
 * has one (anvil, geth, most archive providers); otherwise the call is re-run on the state at the end of its
 * block, which includes whatever earlier transaction in that block made it fail.
 */
async function revertReason(
  parameters: VaultWriteParameters,
  functionName: string,
  args: readonly unknown[],
  receipt: TransactionReceipt,
): Promise<Error> {
  const { publicClient, walletClient, vault } = parameters;
  const txHash = receipt.transactionHash;
  let traced: string | undefined;
  try {
    const frame = (await publicClient.request({
      method: 'debug_traceTransaction' as 'eth_chainId',
      params: [txHash, { tracer: 'callTracer' }] as never,
    })) as TraceFrame | undefined;
    const decoded = frame?.output ? toVaultError(frame.output, { functionName, txHash }) : undefined;
    if (decoded && !(decoded instanceof VaultCallError)) return decoded;
    // A call inside the vault that ran out of gas (the 63/64 rule leaves it less than the estimate assumed)
    // reverts with no data at the top: look for it in the nested frames.
    traced = frame && (findOutOfGas(frame) ?? frame.error);
  } catch {
    // No debug namespace on this node: fall back to re-running the call.
  }
  if (traced && /out of gas/i.test(traced)) {
    return new VaultOutOfGasError(`${functionName} ran out of gas on-chain.`, {
      details: `Transaction ${txHash} in block ${receipt.blockNumber} ran out of gas (${receipt.gasUsed} used): the state at inclusion cost more than the estimate. Raise transaction.gasLimitMultiplier.`,
    });
  }
  try {
    await publicClient.call({
      account: walletClient.account,
      to: vault,
      data: encodeFunctionData({ abi: mandateVaultAbi, functionName, args } as never),
      blockNumber: receipt.blockNumber,
    });
  } catch (error) {
    const decoded = toVaultError(error, { functionName, txHash });
    if (!(decoded instanceof VaultCallError)) return decoded;
  }
  return new VaultCallError(`${functionName} reverted on-chain.`, {
    details: `Transaction ${txHash} in block ${receipt.blockNumber} reverted (${traced ?? 'no trace'}), and neither a trace nor re-running it gave a decodable reason.`,
  });
}
