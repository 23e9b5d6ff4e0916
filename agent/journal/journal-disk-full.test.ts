/**
 * A full disk, for real: SQLite's max_page_count caps the database file, and SQLite then fails writes with
 * SQLITE_FULL exactly as it does when the filesystem is full.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createVirtualClock } from '../model/clock.js';
import { JournalWriteError } from './journal-errors.js';
import { holdDecision } from '../../test/support/journal-fixtures.js';
import { openJournal, type Journal } from './open-journal.js';

let dir: string;
let journal: Journal;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mandate-disk-full-'));
  journal = openJournal({ path: join(dir, 'journal.sqlite'), clock: createVirtualClock(0) });
  journal.runs.start({ id: 'run-1', configDigest: '0x01', mode: 'live' });
});
afterEach(() => {
  journal.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Caps the file at its current size plus `extraPages`. */
function fillDisk(extraPages: number): void {
  const pages = journal.db.pragma('page_count', { simple: true }) as number;
  journal.db.pragma(`max_page_count = ${pages + extraPages}`);
}

describe('a full disk', () => {
  it('fails record with JournalWriteError (SQLITE_FULL), leaves no partial row, and the journal still reads and recovers', () => {
    fillDisk(2);
    let seq = 0;
    let failure: unknown;
    try {
      for (; seq < 10_000; seq++) journal.decisions.record(holdDecision('run-1', seq));
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(JournalWriteError);
    expect((failure as JournalWriteError).code).toBe('SQLITE_FULL');
    expect((failure as JournalWriteError).shortMessage).toBe(`The journal could not record decision ${holdDecision('run-1', seq).id}.`);

    expect(seq).toBeGreaterThan(0);
    // Every row that exists is whole, and the failed decision is not there at all.
    expect(journal.decisions.get(holdDecision('run-1', seq).id)).toBeUndefined();
    const stored = journal.decisions.list();
    expect(stored).toHaveLength(seq);
    for (const decision of stored) expect(decision.content).toEqual(holdDecision('run-1', decision.seq));

    // Space comes back: the same decision records and the run continues.
    journal.db.pragma('max_page_count = 1073741823');
    journal.decisions.record(holdDecision('run-1', seq));
    expect(journal.decisions.nextSeq('run-1')).toBe(seq + 1);
  });

  it('fails a whole recordMany, leaving none of it', () => {
    fillDisk(1);
    const contents = Array.from({ length: 200 }, (_, seq) => holdDecision('run-1', seq));
    expect(() => journal.decisions.recordMany(contents)).toThrow(JournalWriteError);
    expect(journal.decisions.list()).toEqual([]);
  });
});
