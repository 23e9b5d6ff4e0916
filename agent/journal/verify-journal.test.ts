import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keccak256, toBytes } from 'viem';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createVirtualClock } from '../model/clock.js';
import type { DecisionContent } from '../model/decision.js';
import type { Address, Hex } from '../model/address.js';
import { deniedDecision, fillFor, holdDecision, tradeDecision, txHashFor, vault } from '../../test/support/journal-fixtures.js';
import { prepareBatch } from './merkle-batches.js';
import { openJournal, type Journal } from './open-journal.js';
import { verifyJournal, type OnchainTrade } from './verify-journal.js';

let dir: string;
let journal: Journal;
/** What a vault's event log would hold for this journal: TradeExecuted by decision id, committed roots. */
let tradeEvents: Map<Hex, OnchainTrade>;
let committedRoots: Set<Hex>;
const lookupTrade = (id: Hex) => tradeEvents.get(id);
const isRootCommitted = (root: Hex) => committedRoots.has(root);

let trade: DecisionContent;
let hold: DecisionContent;
let denied: DecisionContent;

/** The event the vault emits for a journaled trade and its fill. */
function eventFor(content: DecisionContent, seq: number): OnchainTrade {
  const intent = content.intent!;
  return { ...intent, amountOut: fillFor(seq).amountOut, txHash: fillFor(seq).txHash };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mandate-verify-'));
  journal = openJournal({ path: join(dir, 'journal.sqlite'), clock: createVirtualClock(1_700_000_000_000) });
  journal.runs.start({ id: 'run-1', configDigest: '0x01', mode: 'live', chainId: 31337, vault });
  trade = tradeDecision('run-1', 0);
  hold = holdDecision('run-1', 1);
  denied = deniedDecision('run-1', 2);
  journal.decisions.recordMany([trade, hold, denied]);
  journal.decisions.complete(trade.id, { outcome: 'trade', fill: fillFor(0) });
  journal.decisions.complete(hold.id, { outcome: 'hold' });
  journal.decisions.complete(denied.id, { outcome: 'denied' });
  const batch = prepareBatch(journal, { vault })!;
  journal.batches.markCommitted(batch.id, { txHash: txHashFor('commit'), block: 10n, onchainIndex: 1 });
  tradeEvents = new Map([[trade.id, eventFor(trade, 0)]]);
  committedRoots = new Set([batch.root]);
});
afterEach(() => {
  journal.close();
  rmSync(dir, { recursive: true, force: true });
});

const resultOf = async (id: Hex) => (await verifyJournal({ journal, lookupTrade, isRootCommitted })).details.find((d) => d.id === id)!;

