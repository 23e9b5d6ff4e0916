/**
 * The journal's Merkle batches against the real MandateVault on anvil: roots go through commitDecisions,
 * every stored proof passes the vault's verifyDecision, and verifyJournal checks roots against the chain.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createPublicClient,
  createWalletClient,
  http,
  keccak256,
  zeroAddress,
  type Abi,
  type Chain,
  type PublicClient,
  type WalletClient,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilInstance } from '../chain/anvil.js';
import { mandateVaultAbi, mandateVaultBytecode } from '../chain/generated/MandateVault.js';
import { devAccounts } from '../chain/dev-accounts.js';
import { getVaultEvents, vaultEventsOf } from '../chain/vault/vault-events.js';
import { createVirtualClock } from '../model/clock.js';
import { toAddress, type Address, type Hex } from '../model/address.js';
import { holdDecision, deniedDecision } from '../../test/support/journal-fixtures.js';
import { createBatchCommitter, prepareBatch, proofFor, type CommitDecisions, type FindCommittedRoot } from './merkle-batches.js';
import { openJournal, type Journal } from './open-journal.js';
import { zeroRoot } from './batch-store.js';
import { verifyJournal } from './verify-journal.js';

// Typed ABI and bytecode generated from contracts/src by `npm run contracts:build` (runs on install).
const artifact = { abi: mandateVaultAbi as Abi, bytecode: { object: mandateVaultBytecode } };
const abi = artifact.abi;

let anvil: AnvilInstance;
let publicClient: PublicClient;
let agentWallet: WalletClient;
let vault: Address;
let dir: string;
let journal: Journal;
const clock = createVirtualClock(1_700_000_000_000);
const accounts = devAccounts();

beforeAll(async () => {
  anvil = await startAnvil();
  const chain = { id: anvil.chainId, name: 'anvil', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [anvil.rpcUrl] } } } as const satisfies Chain;
  publicClient = createPublicClient({ chain, transport: http(anvil.rpcUrl) });
  const deployer = createWalletClient({ chain, transport: http(anvil.rpcUrl), account: privateKeyToAccount(accounts.deployer.privateKey) });
  agentWallet = createWalletClient({ chain, transport: http(anvil.rpcUrl), account: privateKeyToAccount(accounts.agent.privateKey) });
  const hash = await deployer.deployContract({
    abi,
    bytecode: artifact.bytecode.object,
    args: [
      {
        // No trade happens here, so the router only has to be non-zero.
        router: accounts.market.address,
        owner: accounts.owner.address,
        guardian: accounts.guardian.address,
        agent: accounts.agent.address,
        timelockDelay: 3600n,
        policy: { perTradeCapUsd: 10n ** 21n, allowanceCapUsd: 10n ** 22n, refillAmountUsd: 10n ** 21n, refillInterval: 3600, maxSlippageBps: 50, cooldown: 60 },
        tokens: [],
        pools: [],
        sequencerUptimeFeed: zeroAddress,
        sequencerGracePeriod: 0,
      },
    ],
  });
  vault = toAddress((await publicClient.waitForTransactionReceipt({ hash })).contractAddress!);
  dir = mkdtempSync(join(tmpdir(), 'mandate-vault-commit-'));
  journal = openJournal({ path: join(dir, 'journal.sqlite'), clock });
  journal.runs.start({ id: 'run-1', configDigest: '0x01', mode: 'live', chainId: anvil.chainId, vault });
});

afterAll(async () => {
  journal?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await anvil?.stop();
});

/** The real chain call the live agent injects: send, wait, read the DecisionsCommitted event. */
const commitOnChain: CommitDecisions = async ({ root, count }) => {
  const txHash = await agentWallet.writeContract({ address: vault, abi, functionName: 'commitDecisions', args: [root, count], account: agentWallet.account!, chain: agentWallet.chain });
  const receipt = await publicClient.waitForTransactionReceipt({ hash: txHash });
  const [event] = vaultEventsOf(receipt, { vault, eventNames: ['DecisionsCommitted'] });
  return { txHash, block: receipt.blockNumber, onchainIndex: Number(event!.args.batch), prevRoot: event!.args.prevRoot };
};

async function committedRoots(): Promise<Map<Hex, { txHash: Hex; block: bigint; onchainIndex: number }>> {
  const events = await getVaultEvents({ client: publicClient, vault, eventNames: ['DecisionsCommitted'], fromBlock: 0n });
  return new Map(events.map((event) => [event.args.root, { txHash: event.transactionHash, block: event.blockNumber, onchainIndex: Number(event.args.batch) }]));
}
const findCommitted: FindCommittedRoot = async (root) => (await committedRoots()).get(root);

let seq = 0;
function completeHolds(n: number): Hex[] {
  return Array.from({ length: n }, () => {
    const content = seq % 3 === 2 ? deniedDecision('run-1', seq) : holdDecision('run-1', seq);
    seq += 1;
    journal.decisions.record(content);
    journal.decisions.complete(content.id, { outcome: content.verdict.allowed ? 'hold' : 'denied' });
    return content.id;
  });
}

