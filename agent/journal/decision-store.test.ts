import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createVirtualClock, type VirtualClock } from '../model/clock.js';
import type { DecisionContent } from '../model/decision.js';
import { CanonicalJsonError } from '../model/canonical-json.js';
import { decisionHash, decisionIdFor } from '../model/decision-hash.js';
import {
  DecisionAlreadyCompletedError,
  DecisionConflictError,
  DecisionIdMismatchError,
  RunExistsError,
  TradeWithoutIntentError,
  UnknownDecisionError,
  UnknownRunError,
} from './journal-errors.js';
import { deniedDecision, fillFor, holdDecision, tradeDecision, vault } from '../../test/support/journal-fixtures.js';
import { openJournal, type Journal } from './open-journal.js';

let dir: string;
let clock: VirtualClock;
let journal: Journal;
const path = () => join(dir, 'journal.sqlite');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mandate-decisions-'));
  clock = createVirtualClock(1_700_000_000_000);
  journal = openJournal({ path: path(), clock });
  journal.runs.start({ id: 'run-1', configDigest: '0xabc', mode: 'live', chainId: 31337, vault });
});
afterEach(() => {
  journal.close();
  rmSync(dir, { recursive: true, force: true });
});

const rowCount = () => (journal.db.prepare('SELECT COUNT(*) AS n FROM decisions').get() as { n: number }).n;

describe('record → complete', () => {
  it('stores the canonical JSON and its hash, pending, then completes a trade with its fill', () => {
    const content = tradeDecision('run-1', 0);
    const hash = journal.decisions.record(content);
    expect(hash).toBe(decisionHash(content));

    const pending = journal.decisions.get(content.id)!;
    expect(pending.status).toBe('pending');
    expect(pending.createdAt).toBe(1_700_000_000_000);
    expect(pending.content).toEqual(content);
    expect(journal.decisions.pending('run-1').map((d) => d.id)).toEqual([content.id]);

    clock.advanceTo(1_700_000_012_000);
    journal.decisions.complete(content.id, { outcome: 'trade', fill: fillFor(0) });
    const done = journal.decisions.get(content.id)!;
    expect(done).toMatchObject({ status: 'trade', txHash: fillFor(0).txHash, completedAt: 1_700_000_012_000 });
    expect(done.fill).toEqual(fillFor(0));
    expect(journal.decisions.pending()).toEqual([]);
  });

  it('keeps the denial reason and the model metadata in their own columns', () => {
    const content = deniedDecision('run-1', 0);
    journal.decisions.record(content);
    journal.decisions.complete(content.id, { outcome: 'denied' });
    const row = journal.db.prepare('SELECT reason, model, prompt_tokens, latency_ms, reasoning_hash FROM decisions').get();
    expect(row).toEqual({ reason: 'TradeValueExceedsCap', model: 'rules', prompt_tokens: 120, latency_ms: 0.4, reasoning_hash: content.reasoningHash });
    // Verdict args were bigint; they come back as decimal strings and hash the same.
    const stored = journal.decisions.get(content.id)!;
    expect(stored.content.verdict).toEqual({ allowed: false, reason: 'TradeValueExceedsCap', args: ['5000000000000000000000', '1000000000000000000000'] });
    expect(decisionHash(stored.content)).toBe(stored.hash);
  });

  it('keeps a fractional event time and a fractional clock exactly as the hash covers them', () => {
    clock.advanceTo(1_700_000_000_000.75);
    const content = { ...holdDecision('run-1', 0), time: 1_700_000_000.25 };
    journal.decisions.record(content);
    const stored = journal.decisions.get(content.id)!;
    expect(stored).toMatchObject({ time: 1_700_000_000.25, createdAt: 1_700_000_000_000 });
    expect(decisionHash(stored.content)).toBe(decisionHash(content));
  });

  it('survives closing and re-opening the file', () => {
    const content = holdDecision('run-1', 0);
    journal.decisions.record(content);
    journal.decisions.complete(content.id, { outcome: 'hold', reason: 'signal too weak' });
    journal.close();
    journal = openJournal({ path: path(), clock });
    expect(journal.decisions.get(content.id)).toMatchObject({ status: 'hold', reason: 'signal too weak', content });
  });

  it('accepts re-recording the identical decision (a restart) but refuses different content under the same id', () => {
    const content = holdDecision('run-1', 0);
    const hash = journal.decisions.record(content);
    expect(journal.decisions.record({ ...content })).toBe(hash);
    expect(() => journal.decisions.record({ ...content, time: content.time + 1 })).toThrow(DecisionConflictError);
    expect(rowCount()).toBe(1);
  });

  it('accepts a repeated identical completion and refuses a different one', () => {
    const content = tradeDecision('run-1', 0);
    journal.decisions.record(content);
    journal.decisions.complete(content.id, { outcome: 'trade', fill: fillFor(0) });
    journal.decisions.complete(content.id, { outcome: 'trade', fill: fillFor(0) });
    expect(() => journal.decisions.complete(content.id, { outcome: 'failed', reason: 'reverted' })).toThrow(
      DecisionAlreadyCompletedError,
    );
    expect(journal.decisions.get(content.id)!.status).toBe('trade');
  });

  it('refuses to complete an unknown decision, or a decision without intent as a trade', () => {
    const hold = holdDecision('run-1', 0);
    expect(() => journal.decisions.complete(hold.id, { outcome: 'hold' })).toThrow(UnknownDecisionError);
    journal.decisions.record(hold);
    expect(() => journal.decisions.complete(hold.id, { outcome: 'trade', fill: fillFor(0) })).toThrow(TradeWithoutIntentError);
    expect(journal.decisions.get(hold.id)!.status).toBe('pending');
  });

  it('records a failure with its reason and transaction', () => {
    const content = tradeDecision('run-1', 0);
    journal.decisions.record(content);
    journal.decisions.complete(content.id, { outcome: 'failed', reason: 'CooldownActive(60)', txHash: fillFor(9).txHash });
    expect(journal.decisions.get(content.id)).toMatchObject({ status: 'failed', reason: 'CooldownActive(60)', txHash: fillFor(9).txHash, fill: undefined });
  });
});