describe('verifyJournal', () => {
  it('verifies a consistent journal: trades by their event, the rest by proof and committed root', async () => {
    const report = await verifyJournal({ journal, lookupTrade, isRootCommitted });
    expect(report).toMatchObject({ decisions: 3, verified: 3, mismatched: 0, uncommitted: 0, unchecked: 0 });
    expect(report.byStatus.trade.verified).toBe(1);
    expect(report.details.find((d) => d.id === trade.id)!.checks).toEqual(['hash', 'trade-event']);
    expect(report.details.find((d) => d.id === hold.id)!.checks).toEqual(['hash', 'no-trade-event', 'merkle-proof', 'onchain-root']);
  });

  it('flags a decision whose stored JSON was edited', async () => {
    const row = journal.decisions.get(hold.id)!;
    journal.db.prepare('UPDATE decisions SET canonical_json = ? WHERE id = ?').run(row.canonicalJson.replace('"seq":1', '"seq":1,"x":1'), hold.id);
    const detail = await resultOf(hold.id);
    expect(detail.result).toBe('mismatched');
    expect(detail.problems[0]).toMatch(/Hash mismatch/);
  });

  it('flags an edit that also rewrote the hash, through the Merkle root', async () => {
    const row = journal.decisions.get(denied.id)!;
    const forged = row.canonicalJson.replace('TradeValueExceedsCap', 'CooldownActive');
    journal.db.prepare('UPDATE decisions SET canonical_json = ?, hash = ? WHERE id = ?').run(forged, keccak256(toBytes(forged)), denied.id);
    const detail = await resultOf(denied.id);
    expect(detail).toMatchObject({ result: 'mismatched', problems: [expect.stringMatching(/not proven by batch/)] });
  });

  it('flags an edited trade amount through the TradeExecuted event even with a consistent hash', async () => {
    const row = journal.decisions.get(trade.id)!;
    const forged = row.canonicalJson.replaceAll('"amountIn":"1000000000"', '"amountIn":"900000000"');
    journal.db.prepare('UPDATE decisions SET canonical_json = ?, hash = ? WHERE id = ?').run(forged, keccak256(toBytes(forged)), trade.id);
    const detail = await resultOf(trade.id);
    expect(detail.result).toBe('mismatched');
    expect(detail.problems).toContain('amountIn: journal 900000000, chain 1000000000.');
  });

  it('verifies a trade journaled with lower-case addresses (as older journals hold) against the normalised event', async () => {
    const old = tradeDecision('run-1', 3);
    const lower = { ...old, intent: { ...old.intent!, tokenIn: old.intent!.tokenIn.toLowerCase() as Address, tokenOut: old.intent!.tokenOut.toLowerCase() as Address } };
    journal.decisions.record(lower);
    journal.decisions.complete(lower.id, { outcome: 'trade', fill: fillFor(3) });
    tradeEvents.set(lower.id, eventFor(old, 3));
    expect(journal.decisions.get(lower.id)!.canonicalJson).toContain(`"tokenIn":"${old.intent!.tokenIn.toLowerCase()}"`);
    expect(await resultOf(lower.id)).toMatchObject({ result: 'verified', problems: [] });
    tradeEvents.set(lower.id, { ...eventFor(old, 3), tokenOut: old.intent!.tokenIn });
    expect((await resultOf(lower.id)).problems).toEqual([expect.stringMatching(/^tokenOut: journal 0x[0-9a-f]{40}, chain /)]);
  });

  it('flags a fill that disagrees with the chain, a trade the vault never executed, and a hold it did execute', async () => {
    tradeEvents.set(trade.id, { ...eventFor(trade, 0), amountOut: 1n });
    expect((await resultOf(trade.id)).problems).toEqual([expect.stringMatching(/^fill amountOut: journal 495000000000000000, chain 1\./)]);
    tradeEvents.delete(trade.id);
    expect((await resultOf(trade.id)).problems).toEqual([expect.stringMatching(/no TradeExecuted/)]);
    tradeEvents.set(hold.id, eventFor(trade, 0));
    expect((await resultOf(hold.id)).problems).toEqual([expect.stringMatching(/says "hold" but the vault executed/)]);
  });

  it('flags a batch root the vault does not have', async () => {
    committedRoots.clear();
    const report = await verifyJournal({ journal, lookupTrade, isRootCommitted });
    expect(report).toMatchObject({ verified: 1, mismatched: 2 });
  });

  it('reports unreadable JSON and a column that disagrees with the hashed JSON as mismatches, without stopping', async () => {
    journal.db.prepare('UPDATE decisions SET canonical_json = ? WHERE id = ?').run('{not json', hold.id);
    journal.db.prepare('UPDATE decisions SET strategy_id = ? WHERE id = ?').run('mean-reversion', denied.id);
    const report = await verifyJournal({ journal, lookupTrade, isRootCommitted });
    expect(report).toMatchObject({ decisions: 3, verified: 1, mismatched: 2 });
    expect(report.details.find((d) => d.id === hold.id)!.problems).toContainEqual(expect.stringMatching(/cannot be read back/));
    expect(report.details.find((d) => d.id === denied.id)!.problems).toEqual(['Column strategyId is mean-reversion but the hashed JSON says trend.']);
  });

  it('counts pending, unbatched and not-yet-committed decisions as uncommitted', async () => {
    const pending = holdDecision('run-1', 3);
    const unbatched = holdDecision('run-1', 4);
    const inPendingBatch = holdDecision('run-1', 5);
    journal.decisions.recordMany([pending, inPendingBatch]);
    journal.decisions.complete(inPendingBatch.id, { outcome: 'hold' });
    prepareBatch(journal, { vault });
    journal.decisions.record(unbatched);
    journal.decisions.complete(unbatched.id, { outcome: 'hold' });
    const report = await verifyJournal({ journal, lookupTrade, isRootCommitted });
    expect(report).toMatchObject({ decisions: 6, verified: 3, uncommitted: 3 });
    const problems = Object.fromEntries(report.details.map((d) => [d.id, d.problems[0]]));
    expect(problems[pending.id]).toMatch(/Never completed/);
    expect(problems[unbatched.id]).toMatch(/Not in a Merkle batch/);
    expect(problems[inPendingBatch.id]).toMatch(/not committed on-chain yet/);
  });

  it('without chain lookups, checks hashes and proofs locally and says the rest is unchecked', async () => {
    const report = await verifyJournal({ journal });
    expect(report).toMatchObject({ decisions: 3, verified: 0, unchecked: 3, mismatched: 0 });
    expect(report.details.find((d) => d.id === hold.id)!.checks).toEqual(['hash', 'merkle-proof']);
  });

  it('reads a journal larger than one page completely', async () => {
    const more = Array.from({ length: 1_100 }, (_, i) => holdDecision('run-1', 3 + i));
    journal.transaction(() => {
      journal.decisions.recordMany(more);
      for (const content of more) journal.decisions.complete(content.id, { outcome: 'hold' });
    });
    committedRoots.add(prepareBatch(journal, { vault })!.root);
    journal.batches.markCommitted(journal.batches.pending(vault)[0]!.id, { txHash: txHashFor('commit-2'), block: 11n });
    const report = await verifyJournal({ journal, lookupTrade, isRootCommitted });
    expect(report).toMatchObject({ decisions: 1_103, verified: 1_103 });
    expect(new Set(report.details.map((d) => d.id)).size).toBe(1_103);
  });

  it('restricts to one run', async () => {
    journal.runs.start({ id: 'run-2', configDigest: '0x02', mode: 'backtest' });
    journal.decisions.record(holdDecision('run-2', 0));
    expect((await verifyJournal({ journal, runId: 'run-2' })).decisions).toBe(1);
  });
});