describe('Merkle batches on the real vault', () => {
  const policy = { maxDecisions: 3, maxAgeSeconds: 60 };

  it('commits when the count is reached, and by age on the clock otherwise', async () => {
    const committer = createBatchCommitter({ journal, vault, clock, commit: commitOnChain, findCommitted, policy });
    completeHolds(2);
    expect(await committer.tick()).toEqual([]);
    completeHolds(1);
    const [first] = await committer.tick();
    expect(first).toMatchObject({ count: 3, status: 'committed', onchainIndex: 1, prevRoot: zeroRoot });

    completeHolds(1);
    clock.advanceTo(clock.now() + 59_000);
    expect(await committer.tick()).toEqual([]);
    clock.advanceTo(clock.now() + 1_000);
    const [second] = await committer.tick();
    expect(second).toMatchObject({ count: 1, onchainIndex: 2, prevRoot: first!.root });
    expect(await publicClient.readContract({ address: vault, abi, functionName: 'batchRoot', args: [2n] })).toBe(second!.root);
  });

  it('concurrent flushes never send the same decisions twice', async () => {
    const committer = createBatchCommitter({ journal, vault, clock, commit: commitOnChain, findCommitted, policy });
    completeHolds(2);
    const before = await publicClient.readContract({ address: vault, abi, functionName: 'batchCount' });
    const [a, b] = await Promise.all([committer.flush(), committer.flush()]);
    expect(a).toHaveLength(1);
    expect(b).toEqual([]);
    expect(await publicClient.readContract({ address: vault, abi, functionName: 'batchCount' })).toBe((before as bigint) + 1n);
  });

  it('leaves a batch pending when the send fails, and sends that same root first on the next tick', async () => {
    let rpcDown = true;
    const flaky: CommitDecisions = async (batch) => {
      if (rpcDown) throw new Error('RPC down');
      return commitOnChain(batch);
    };
    const committer = createBatchCommitter({ journal, vault, clock, commit: flaky, findCommitted, policy });
    completeHolds(3);
    await expect(committer.tick()).rejects.toThrow('RPC down');
    const [stuck] = journal.batches.pending(vault);
    expect(stuck).toMatchObject({ status: 'pending', count: 3 });

    rpcDown = false;
    completeHolds(1);
    const sent = await committer.tick();
    expect(sent.map((batch) => batch.id)).toEqual([stuck!.id]);
    expect(sent[0]!.status).toBe('committed');
    expect((await committedRoots()).has(stuck!.root)).toBe(true);
    await committer.flush();
  });

  it('every stored proof passes the vault’s verifyDecision, and a forged hash does not', async () => {
    const ids = journal.decisions.list().map((decision) => decision.id);
    expect(ids.length).toBe(10);
    for (const id of ids) {
      const proof = proofFor(journal, id);
      const args = [BigInt(proof.onchainIndex!), id, proof.decisionHash, proof.proof] as const;
      expect(await publicClient.readContract({ address: vault, abi, functionName: 'verifyDecision', args })).toBe(true);
      const forged = [args[0], id, keccak256(proof.decisionHash), proof.proof] as const;
      expect(await publicClient.readContract({ address: vault, abi, functionName: 'verifyDecision', args: forged })).toBe(false);
    }
  });

  it('after a crash between sending a root and recording it, the restart finds it and does not send it twice', async () => {
    completeHolds(2);
    const leftover = prepareBatch(journal, { vault })!;
    await commitOnChain({ root: leftover.root, count: leftover.count, prevRoot: leftover.prevRoot }); // ...then the process died
    const before = await publicClient.readContract({ address: vault, abi, functionName: 'batchCount' });

    const restarted = createBatchCommitter({ journal, vault, clock, commit: commitOnChain, findCommitted, policy });
    const [recovered] = await restarted.tick();
    expect(recovered).toMatchObject({ id: leftover.id, status: 'committed', onchainIndex: Number(before) });
    expect(await publicClient.readContract({ address: vault, abi, functionName: 'batchCount' })).toBe(before);
  });

  it('verifyJournal checks every decision against the vault, and catches an edited row', async () => {
    const roots = await committedRoots();
    const isRootCommitted = (root: Hex) => roots.has(root);
    const lookupTrade = () => undefined; // this vault never traded: no decision may have a TradeExecuted
    const clean = await verifyJournal({ journal, isRootCommitted, lookupTrade });
    expect(clean).toMatchObject({ decisions: seq, verified: seq, mismatched: 0, uncommitted: 0, unchecked: 0 });

    const victim = journal.decisions.list({ limit: 1, offset: 3 })[0]!;
    journal.db.prepare('UPDATE decisions SET canonical_json = ? WHERE id = ?').run(victim.canonicalJson.replace('signal too weak', 'signal strong'), victim.id);
    const tampered = await verifyJournal({ journal, isRootCommitted, lookupTrade });
    expect(tampered).toMatchObject({ decisions: seq, verified: seq - 1, mismatched: 1 });
    expect(tampered.details.find((detail) => detail.result === 'mismatched')).toMatchObject({ id: victim.id, problems: [expect.stringMatching(/Hash mismatch/)] });
  });
});