describe('atomicity: a failing write leaves no row', () => {
  it('refuses an id that is not decisionIdFor(runId, seq), even in another letter case', () => {
    const content = { ...holdDecision('run-1', 0), id: decisionIdFor('run-1', 1) };
    expect(() => journal.decisions.record(content)).toThrow(DecisionIdMismatchError);
    const upper = holdDecision('run-1', 0);
    expect(() => journal.decisions.record({ ...upper, id: `0x${upper.id.slice(2).toUpperCase()}` })).toThrow(DecisionIdMismatchError);
    expect(rowCount()).toBe(0);
  });

  it('refuses a decision of a run that was never started', () => {
    expect(() => journal.decisions.record(holdDecision('ghost', 0))).toThrow(UnknownRunError);
    expect(rowCount()).toBe(0);
  });

  it('refuses content that has no canonical form (NaN)', () => {
    const content = holdDecision('run-1', 0);
    const bad = { ...content, signal: { ...content.signal!, strength: Number.NaN } };
    expect(() => journal.decisions.record(bad)).toThrow(CanonicalJsonError);
    expect(rowCount()).toBe(0);
  });

  it('recordMany writes all or nothing', () => {
    const good = [holdDecision('run-1', 0), holdDecision('run-1', 1)];
    const bad = holdDecision('ghost', 0);
    expect(() => journal.decisions.recordMany([...good, bad])).toThrow(UnknownRunError);
    expect(rowCount()).toBe(0);
    expect(journal.decisions.recordMany(good)).toEqual(good.map(decisionHash));
    expect(rowCount()).toBe(2);
  });

  it('a journal transaction rolls back every decision in it when the caller throws', () => {
    expect(() =>
      journal.transaction(() => {
        journal.decisions.record(holdDecision('run-1', 0));
        throw new Error('kernel crashed mid-batch');
      }),
    ).toThrow('kernel crashed mid-batch');
    expect(rowCount()).toBe(0);
  });
});

