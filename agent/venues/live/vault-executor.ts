import { performance } from 'node:perf_hooks';
import { encodeFunctionData, type PublicClient, type TransactionReceipt } from 'viem';
import { erc20Abi, mandateVaultAbi } from '../../chain/generated/index.js';
import { decodeVaultRevert, type DecodedVaultRevert } from '../../chain/vault/vault-errors.js';
import { describeVaultError } from '../../chain/vault/describe-vault-error.js';
import { getVaultEvents, tradeFill, vaultEventsOf } from '../../chain/vault/vault-events.js';
import type { ExecutionResult, Executor } from '../../model/ports.js';
import type { Fill, TradeIntent } from '../../model/decision.js';
import type { Address, Hex } from '../../model/address.js';
import { TransactionNotMinedError, type TransactionSender } from './transaction-sender.js';

export type CreateVaultExecutorParameters = {
  client: PublicClient;
  /** The agent account's sender (one nonce counter for trades and decision commits). */
  sender: TransactionSender;
  vault: Address;
  /** The tokens whose vault balances `balances()` reports (the traded pair). */
  tokens: readonly Address[];
  /** Where to look for an earlier TradeExecuted of a retried decision id: the vault's deploy block. Default 0. */
  fromBlock?: bigint | undefined;
  /** How long a balance read is reused when no trade happened, wall ms. Default 1 000; 0 reads every time. */
  balanceCacheMs?: number | undefined;
  /** Called right after the node accepted a trade transaction (latency measurements, logs). */
  onSent?: ((intent: TradeIntent, txHash: Hex) => void) | undefined;
};

/** The vault executor, plus what the composition root needs beyond the kernel's Executor. */
export type VaultExecutor = Executor & {
  /** The TradeExecuted fill of a decision id already executed by the vault, if any. */
  findExecuted(decisionId: Hex): Promise<Fill | undefined>;
};

/**
 * The live executor: sends each allowed intent to `MandateVault.executeTrade` from the agent account.
 * Simulates first (the gas estimate runs the call), so a trade the vault would reject is never sent and
 * comes back as `{ ok: false, reason }` with the decoded custom error ("CooldownActive: The cooldown is
 * active: ..."); sends with the sender's local nonce; waits for the receipt and decodes TradeExecuted into
 * the Fill. A transaction that reverts on-chain or is never mined is a failure with its tx hash, never
 * silent. A decision id the vault already executed (a retry after a crash or timeout) is not an error:
 * the earlier TradeExecuted is looked up and its fill returned, so a retry can never trade twice.
 *
 * @example
 * const sender = createTransactionSender({ client, account, chain });
 * const executor = createVaultExecutor({ client, sender, vault, tokens: [usdc, weth], fromBlock: deployBlock });
 * const kernel = createKernel({ ..., executor });
 */
