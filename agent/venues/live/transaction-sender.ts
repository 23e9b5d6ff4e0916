import { performance } from 'node:perf_hooks';
import type { Account, Chain, PublicClient, TransactionReceipt } from 'viem';
import { MandateError } from '../../model/base-error.js';
import { toAddress, type Address, type Hex } from '../../model/address.js';

/** A transaction was sent but no receipt came back in time (dropped, or stuck behind a low fee). */
export class TransactionNotMinedError extends MandateError {
  override name = 'TransactionNotMinedError';
  readonly txHash: Hex;
  constructor(txHash: Hex, timeoutMs: number, cause?: unknown) {
    super(`Transaction ${txHash} was not mined within ${timeoutMs} ms.`, {
      details: 'It may have been dropped by the node or be stuck behind a low fee; the nonce counter was resynced from the chain.',
      cause,
    });
    this.txHash = txHash;
  }
}

/** The node refused a transaction (not a revert: a nonce, fee or funds problem). */
export class TransactionSendError extends MandateError {
  override name = 'TransactionSendError';
}

export type CreateTransactionSenderParameters = {
  client: PublicClient;
  /** A local account (privateKeyToAccount): transactions are signed here, never by the node. */
  account: Account & { signTransaction: NonNullable<Account['signTransaction']> };
  chain: Chain;
  /** Headroom over the gas estimate (config: execution.gas.gasLimitMultiplier). Default 1.2. */
  gasLimitMultiplier?: number | undefined;
  /** Caps on EIP-1559 fees, wei (config: execution.gas.*Gwei). Unset: what the node suggests. */
  maxFeePerGas?: bigint | undefined;
  maxPriorityFeePerGas?: bigint | undefined;
  /**
   * How long a fee estimate is reused, wall ms (default 2 000): fees are read once per couple of seconds
   * instead of on every send, which keeps two RPC calls off the trade's path. A send the node refuses for
   * its fee re-reads them and retries once.
   */
  feeCacheMs?: number | undefined;
  /** How long to wait for a receipt. Default 120 000 ms. */
  receiptTimeoutMs?: number | undefined;
  /** Receipt polling interval. Default: the client's. */
  pollingIntervalMs?: number | undefined;
};

/** One transaction to send: the call data and the gas it was estimated at. */
export type SendTransactionParameters = { to: Address; data: Hex; gas: bigint };

export type TransactionSender = {
  readonly address: Address;
  /**
   * Signs with the next local nonce and sends; returns the hash as soon as the node accepted it. A nonce the
   * node refuses (too low / too high: another process used the key) resyncs the counter and retries once.
   */
  send(parameters: SendTransactionParameters): Promise<Hex>;
  /** Waits for the receipt; on timeout resyncs the nonce and throws TransactionNotMinedError. */
  wait(hash: Hex): Promise<TransactionReceipt>;
  /** Gas estimate with the configured headroom (throws what the node threw: a revert carries its data). */
  estimateGas(parameters: { to: Address; data: Hex }): Promise<bigint>;
  /** Re-reads the pending nonce from the chain. */
  resync(): Promise<number>;
};

const nonceProblem = /nonce/i;
const feeProblem = /fee|underpriced/i;

/**
 * The agent account's only way to the chain: one local nonce counter, seeded from the chain's pending
 * nonce and resynced when the node says it is wrong, so trades and decision commits sent close together
 * never collide or wait for each other's receipts. Sends are serialised (sign + send) so nonces go out in
 * order; waiting for receipts is not.
 *
 * @example
 * const sender = createTransactionSender({ client, account: privateKeyToAccount(key), chain });
 * const hash = await sender.send({ to: vault, data, gas: await sender.estimateGas({ to: vault, data }) });
 * const receipt = await sender.wait(hash);
 */