describe('queries', () => {
  function seed(): DecisionContent[] {
    journal.runs.start({ id: 'run-2', configDigest: '0xdef', mode: 'backtest' });
    const contents = [tradeDecision('run-1', 0), holdDecision('run-1', 1), deniedDecision('run-1', 2), holdDecision('run-2', 0), holdDecision('run-1', 3)];
    journal.decisions.recordMany(contents);
    journal.decisions.complete(contents[0]!.id, { outcome: 'trade', fill: fillFor(0) });
    clock.advanceTo(1_700_000_001_000);
    journal.decisions.complete(contents[1]!.id, { outcome: 'hold' });
    clock.advanceTo(1_700_000_002_000);
    journal.decisions.complete(contents[2]!.id, { outcome: 'denied' });
    journal.decisions.complete(contents[3]!.id, { outcome: 'superseded' });
    return contents;
  }

  it('lists by run, status and limit in journal order, or newest first', () => {
    const contents = seed();
    expect(journal.decisions.list({ runId: 'run-1' }).map((d) => d.seq)).toEqual([0, 1, 2, 3]);
    expect(journal.decisions.list({ status: ['hold', 'denied'] }).map((d) => d.id)).toEqual([contents[1]!.id, contents[2]!.id]);
    expect(journal.decisions.list({ newestFirst: true, limit: 2 }).map((d) => d.id)).toEqual([contents[4]!.id, contents[3]!.id]);
    expect(journal.decisions.list({ limit: 1, offset: 1 })[0]!.id).toBe(contents[1]!.id);
    expect(journal.decisions.counts('run-1')).toEqual({ pending: 1, trade: 1, hold: 1, denied: 1, failed: 0, superseded: 0 });
  });

  it('finds completed non-trades not in a batch, filtered by the run’s vault, with the oldest completion time', () => {
    const contents = seed();
    expect(journal.decisions.unbatched({ vault }).map((d) => d.id)).toEqual([contents[1]!.id, contents[2]!.id]);
    expect(journal.decisions.unbatched().map((d) => d.id)).toEqual([contents[1]!.id, contents[2]!.id, contents[3]!.id]);
    expect(journal.decisions.unbatchedStats(vault)).toEqual({
      count: 2,
      oldestCompletedAt: 1_700_000_001_000,
    });
  });

  it('gives the next sequence number of a run so a resumed run never reuses an id', () => {
    seed();
    expect(journal.decisions.nextSeq('run-1')).toBe(4);
    expect(journal.decisions.nextSeq('run-2')).toBe(1);
    expect(journal.decisions.nextSeq('new')).toBe(0);
  });
});

describe('runs and source cursors', () => {
  it('stores the vault in lower case, as journals written before did, and reads it back normalised', () => {
    expect(journal.db.prepare('SELECT vault FROM runs').get()).toEqual({ vault: vault.toLowerCase() });
    journal.db.prepare("INSERT INTO runs (id, started_at, config_digest, mode, vault) VALUES ('old', 0, '0x', 'live', ?)").run(vault.toLowerCase());
    expect(journal.runs.get('old')?.vault).toBe(vault);
  });

  it('starts, refuses a duplicate, ends and resumes a run with clock times', () => {
    expect(journal.runs.get('run-1')).toMatchObject({ status: 'running', chainId: 31337, vault, startedAt: 1_700_000_000_000 });
    expect(() => journal.runs.start({ id: 'run-1', configDigest: '0x', mode: 'live' })).toThrow(RunExistsError);
    clock.advanceTo(1_700_000_050_000);
    expect(journal.runs.end('run-1', 'interrupted')).toMatchObject({ status: 'interrupted', endedAt: 1_700_000_050_000 });
    expect(journal.runs.list('running')).toEqual([]);
    expect(journal.runs.resume('run-1')).toMatchObject({ status: 'running', endedAt: undefined });
    expect(() => journal.runs.end('nope', 'completed')).toThrow(UnknownRunError);
  });

  it('keeps the last processed block per source across re-opens', () => {
    expect(journal.cursors.get('vault:TradeExecuted')).toBeUndefined();
    journal.cursors.set('vault:TradeExecuted', { block: 120n, logIndex: 3 });
    journal.cursors.set('vault:TradeExecuted', { block: 125n });
    journal.close();
    journal = openJournal({ path: path(), clock });
    expect(journal.cursors.get('vault:TradeExecuted')).toEqual({ source: 'vault:TradeExecuted', block: 125n, logIndex: -1, updatedAt: 1_700_000_000_000 });
    expect(journal.cursors.list()).toHaveLength(1);
  });
});

describe('backtest volume', () => {
  it('records thousands of decisions in one transaction and reads them back intact', () => {
    journal.runs.start({ id: 'bt', configDigest: '0x', mode: 'backtest' });
    const contents = Array.from({ length: 2000 }, (_, seq) => holdDecision('bt', seq));
    journal.transaction(() => {
      for (const content of contents) {
        journal.decisions.record(content);
        journal.decisions.complete(content.id, { outcome: 'hold' });
      }
    });
    expect(journal.decisions.counts('bt').hold).toBe(2000);
    expect(journal.decisions.list({ runId: 'bt', limit: 1, offset: 1999 })[0]!.content).toEqual(contents[1999]);
  });
});
