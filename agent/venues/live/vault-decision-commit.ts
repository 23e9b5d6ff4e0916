import { encodeFunctionData } from 'viem';
import { mandateVaultAbi } from '../../chain/generated/index.js';
import { vaultEventsOf } from '../../chain/vault/vault-events.js';
import { toVaultError } from '../../chain/vault/vault-errors.js';
import { BatchError } from '../../journal/journal-errors.js';
import type { CommitDecisions } from '../../journal/merkle-batches.js';
import type { Address } from '../../model/address.js';
import type { TransactionSender } from './transaction-sender.js';

export type CreateVaultDecisionCommitParameters = {
  /** The agent's sender: commits share the trades' nonce counter, so the two never collide. */
  sender: TransactionSender;
  vault: Address;
};

/**
 * `vault.commitDecisions(root, count)` for the journal's batch committer, sent through the agent's
 * transaction sender (journal/vault-journal-chain.ts has the same call over a plain wallet, whose nonce
 * would race the executor's). Simulated first; a revert throws (the batch stays pending and is retried).
 *
 * @example
 * const committer = createBatchCommitter({ journal, vault, clock, policy, commit: createVaultDecisionCommit({ sender, vault }) });
 */
export function createVaultDecisionCommit(parameters: CreateVaultDecisionCommitParameters): CommitDecisions {
  const { sender, vault } = parameters;
  return async ({ root, count }) => {
    const data = encodeFunctionData({ abi: mandateVaultAbi, functionName: 'commitDecisions', args: [root, count] });
    let gas: bigint;
    try {
      gas = await sender.estimateGas({ to: vault, data });
    } catch (error) {
      throw toVaultError(error, { functionName: 'commitDecisions' });
    }
    const txHash = await sender.send({ to: vault, data, gas });
    const receipt = await sender.wait(txHash);
    if (receipt.status !== 'success') {
      throw new BatchError('commitDecisions reverted.', { details: `Transaction ${txHash} for root ${root} (${count} decisions) reverted; the batch stays pending.` });
    }
    const [event] = vaultEventsOf(receipt, { vault, eventNames: ['DecisionsCommitted'] });
    return { txHash, block: receipt.blockNumber, onchainIndex: event ? Number(event.args.batch) : undefined, prevRoot: event?.args.prevRoot };
  };
}
