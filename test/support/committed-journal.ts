import { createPublicClient, createWalletClient, defineChain, http, type PublicClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { DevnetManifest } from '../../agent/devnet/devnet-manifest.js';
import { prepareBatch } from '../../agent/journal/merkle-batches.js';
import { openJournal } from '../../agent/journal/open-journal.js';
import { createVaultCommit } from '../../agent/journal/vault-journal-chain.js';
import { systemClock } from '../../agent/model/clock.js';
import { holdDecision } from './journal-fixtures.js';

export type JournalCommittedHoldsParameters = {
  journalPath: string;
  /** A devnet with its vault: the roots are committed there by its agent account. */
  manifest: DevnetManifest;
  count: number;
  /** Decisions per Merkle batch (one commitDecisions transaction each). */
  batchSize: number;
  runId?: string | undefined;
};

/**
 * A journal of `count` hold decisions of one live run against the devnet's vault, every one in a Merkle
 * batch whose root the agent committed on-chain: what the console must list and verify at scale, made in
 * seconds instead of a week of trading.
 *
 * @example
 * await journalCommittedHolds({ journalPath, manifest, count: 5_000, batchSize: 1_000 });
 */
export async function journalCommittedHolds(parameters: JournalCommittedHoldsParameters): Promise<{ runId: string; batches: number }> {
  const { manifest, count, batchSize } = parameters;
  const vault = manifest.contracts.MandateVault!;
  const runId = parameters.runId ?? `live-many-${count}`;
  const journal = openJournal({ path: parameters.journalPath, clock: systemClock, durability: 'normal' });
  const chain = defineChain({ id: manifest.chainId, name: 'devnet', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [manifest.rpcUrl] } } });
  const client = createPublicClient({ chain, transport: http(manifest.rpcUrl), pollingInterval: 50 }) as PublicClient;
  const wallet = createWalletClient({ chain, account: privateKeyToAccount(manifest.accounts.agent.privateKey), transport: http(manifest.rpcUrl) });
  const commit = createVaultCommit({ client, wallet, vault });
  try {
    journal.runs.start({ id: runId, configDigest: '0x00', mode: 'live', chainId: manifest.chainId, vault });
    for (let start = 0; start < count; start += 10_000) {
      const contents = Array.from({ length: Math.min(10_000, count - start) }, (_, i) => holdDecision(runId, start + i));
      journal.transaction(() => {
        journal.decisions.recordMany(contents);
        for (const content of contents) journal.decisions.complete(content.id, { outcome: 'hold', reason: 'signal too weak' });
      });
    }
    let batches = 0;
    for (;;) {
      const batch = prepareBatch(journal, { vault, maxDecisions: batchSize });
      if (!batch) break;
      journal.batches.markCommitted(batch.id, await commit({ root: batch.root, count: batch.count, prevRoot: batch.prevRoot }));
      batches += 1;
    }
    journal.runs.end(runId, 'completed');
    return { runId, batches };
  } finally {
    journal.close();
  }
}
