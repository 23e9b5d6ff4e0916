import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { concat, encodeAbiParameters, keccak256 } from 'viem';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createVirtualClock, type VirtualClock } from '../model/clock.js';
import type { Hex } from '../model/address.js';
import { zeroRoot } from './batch-store.js';
import { BatchError } from './journal-errors.js';
import { deniedDecision, holdDecision, tradeDecision, fillFor, vault } from '../../test/support/journal-fixtures.js';
import {
  buildBatch,
  decisionLeafEncoding,
  decisionLeafHash,
  isBatchDue,
  prepareBatch,
  proofFor,
  proofFromDump,
  provenByTree,
  verifyDecisionProof,
} from './merkle-batches.js';
import { openJournal, type Journal } from './open-journal.js';

let dir: string;
let clock: VirtualClock;
let journal: Journal;
let nextSeq = 0;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mandate-batches-'));
  clock = createVirtualClock(1_700_000_000_000);
  journal = openJournal({ path: join(dir, 'journal.sqlite'), clock });
  journal.runs.start({ id: 'run-1', configDigest: '0xabc', mode: 'live', chainId: 31337, vault });
  nextSeq = 0;
});
afterEach(() => {
  journal.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Records and completes `n` holds, advancing the clock one second each. */
function holds(n: number): Hex[] {
  return Array.from({ length: n }, () => {
    const content = holdDecision('run-1', nextSeq++);
    journal.decisions.record(content);
    clock.advanceTo(clock.now() + 1000);
    journal.decisions.complete(content.id, { outcome: 'hold' });
    return content.id;
  });
}

describe('buildBatch and proofs', () => {
  const entries = Array.from({ length: 5 }, (_, i) => ({ id: keccak256(`0x0${i}`), hash: keccak256(`0x1${i}`) }));

  it('gives the same root whatever the order of the decisions', () => {
    expect(buildBatch([...entries].reverse()).root).toBe(buildBatch(entries).root);
    expect(buildBatch(entries).count).toBe(5);
  });

  it('uses the vault’s leaf: keccak256(bytes.concat(keccak256(abi.encode(id, hash)))), computed by hand', () => {
    const [{ id, hash }] = entries as [(typeof entries)[0]];
    const encoded = concat([id, hash]); // abi.encode of two bytes32 is their concatenation
    expect(encodeAbiParameters([{ type: 'bytes32' }, { type: 'bytes32' }], [id, hash])).toBe(encoded);
    const byHand = keccak256(keccak256(encoded));
    expect(decisionLeafHash(id, hash)).toBe(byHand);
    const tree = StandardMerkleTree.load(buildBatch(entries).tree);
    expect(tree.leafHash([id, hash])).toBe(byHand);
  });

  it.each([1, 2, 3, 7, 16, 33])('builds exactly the tree, dump and proofs of StandardMerkleTree.of for %i decisions', (size) => {
    const decisions = Array.from({ length: size }, (_, i) => ({ id: keccak256(`0x2${i.toString(16).padStart(3, '0')}`), hash: keccak256(`0x3${i}`) }));
    const built = buildBatch(decisions);
    const library = StandardMerkleTree.of<[Hex, Hex]>(decisions.map((d) => [d.id, d.hash]), decisionLeafEncoding);
    expect(built.tree).toEqual(library.dump());
    expect(built.root).toBe(library.root);
    const loaded = StandardMerkleTree.load(built.tree);
    for (const d of decisions) expect(proofFromDump(built.tree, d.id)!.proof).toEqual(loaded.getProof([d.id, d.hash]));
    expect(proofFromDump(built.tree, keccak256('0xff'))).toBeUndefined();
  });

  it('a one-decision batch has the leaf as its root and an empty proof', () => {
    const [{ id, hash }] = entries as [(typeof entries)[0]];
    expect(buildBatch([{ id, hash }]).root).toBe(decisionLeafHash(id, hash));
  });

  it('refuses an empty batch', () => {
    expect(() => buildBatch([])).toThrow(BatchError);
  });

  it('proves every stored decision with StandardMerkleTree.verify and a sorted-pair walk, and rejects a wrong hash', () => {
    const ids = holds(7);
    const batch = prepareBatch(journal, { vault })!;
    for (const id of ids) {
      const proof = proofFor(journal, id);
      expect(proof).toMatchObject({ batchId: batch.id, root: batch.root, batchStatus: 'pending' });
      expect(StandardMerkleTree.verify(batch.root, decisionLeafEncoding, [id, proof.decisionHash], proof.proof)).toBe(true);
      // The walk the vault's DecisionMerkle.processProof does.
      const walked = proof.proof.reduce<Hex>(
        (node, sibling) => keccak256(node < sibling ? concat([node, sibling]) : concat([sibling, node])),
        decisionLeafHash(id, proof.decisionHash),
      );
      expect(walked).toBe(batch.root);
      expect(verifyDecisionProof({ root: batch.root, decisionId: id, decisionHash: keccak256('0xdead'), proof: proof.proof })).toBe(false);
    }
  });

  it('explains why a trade or an unbatched decision has no proof', () => {
    const trade = tradeDecision('run-1', nextSeq++);
    journal.decisions.record(trade);
    journal.decisions.complete(trade.id, { outcome: 'trade', fill: fillFor(0) });
    expect(() => proofFor(journal, trade.id)).toThrow(/TradeExecuted/);
    const [hold] = holds(1);
    expect(() => proofFor(journal, hold!)).toThrow(/in no batch yet/);
  });
});

describe('prepareBatch', () => {
  it('stores a pending batch and assigns only completed non-trades of that vault, chaining prevRoot', () => {
    const trade = tradeDecision('run-1', nextSeq++);
    journal.decisions.record(trade);
    journal.decisions.complete(trade.id, { outcome: 'trade', fill: fillFor(0) });
    const stillPending = holdDecision('run-1', nextSeq++);
    journal.decisions.record(stillPending);
    const denied = deniedDecision('run-1', nextSeq++);
    journal.decisions.record(denied);
    journal.decisions.complete(denied.id, { outcome: 'denied' });
    const held = holds(2);

    const first = prepareBatch(journal, { vault })!;
    expect(first).toMatchObject({ count: 3, status: 'pending', prevRoot: zeroRoot, vault });
    expect(journal.decisions.list({ status: ['denied', 'hold'] }).map((d) => d.batchId)).toEqual([first.id, first.id, first.id]);
    expect(journal.decisions.get(trade.id)!.batchId).toBeUndefined();
    expect(journal.decisions.get(stillPending.id)!.batchId).toBeUndefined();
    expect(held).toHaveLength(2);

    expect(prepareBatch(journal, { vault })).toBeUndefined();
    expect(journal.decisions.uncommitted({ vault })).toHaveLength(3);
    journal.batches.markCommitted(first.id, { txHash: fillFor(1).txHash, block: 5n });
    expect(journal.decisions.uncommitted({ vault })).toEqual([]);
    holds(1);
    expect(journal.decisions.uncommitted({ vault })).toHaveLength(1);
    expect(prepareBatch(journal, { vault })).toMatchObject({ count: 1, prevRoot: first.root });
  });

  it('honours maxDecisions, oldest first', () => {
    const ids = holds(5);
    const batch = prepareBatch(journal, { vault, maxDecisions: 3 })!;
    expect(batch.count).toBe(3);
    expect(ids.map((id) => journal.decisions.get(id)!.batchId)).toEqual([batch.id, batch.id, batch.id, undefined, undefined]);
  });

  it('stores nothing when one decision cannot join (atomic)', () => {
    const ids = holds(2);
    const [first] = ids as [Hex];
    const built = buildBatch(ids.map((id) => journal.decisions.get(id)!));
    journal.batches.insertPending({ vault, root: built.root, prevRoot: zeroRoot, tree: built.tree, decisionIds: [first] });
    expect(() =>
      journal.batches.insertPending({ vault, root: built.root, prevRoot: zeroRoot, tree: built.tree, decisionIds: [ids[1]!, first] }),
    ).toThrow(BatchError);
    expect(journal.batches.list()).toHaveLength(1);
    expect(journal.decisions.get(ids[1]!)!.batchId).toBeUndefined();
  });
});

describe('batch policy', () => {
  const policy = { maxDecisions: 3, maxAgeSeconds: 60 };
  it('is due by count or by the age of the oldest waiting decision', () => {
    expect(isBatchDue({ count: 0, oldestCompletedAt: undefined }, policy, 10_000_000)).toBe(false);
    expect(isBatchDue({ count: 3, oldestCompletedAt: 1000 }, policy, 1000)).toBe(true);
    expect(isBatchDue({ count: 1, oldestCompletedAt: 1000 }, policy, 60_999)).toBe(false);
    expect(isBatchDue({ count: 1, oldestCompletedAt: 1000 }, policy, 61_000)).toBe(true);
  });
});

describe('provenByTree', () => {
  const leaves = Array.from({ length: 37 }, (_, i) => ({ id: keccak256(`0x${(i + 1).toString(16).padStart(4, '0')}`), hash: keccak256(`0x${(i + 100).toString(16).padStart(4, '0')}`) }));
  const byProof = (dump: ReturnType<typeof buildBatch>['tree'], root: Hex, id: Hex, hash: Hex) => {
    const found = proofFromDump(dump, id);
    return found !== undefined && verifyDecisionProof({ root, decisionId: id, decisionHash: hash, proof: found.proof });
  };

  it('answers as each leaf\'s own proof does, for an intact tree, a wrong hash, a wrong root and an edited node', () => {
    const { tree, root } = buildBatch(leaves);
    for (const leaf of leaves) expect(provenByTree(tree, root, leaf.id, leaf.hash)).toBe(true);
    // Again, now from what was remembered, and with a leaf hash that was edited.
    for (const leaf of leaves) expect(provenByTree(tree, root, leaf.id, leaf.hash)).toBe(true);
    expect(provenByTree(tree, root, leaves[5]!.id, leaves[6]!.hash)).toBe(false);
    expect(provenByTree(tree, leaves[0]!.hash, leaves[0]!.id, leaves[0]!.hash)).toBe(false);
    expect(provenByTree(tree, root, keccak256('0xdead'), leaves[0]!.hash)).toBe(false);

    // An edited inner node breaks exactly the leaves whose proofs use it as a sibling.
    for (const edited of [1, 2, 5, 20, tree.tree.length - 1]) {
      const dump = { ...tree, tree: tree.tree.map((node, index) => (index === edited ? keccak256(node as Hex) : node)) };
      const expected = leaves.map((leaf) => byProof(dump, root, leaf.id, leaf.hash));
      expect(expected).toContain(false);
      expect(leaves.map((leaf) => provenByTree(dump, root, leaf.id, leaf.hash))).toEqual(expected);
    }
  });

  it('proves a one-leaf batch by its root', () => {
    const { tree, root } = buildBatch(leaves.slice(0, 1));
    expect(provenByTree(tree, root, leaves[0]!.id, leaves[0]!.hash)).toBe(true);
    expect(provenByTree(tree, root, leaves[0]!.id, leaves[1]!.hash)).toBe(false);
  });
});
