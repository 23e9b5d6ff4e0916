import type { PublicClient, TransactionReceipt } from 'viem';
import type { Address, Hex } from '../../model/address.js';
import { mandateVaultAbi } from '../generated/MandateVault.js';
import { vaultEventsOf } from './vault-events.js';
import { type VaultWriteParameters, writeVault } from './write-vault.js';

export type CommitDecisionsReturnType = {
  hash: Hex;
  receipt: TransactionReceipt;
  /** The vault's batch number: verifyDecision's first argument. */
  batch: bigint;
  /** The root of the batch before (zero for the first): batches chain through it. */
  prevRoot: Hex;
};

/**
 * Commits the Merkle root of a batch of `count` non-trade decisions from the agent's wallet (build the root
 * with the journal's `buildBatch`, an OpenZeppelin StandardMerkleTree of [decisionId, decisionHash]).
 *
 * @example
 * const { root, count } = buildBatch(decisions);
 * const { batch } = await commitDecisions({ publicClient, walletClient: agent, vault }, { root, count });
 */
export async function commitDecisions(parameters: VaultWriteParameters, batch: { root: Hex; count: number }): Promise<CommitDecisionsReturnType> {
  const { hash, receipt } = await writeVault(parameters, 'commitDecisions', [batch.root, batch.count]);
  const [event] = vaultEventsOf(receipt, { vault: parameters.vault, eventNames: ['DecisionsCommitted'] });
  // The transaction succeeded, so the vault emitted exactly one DecisionsCommitted.
  return { hash, receipt, batch: event!.args.batch, prevRoot: event!.args.prevRoot };
}

export type VerifyDecisionParameters = {
  publicClient: PublicClient;
  vault: Address;
  /** The vault's batch number (from commitDecisions or the DecisionsCommitted event). */
  batch: bigint | number;
  decisionId: Hex;
  decisionHash: Hex;
  proof: readonly Hex[];
};

/**
 * Asks the vault whether (decisionId, decisionHash) is in committed batch `batch`, by its inclusion proof:
 * the check runs on-chain, so it is the vault's word, not ours.
 *
 * @example
 * const { onchainIndex, decisionHash, proof } = proofFor(journal, decisionId);
 * await verifyDecision({ publicClient, vault, batch: onchainIndex!, decisionId, decisionHash, proof }); // true
 */
export function verifyDecision(parameters: VerifyDecisionParameters): Promise<boolean> {
  return parameters.publicClient.readContract({
    address: parameters.vault,
    abi: mandateVaultAbi,
    functionName: 'verifyDecision',
    args: [BigInt(parameters.batch), parameters.decisionId, parameters.decisionHash, [...parameters.proof]],
  });
}
