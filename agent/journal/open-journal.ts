import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { MandateError } from '../model/base-error.js';
import type { Clock } from '../model/clock.js';
import { createBatchStore, type BatchStore } from './batch-store.js';
import { createDecisionStore, type DecisionStore } from './decision-store.js';
import { applyMigrations, migrations } from './migrations.js';
import { createRunStore, type RunStore } from './run-store.js';
import { createSourceCursorStore, type SourceCursorStore } from './source-cursors.js';
import { createStrategyCheckpointStore, type StrategyCheckpointStore } from './strategy-checkpoints.js';

/** The journal file could not be opened (bad path, not a database, locked past the busy timeout...). */
export class JournalOpenError extends MandateError {
  override name = 'JournalOpenError';
  constructor(path: string, cause: unknown) {
    super(`Cannot open the decision journal at ${path}.`, { cause });
  }
}

export type OpenJournalParameters = {
  /** The SQLite file; its directory is created if missing. `:memory:` is accepted for throwaway runs. */
  path: string;
  /** Where created/completed times come from: the agent's clock (virtual in backtests). */
  clock: Clock;
  /**
   * 'full' (default) syncs the WAL on every commit: a decision that record() returned survives a power loss,
   * which matters because its transaction may already be on-chain. 'normal' may lose the last commits on
   * power loss (never on a process crash); 'off' never syncs and suits backtests, whose journal can be
   * regenerated (a machine crash may corrupt the file; a process crash loses nothing).
   */
  durability?: 'full' | 'normal' | 'off' | undefined;
  /** How long to wait for another process's write lock before failing. Default 5000 ms. */
  busyTimeoutMs?: number | undefined;
};

/** An open journal: one SQLite connection and the stores on it. */
export type Journal = {
  readonly path: string;
  readonly db: BetterSqlite3.Database;
  /** The schema version after migrations. */
  readonly schemaVersion: number;
  readonly runs: RunStore;
  /** The kernel's DecisionJournal (record/complete) plus queries. */
  readonly decisions: DecisionStore;
  readonly batches: BatchStore;
  readonly cursors: SourceCursorStore;
  /** Live runs' strategy states, saved with their market cursor. */
  readonly checkpoints: StrategyCheckpointStore;
  /**
   * Runs `fn` in one transaction (nested calls become savepoints): wrap thousands of record() calls in a
   * backtest to pay for one commit instead of thousands.
   */
  transaction<T>(fn: () => T): T;
  close(): void;
};

/**
 * Opens (creating if needed) and migrates a decision journal.
 *
 * @example
 * const journal = openJournal({ path: '.mandate/journal.sqlite', clock: systemClock });
 * journal.runs.start({ id: runId, configDigest, mode: 'live', chainId, vault });
 * const hash = journal.decisions.record(content);
 */
export function openJournal(parameters: OpenJournalParameters): Journal {
  const { path, clock } = parameters;
  let db: BetterSqlite3.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { timeout: parameters.busyTimeoutMs ?? 5000 });
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${({ full: 'FULL', normal: 'NORMAL', off: 'OFF' } as const)[parameters.durability ?? 'full']}`);
    db.pragma('foreign_keys = ON');
  } catch (error) {
    throw new JournalOpenError(path, error);
  }
  try {
    applyMigrations(db, migrations, Math.floor(clock.now()));
  } catch (error) {
    db.close();
    throw error;
  }
  const schemaVersion =
    db.prepare<[], { version: number }>('SELECT MAX(version) AS version FROM schema_migrations').get()?.version ?? 0;
  return {
    path,
    db,
    schemaVersion,
    runs: createRunStore(db, clock),
    decisions: createDecisionStore(db, clock),
    batches: createBatchStore(db, clock),
    cursors: createSourceCursorStore(db, clock),
    checkpoints: createStrategyCheckpointStore(db, clock),
    transaction: (fn) => db.transaction(fn)(),
    close: () => db.close(),
  };
}