export function createVaultExecutor(parameters: CreateVaultExecutorParameters): VaultExecutor {
  const { client, sender, vault, tokens } = parameters;
  const fromBlock = parameters.fromBlock ?? 0n;

  async function findExecuted(decisionId: Hex): Promise<Fill | undefined> {
    const [executed] = await getVaultEvents({ client, vault, eventNames: ['TradeExecuted'], args: { decisionId }, fromBlock });
    if (!executed) return undefined;
    return tradeFill(await client.getTransactionReceipt({ hash: executed.transactionHash }), executed);
  }

  async function execute(intent: TradeIntent): Promise<ExecutionResult> {
    try {
      return await executeOnce(intent);
    } finally {
      cachedBalances = undefined;
    }
  }

  async function executeOnce(intent: TradeIntent): Promise<ExecutionResult> {
    const data = encodeFunctionData({ abi: mandateVaultAbi, functionName: 'executeTrade', args: [intent] });
    let gas: bigint;
    try {
      gas = await sender.estimateGas({ to: vault, data });
    } catch (error) {
      const revert = decodeVaultRevert(error) ?? (await simulatedRevert(data));
      if (revert?.errorName === 'DecisionAlreadyExecuted') return alreadyExecuted(intent.decisionId);
      return { ok: false, reason: revert ? reasonOf(revert) : `SimulationFailed: ${messageOf(error)}` };
    }

    let txHash: Hex;
    try {
      txHash = await sender.send({ to: vault, data, gas });
    } catch (error) {
      return { ok: false, reason: `SendFailed: ${messageOf(error)}` };
    }
    parameters.onSent?.(intent, txHash);

    let receipt: TransactionReceipt;
    try {
      receipt = await sender.wait(txHash);
    } catch (error) {
      // Not mined in time: it may still land, so look once more before calling it failed.
      const late = await findExecuted(intent.decisionId).catch(() => undefined);
      if (late) return { ok: true, fill: late };
      const name = error instanceof TransactionNotMinedError ? 'NotMined' : 'ReceiptFailed';
      return { ok: false, reason: `${name}: ${messageOf(error)}`, txHash };
    }
    if (receipt.status !== 'success') {
      // Replayed on the state the block left (a reverted call changed nothing, and whatever made it revert,
      // say an earlier trade in the same block starting the cooldown, is in it); then on the block before.
      const revert = (await simulatedRevert(data, receipt.blockNumber)) ?? (await simulatedRevert(data, receipt.blockNumber - 1n));
      if (revert?.errorName === 'DecisionAlreadyExecuted') return alreadyExecuted(intent.decisionId);
      return { ok: false, reason: revert ? reasonOf(revert) : `Reverted: transaction ${txHash} reverted without a decodable reason`, txHash };
    }
    const fill = fillFrom(receipt, vault, intent.decisionId);
    if (!fill) return { ok: false, reason: `NoTradeExecuted: transaction ${txHash} succeeded without a TradeExecuted event for the decision`, txHash };
    return { ok: true, fill };
  }

  async function alreadyExecuted(decisionId: Hex): Promise<ExecutionResult> {
    const fill = await findExecuted(decisionId).catch(() => undefined);
    if (fill) return { ok: true, fill };
    return { ok: false, reason: `DecisionAlreadyExecuted: ${describeVaultError('DecisionAlreadyExecuted', [decisionId])} Its TradeExecuted event was not found from block ${fromBlock}.` };
  }

  /** Runs the call as an eth_call to recover a revert reason the gas estimate did not carry. */
  async function simulatedRevert(data: Hex, blockNumber?: bigint): Promise<DecodedVaultRevert | undefined> {
    try {
      await client.call({ account: sender.address, to: vault, data, ...(blockNumber === undefined ? {} : { blockNumber }) });
      return undefined;
    } catch (error) {
      return decodeVaultRevert(error);
    }
  }

  // Only trades move the vault's balances (and the owner's deposits and withdrawals, which are rare): the
  // kernel reads them before every signal, so they are kept until the next trade, or `balanceCacheMs`.
  let cachedBalances: { at: number; value: Promise<ReadonlyMap<Address, bigint>> } | undefined;
  const balanceCacheMs = parameters.balanceCacheMs ?? 1_000;

  function balances(): Promise<ReadonlyMap<Address, bigint>> {
    const now = performance.now();
    if (cachedBalances === undefined || now - cachedBalances.at > balanceCacheMs) {
      const value = readBalances();
      cachedBalances = { at: now, value };
      value.catch(() => (cachedBalances = undefined));
    }
    return cachedBalances.value;
  }

  async function readBalances(): Promise<ReadonlyMap<Address, bigint>> {
    const amounts = await Promise.all(
      tokens.map((token) => client.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [vault] })),
    );
    return new Map(tokens.map((token, index) => [token, amounts[index]!]));
  }

  return { execute, balances, findExecuted };
}

/** The Fill of a decision from the receipt of the transaction that executed it. */
function fillFrom(receipt: TransactionReceipt, vault: Address, decisionId: Hex): Fill | undefined {
  // Decision ids are lower-case hex both in the journal (decisionIdFor) and as viem decodes bytes32.
  const executed = vaultEventsOf(receipt, { vault, eventNames: ['TradeExecuted'] }).find((event) => event.args.decisionId === decisionId);
  return executed && tradeFill(receipt, executed);
}

/** "CooldownActive: The cooldown is active: ..." — the error name first, as risk-gate denials are named. */
function reasonOf(revert: DecodedVaultRevert): string {
  return `${revert.errorName}: ${describeVaultError(revert.errorName, revert.args)}`;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const short = (error as { shortMessage?: unknown }).shortMessage;
    return typeof short === 'string' ? short : error.message.split('\n')[0]!;
  }
  return String(error);
}
