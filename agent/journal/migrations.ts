import type BetterSqlite3 from 'better-sqlite3';
import { MandateError } from '../model/base-error.js';

/** One step of the journal schema. Versions are consecutive from 1; a released migration never changes. */
export type Migration = {
  version: number;
  name: string;
  sql: string;
};

/**
 * The journal schema, oldest first. Append new migrations; never edit or reorder released ones, since
 * journals in the field have already applied them.
 *
 * Times (`*_at`) are whole unix milliseconds from the caller's Clock; `time` is the market event's unix
 * seconds (REAL: a source may report fractions).
 * Hex values (ids, hashes, addresses) are `0x`-prefixed lowercase text except where copied from content.
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'runs, decisions, batches, source cursors',
    sql: `
      CREATE TABLE runs (
        id            TEXT PRIMARY KEY,
        started_at    INTEGER NOT NULL,
        config_digest TEXT NOT NULL,
        mode          TEXT NOT NULL CHECK (mode IN ('live', 'backtest', 'demo')),
        chain_id      INTEGER,
        vault         TEXT,
        status        TEXT NOT NULL DEFAULT 'running'
                      CHECK (status IN ('running', 'completed', 'failed', 'interrupted')),
        ended_at      INTEGER
      ) STRICT;

      CREATE TABLE batches (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        vault         TEXT,
        root          TEXT NOT NULL,
        count         INTEGER NOT NULL CHECK (count > 0),
        prev_root     TEXT NOT NULL,
        tree_json     TEXT NOT NULL,
        status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'committed')),
        created_at    INTEGER NOT NULL,
        tx_hash       TEXT,
        block         INTEGER,
        onchain_index INTEGER,
        committed_at  INTEGER
      ) STRICT;

      CREATE TABLE decisions (
        id                TEXT PRIMARY KEY,
        run_id            TEXT NOT NULL REFERENCES runs(id),
        seq               INTEGER NOT NULL CHECK (seq >= 0),
        time              REAL NOT NULL,
        strategy_id       TEXT NOT NULL,
        status            TEXT NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'trade', 'hold', 'denied', 'failed', 'superseded')),
        canonical_json    TEXT NOT NULL,
        hash              TEXT NOT NULL,
        signal_json       TEXT,
        proposal_json     TEXT NOT NULL,
        verdict_json      TEXT NOT NULL,
        reason            TEXT,
        reasoner          TEXT NOT NULL,
        model             TEXT NOT NULL,
        reasoning_json    TEXT NOT NULL,
        prompt_tokens     INTEGER,
        completion_tokens INTEGER,
        latency_ms        REAL,
        fallback          TEXT,
        reasoning_hash    TEXT NOT NULL,
        intent_json       TEXT,
        tx_hash           TEXT,
        fill_json         TEXT,
        created_at        INTEGER NOT NULL,
        completed_at      INTEGER,
        batch_id          INTEGER REFERENCES batches(id),
        UNIQUE (run_id, seq)
      ) STRICT;

      CREATE INDEX decisions_by_status ON decisions (status);
      CREATE INDEX decisions_unbatched ON decisions (batch_id) WHERE batch_id IS NULL;
      CREATE INDEX decisions_by_batch ON decisions (batch_id) WHERE batch_id IS NOT NULL;
      CREATE INDEX batches_by_status ON batches (status);

      -- How far each chain source (TradeExecuted, DecisionsCommitted, pool logs...) has been processed, so a
      -- restart reconciles from there instead of from genesis.
      CREATE TABLE source_cursors (
        source     TEXT PRIMARY KEY,
        block      INTEGER NOT NULL,
        log_index  INTEGER NOT NULL DEFAULT -1,
        updated_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'decision triggers, strategy checkpoints',
    sql: `
      -- The market event whose signal led to a decision (see eventKey), so a resumed run that reads the
      -- event again knows the signal was decided.
      ALTER TABLE decisions ADD COLUMN trigger TEXT;
      CREATE INDEX decisions_by_trigger ON decisions (run_id, strategy_id, trigger) WHERE trigger IS NOT NULL;

      -- A live run's strategy states, saved with the market cursor they belong to, in one transaction.
      CREATE TABLE strategy_checkpoints (
        run_id      TEXT NOT NULL REFERENCES runs(id),
        strategy_id TEXT NOT NULL,
        state_json  TEXT NOT NULL,
        block       INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL,
        PRIMARY KEY (run_id, strategy_id)
      ) STRICT;
    `,
  },
];

/** The journal file was written by a newer Mandate than this one. */
export class JournalSchemaTooNewError extends MandateError {
  override name = 'JournalSchemaTooNewError';
  constructor(found: number, supported: number) {
    super('The journal was created by a newer version of Mandate.', {
      details: `Its schema is version ${found}; this version reads up to ${supported}. Upgrade Mandate, or use another journal file.`,
    });
  }
}

/** The journal's applied migrations do not match this code's (a renamed or edited migration). */
export class JournalSchemaMismatchError extends MandateError {
  override name = 'JournalSchemaMismatchError';
  constructor(version: number, found: string, expected: string) {
    super(`Journal migration ${version} does not match this version of Mandate.`, {
      details: `The journal recorded "${found}"; this code expects "${expected}".`,
    });
  }
}

/**
 * Brings a journal database to the latest schema, each migration in its own transaction, and records it in
 * `schema_migrations`. Re-running it is a no-op. Returns the versions it applied.
 *
 * @example
 * const applied = applyMigrations(db, migrations, clock.now()); // [1] on a new file, [] afterwards
 */
export function applyMigrations(db: BetterSqlite3.Database, list: readonly Migration[], nowMs: number): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`);
  const applied = db
    .prepare<[], { version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version')
    .all();
  const latest = list.at(-1)?.version ?? 0;
  const newest = applied.at(-1)?.version ?? 0;
  if (newest > latest) throw new JournalSchemaTooNewError(newest, latest);
  for (const row of applied) {
    const expected = list.find((migration) => migration.version === row.version);
    if (expected && expected.name !== row.name) throw new JournalSchemaMismatchError(row.version, row.name, expected.name);
  }

  const insert = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const done: number[] = [];
  for (const migration of list) {
    if (migration.version <= newest) continue;
    // IMMEDIATE takes the write lock first, so two processes opening a new journal cannot both migrate it.
    db.transaction(() => {
      const already = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(migration.version);
      if (already) return;
      db.exec(migration.sql);
      insert.run(migration.version, migration.name, nowMs);
      done.push(migration.version);
    }).immediate();
  }
  return done;
}