export function createTransactionSender(parameters: CreateTransactionSenderParameters): TransactionSender {
  const { client, account, chain } = parameters;
  const multiplierPercent = BigInt(Math.round((parameters.gasLimitMultiplier ?? 1.2) * 100));
  const receiptTimeoutMs = parameters.receiptTimeoutMs ?? 120_000;
  let nonce: number | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  async function resync(): Promise<number> {
    nonce = await client.getTransactionCount({ address: account.address, blockTag: 'pending' });
    return nonce;
  }

  const feeCacheMs = parameters.feeCacheMs ?? 2_000;
  let cachedFees: { at: number; value: Promise<{ maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }> } | undefined;

  function fees(): Promise<{ maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }> {
    // performance.now() measures elapsed time only; it is not the agent's clock and decides nothing recorded.
    const now = performance.now();
    if (cachedFees === undefined || now - cachedFees.at > feeCacheMs) {
      const value = readFees();
      cachedFees = { at: now, value };
      value.catch(() => (cachedFees = undefined));
    }
    return cachedFees.value;
  }

  async function readFees(): Promise<{ maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }> {
    const suggested = await client.estimateFeesPerGas({ chain });
    const cap = (value: bigint, limit: bigint | undefined) => (limit !== undefined && value > limit ? limit : value);
    const maxPriorityFeePerGas = cap(suggested.maxPriorityFeePerGas, parameters.maxPriorityFeePerGas);
    let maxFeePerGas = cap(suggested.maxFeePerGas, parameters.maxFeePerGas);
    if (maxFeePerGas < maxPriorityFeePerGas) maxFeePerGas = maxPriorityFeePerGas;
    return { maxFeePerGas, maxPriorityFeePerGas };
  }

  async function signAndSend(request: SendTransactionParameters, attempt: number): Promise<Hex> {
    const [feeValues, current] = await Promise.all([fees(), nonce === undefined ? resync() : Promise.resolve(nonce)]);
    const serialized = await account.signTransaction({
      type: 'eip1559',
      chainId: chain.id,
      to: request.to,
      data: request.data,
      gas: request.gas,
      nonce: current,
      ...feeValues,
    });
    try {
      const hash = await client.sendRawTransaction({ serializedTransaction: serialized });
      nonce = current + 1;
      return hash;
    } catch (error) {
      const message = error instanceof Error ? `${error.message} ${String((error as { details?: unknown }).details ?? '')}` : String(error);
      if (attempt === 0 && nonceProblem.test(message)) {
        await resync();
        return signAndSend(request, 1);
      }
      if (attempt === 0 && feeProblem.test(message)) {
        cachedFees = undefined;
        return signAndSend(request, 1);
      }
      // What the node did with this nonce is unknown: read it again before the next send.
      nonce = undefined;
      throw new TransactionSendError(`The node refused the transaction to ${request.to}.`, { cause: error });
    }
  }

  return {
    address: toAddress(account.address),
    send(request) {
      const next = queue.then(() => signAndSend(request, 0));
      queue = next.catch(() => undefined);
      return next;
    },
    async wait(hash) {
      try {
        return await client.waitForTransactionReceipt({
          hash,
          timeout: receiptTimeoutMs,
          ...(parameters.pollingIntervalMs === undefined ? {} : { pollingInterval: parameters.pollingIntervalMs }),
        });
      } catch (error) {
        await resync().catch(() => undefined);
        throw new TransactionNotMinedError(hash, receiptTimeoutMs, error);
      }
    },
    async estimateGas(request) {
      // The plain JSON-RPC call: viem's estimateGas with a local account first fills the whole transaction
      // (nonce, fees) through the node, an extra round trip on the trade's path.
      // Against the latest block, like eth_call: nodes differ in what a 'pending' state holds.
      const estimate = await client.request({ method: 'eth_estimateGas', params: [{ from: account.address, to: request.to, data: request.data }, 'latest'] });
      return (BigInt(estimate) * multiplierPercent) / 100n;
    },
    resync,
  };
}
