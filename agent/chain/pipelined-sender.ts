import {
  type Abi,
  type Chain,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type PublicClient,
  type TransactionReceipt,
  TransactionReceiptNotFoundError,
  encodeDeployData,
  encodeFunctionData,
  getContractAddress,
  parseGwei,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { MandateError } from '../model/base-error.js';
import { toAddress, type Address, type Hex } from '../model/address.js';

/** A transaction the sender sent reverted, or never got a receipt. */
export class TransactionFailedError extends MandateError {
  override name = 'TransactionFailedError';
}

export type SentTransaction = { label: string; hash: Hex; nonce: number };

export type PipelinedSenderParameters = {
  publicClient: PublicClient;
  chain: Chain;
  privateKey: Hex;
  /** Max fee per gas for every transaction. Default 50 gwei: far above a devnet's base fee. */
  maxFeePerGas?: bigint | undefined;
};

/**
 * Sends transactions from one key without waiting for each receipt: nonces are counted locally, gas
 * limits are given explicitly (no estimation round trip, which would also fail for a call that depends
 * on a transaction not yet mined), and transactions are signed locally. `settle()` then waits for all
 * receipts at once and names the first that failed. With anvil's automine each transaction is mined
 * on arrival, so sending in order is enough to keep dependent transactions correct.
 *
 * @example
 * const sender = await createPipelinedSender({ publicClient, chain, privateKey });
 * const { address } = await sender.deploy('USDC', { abi: devTokenAbi, bytecode: devTokenBytecode, args: ['USD Coin', 'USDC', 6] });
 * await sender.write('mint', { address, abi: devTokenAbi, functionName: 'mint', args: [to, 1n] });
 * await sender.settle();
 */
export async function createPipelinedSender(parameters: PipelinedSenderParameters) {
  const { publicClient, chain } = parameters;
  const account = privateKeyToAccount(parameters.privateKey);
  const maxFeePerGas = parameters.maxFeePerGas ?? parseGwei('50');
  let nonce = await publicClient.getTransactionCount({ address: account.address, blockTag: 'pending' });
  let pending: SentTransaction[] = [];

  async function send(label: string, request: { to?: Address | undefined; data: Hex; value?: bigint | undefined; gas: bigint }) {
    const used = nonce++;
    const serializedTransaction = await account.signTransaction({
      type: 'eip1559',
      chainId: chain.id,
      nonce: used,
      gas: request.gas,
      maxFeePerGas,
      maxPriorityFeePerGas: 0n,
      to: request.to ?? null,
      data: request.data,
      value: request.value ?? 0n,
    });
    try {
      const hash = await publicClient.sendRawTransaction({ serializedTransaction });
      const sent = { label, hash, nonce: used };
      pending.push(sent);
      return sent;
    } catch (error) {
      // The node refused it, so the nonce was not used: take it back for the next attempt.
      nonce = await publicClient.getTransactionCount({ address: account.address, blockTag: 'pending' });
      throw new TransactionFailedError(`The node refused transaction "${label}".`, { cause: error });
    }
  }

  return {
    address: toAddress(account.address),
    /** The next nonce this sender will use. */
    nextNonce: () => nonce,

    /** Sends a contract creation; the address is known before it is mined (sender + nonce). */
    async deploy<const TAbi extends Abi>(
      label: string,
      request: { abi: TAbi; bytecode: Hex; args?: readonly unknown[]; gas?: bigint; value?: bigint },
    ): Promise<SentTransaction & { address: Address }> {
      const address = toAddress(getContractAddress({ from: account.address, nonce: BigInt(nonce) }));
      const data = encodeDeployData({ abi: request.abi as Abi, bytecode: request.bytecode, args: request.args ?? [] } as Parameters<typeof encodeDeployData>[0]);
      const sent = await send(label, { data, gas: request.gas ?? 12_000_000n, value: request.value });
      return { ...sent, address };
    },

    /** Sends a contract call. */
    async write<
      const TAbi extends Abi,
      TName extends ContractFunctionName<TAbi, 'nonpayable' | 'payable'>,
    >(
      label: string,
      request: {
        address: Address;
        abi: TAbi;
        functionName: TName;
        args: ContractFunctionArgs<TAbi, 'nonpayable' | 'payable', TName>;
        gas?: bigint;
        value?: bigint;
      },
    ): Promise<SentTransaction> {
      const data = encodeFunctionData({ abi: request.abi as Abi, functionName: request.functionName as string, args: request.args as readonly unknown[] });
      return send(label, { to: request.address, data, gas: request.gas ?? 1_000_000n, value: request.value });
    },

    /** Sends plain ether. */
    async transfer(label: string, to: Address, value: bigint): Promise<SentTransaction> {
      return send(label, { to, data: '0x', gas: 21_000n, value });
    },

    /**
     * Waits for every transaction sent since the last settle and throws on the first that reverted,
     * unless `mayRevert` accepts it (a market swap racing another trader, say). Returns the receipts in
     * sending order, with their labels.
     */
    async settle(
      options: { timeoutMs?: number; mayRevert?: (sent: SentTransaction) => boolean } = {},
    ): Promise<(TransactionReceipt & { label: string })[]> {
      const timeoutMs = options.timeoutMs ?? 30_000;
      const batch = pending;
      pending = [];
      // Nonces are mined in order, so once the last one has a receipt the others have theirs: wait for
      // it, then fetch the rest at once.
      const last = batch.at(-1);
      if (last) await pollReceipt(publicClient, last, timeoutMs);
      const receipts = await Promise.all(batch.map((sent) => pollReceipt(publicClient, sent, timeoutMs)));
      receipts.forEach((receipt, i) => {
        const sent = batch[i]!;
        if (receipt.status !== 'success' && !options.mayRevert?.(sent)) {
          throw new TransactionFailedError(`Transaction "${sent.label}" reverted.`, {
            details: `Hash ${sent.hash}, nonce ${sent.nonce}, block ${receipt.blockNumber}, gas used ${receipt.gasUsed}.`,
          });
        }
      });
      return receipts.map((receipt, i) => ({ ...receipt, label: batch[i]!.label }));
    },
  };
}
export type PipelinedSender = Awaited<ReturnType<typeof createPipelinedSender>>;

/**
 * Asks for a receipt until there is one. Not viem's waitForTransactionReceipt: that waits for a new
 * block number, and when several waits share one block watcher, a wait that joins after the last block
 * was mined may never see it (nothing more is mined when the sender is idle) and times out.
 */
async function pollReceipt(publicClient: PublicClient, sent: SentTransaction, timeoutMs: number): Promise<TransactionReceipt> {
  const intervalMs = 10;
  let lastError: unknown;
  for (let waited = 0; waited <= timeoutMs; waited += intervalMs) {
    try {
      return await publicClient.getTransactionReceipt({ hash: sent.hash });
    } catch (error) {
      if (!(error instanceof TransactionReceiptNotFoundError)) throw error;
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new TransactionFailedError(`No receipt for transaction "${sent.label}".`, {
    details: `Hash ${sent.hash}, nonce ${sent.nonce}; none after ${timeoutMs} ms.`,
    cause: lastError,
  });
}
