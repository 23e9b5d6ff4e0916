import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createVirtualClock } from '../model/clock.js';
import type { DecisionContent, Fill } from '../model/decision.js';
import type { Hex } from '../model/address.js';
import { deniedDecision, fillFor, holdDecision, tradeDecision, vault } from '../../test/support/journal-fixtures.js';
import { openJournal, type Journal } from './open-journal.js';
import { defaultCompletionFor, notExecutedReason, reconcilePending } from './reconcile-pending.js';

let dir: string;
let journal: Journal;
/** The vault's TradeExecuted fills by decision id, and the latest block time, as the chain would report. */
let executed: Map<Hex, Fill>;
let chainSeconds: bigint;
const findExecutedTrade = async (id: Hex) => executed.get(id);
const chainTime = async () => chainSeconds;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mandate-reconcile-'));
  journal = openJournal({ path: join(dir, 'journal.sqlite'), clock: createVirtualClock(0) });
  journal.runs.start({ id: 'run-1', configDigest: '0x01', mode: 'live', chainId: 31337, vault });
  executed = new Map();
  chainSeconds = 0n;
});
afterEach(() => {
  journal.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('reconcilePending', () => {
  it('completes an executed trade with its fill, fails an expired one, and leaves one that may still land', async () => {
    const landed = tradeDecision('run-1', 0, 1000);
    const expired = tradeDecision('run-1', 1, 1000);
    const inFlight = tradeDecision('run-1', 2, 2000);
    journal.decisions.recordMany([landed, expired, inFlight]);
    executed.set(landed.id, fillFor(0));
    chainSeconds = 1301n; // past 1000 + 300 (expired's deadline), before 2000 + 300

    const result = await reconcilePending({ journal, findExecutedTrade, chainTime });
    expect(result.completed.map((c) => [c.id, c.completion.outcome])).toEqual([
      [landed.id, 'trade'],
      [expired.id, 'failed'],
    ]);
    expect(result.waiting).toEqual([{ id: inFlight.id, deadline: 2300n }]);
    expect(journal.decisions.get(landed.id)).toMatchObject({ status: 'trade', txHash: fillFor(0).txHash, fill: fillFor(0) });
    expect(journal.decisions.get(expired.id)!.reason).toMatch(new RegExp(`^${notExecutedReason}: .*deadline 1300`));

    // Later the in-flight one lands: the next pass completes it.
    executed.set(inFlight.id, fillFor(2));
    const again = await reconcilePending({ journal, findExecutedTrade, chainTime });
    expect(again).toEqual({ completed: [{ id: inFlight.id, completion: { outcome: 'trade', fill: fillFor(2) } }], amended: [], waiting: [] });
    expect(journal.decisions.pending()).toEqual([]);
  });

  it('amends a trade recorded as failed that the vault executed after all, and leaves real failures alone', async () => {
    const timedOut = tradeDecision('run-1', 0);
    const reverted = tradeDecision('run-1', 1);
    journal.decisions.recordMany([timedOut, reverted]);
    journal.decisions.complete(timedOut.id, { outcome: 'failed', reason: 'receipt timeout', txHash: fillFor(0).txHash });
    journal.decisions.complete(reverted.id, { outcome: 'failed', reason: 'CooldownActive(60)' });
    executed.set(timedOut.id, fillFor(0));

    const result = await reconcilePending({ journal, findExecutedTrade, chainTime });
    expect(result.amended).toEqual([{ id: timedOut.id, completion: { outcome: 'trade', fill: fillFor(0) } }]);
    expect(journal.decisions.get(timedOut.id)).toMatchObject({ status: 'trade', fill: fillFor(0), reason: 'amended: executed after being recorded as failed (receipt timeout)' });
    expect(journal.decisions.get(reverted.id)!.status).toBe('failed');
    // Idempotent: a second pass changes nothing.
    expect((await reconcilePending({ journal, findExecutedTrade, chainTime })).amended).toEqual([]);
    // Only a failed trade can be amended, and a trade only to its own fill.
    expect(() => journal.decisions.amendFailedToTrade(timedOut.id, fillFor(9))).toThrow(/already completed as "trade"/);
    const hold = holdDecision('run-1', 2);
    journal.decisions.record(hold);
    journal.decisions.complete(hold.id, { outcome: 'hold' });
    expect(() => journal.decisions.amendFailedToTrade(hold.id, fillFor(2))).toThrow(/already completed as "hold"/);
  });

  it('treats a deadline equal to the chain time as still executable (the vault reverts only after it)', async () => {
    const trade = tradeDecision('run-1', 0, 1000);
    journal.decisions.record(trade);
    chainSeconds = 1300n;
    expect((await reconcilePending({ journal, findExecutedTrade, chainTime })).waiting).toHaveLength(1);
  });

  it('gives never-sent decisions back the completion the kernel would have written, without asking the chain', async () => {
    const hold = holdDecision('run-1', 0);
    const denied = deniedDecision('run-1', 1);
    const superseded: DecisionContent = { ...holdDecision('run-1', 2), verdict: { allowed: false, reason: 'Superseded' } };
    const reasonerFailed: DecisionContent = { ...holdDecision('run-1', 3), verdict: { allowed: false, reason: 'ReasonerFailed' } };
    const llmRejected: DecisionContent = { ...holdDecision('run-1', 4), verdict: { allowed: false, reason: 'LlmOutputError' } };
    journal.decisions.recordMany([hold, denied, superseded, reasonerFailed, llmRejected]);
    const asked: Hex[] = [];
    const result = await reconcilePending({
      journal,
      chainTime,
      findExecutedTrade: async (id) => {
        asked.push(id);
        return undefined;
      },
    });
    expect(asked).toEqual([]);
    expect(result.completed.map((c) => c.completion.outcome)).toEqual(['hold', 'denied', 'superseded', 'failed', 'denied']);
    expect(journal.decisions.counts('run-1')).toMatchObject({ pending: 0, hold: 1, denied: 2, superseded: 1, failed: 1 });
  });

  it('derives completions from content', () => {
    expect(defaultCompletionFor(holdDecision('run-1', 0))).toEqual({ outcome: 'hold', reason: 'signal too weak' });
    expect(defaultCompletionFor(deniedDecision('run-1', 0))).toEqual({ outcome: 'denied', reason: 'TradeValueExceedsCap' });
    const gateFailed = { ...tradeDecision('run-1', 0), verdict: { allowed: false as const, reason: 'RiskGateFailed' } };
    expect(defaultCompletionFor(gateFailed)).toEqual({ outcome: 'failed', reason: 'RiskGateFailed' });
  });
});
