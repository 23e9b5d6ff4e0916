import type { DecisionJournal } from '../model/ports.js';
import type { Journal } from './open-journal.js';
import { throwAsJournalError } from './journal-errors.js';

/** A DecisionJournal that commits in batches; `flush()` commits what is open. */
export type BatchedDecisionJournal = DecisionJournal & {
  /** Commits the open transaction, if any. Call at the end of the run and before reading the journal back. */
  flush(): void;
};

/**
 * The journal's decisions, written in transactions of up to `every` writes instead of one commit each. For
 * backtests, whose journal can be regenerated: a commit per row would cost more than the decision. A live
 * run never uses this (a decision must be durable before its trade is sent).
 *
 * @example
 * const decisions = batchedDecisions(journal, 4096);
 * await kernel.replay(events); // decisions.record / complete inside transactions
 * decisions.flush();
 */
export function batchedDecisions(journal: Journal, every = 4096): BatchedDecisionJournal {
  const { db, decisions } = journal;
  let writes = 0;
  const begin = (): void => {
    if (db.inTransaction) return;
    db.exec('BEGIN');
    writes = 0;
  };
  const tick = (): void => {
    writes += 1;
    if (writes >= every) flush();
  };
  function flush(): void {
    if (!db.inTransaction) return;
    try {
      db.exec('COMMIT');
    } catch (error) {
      throwAsJournalError(error, 'commit a batch of decisions');
    }
  }
  return {
    record(content, trigger) {
      begin();
      const hash = decisions.record(content, trigger);
      tick();
      return hash;
    },
    complete(id, completion) {
      begin();
      decisions.complete(id, completion);
      tick();
    },
    flush,
  };
}
