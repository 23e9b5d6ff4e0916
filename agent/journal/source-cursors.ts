import type BetterSqlite3 from 'better-sqlite3';
import type { Clock } from '../model/clock.js';
import { throwAsJournalError } from './journal-errors.js';

/** The last chain position a source has fully processed. */
export type SourceCursor = {
  source: string;
  block: bigint;
  /** -1 when the whole block is processed. */
  logIndex: number;
  updatedAt: number;
};

/**
 * How far each chain reader got (TradeExecuted, DecisionsCommitted, pool Swap logs...). A restart resumes
 * each from its cursor, so reconciliation scans only what it may have missed.
 */
export type SourceCursorStore = {
  get(source: string): SourceCursor | undefined;
  /** Saves a position; it may move back (a reorg deeper than the confirmation depth). */
  set(source: string, position: { block: bigint; logIndex?: number | undefined }): SourceCursor;
  list(): SourceCursor[];
};

type CursorRow = { source: string; block: number; log_index: number; updated_at: number };

/**
 * Builds the cursor store on an open, migrated journal database.
 *
 * @example
 * const cursors = createSourceCursorStore(db, clock);
 * cursors.set('vault:TradeExecuted', { block: 1234n });
 * const from = (cursors.get('vault:TradeExecuted')?.block ?? deployBlock) + 1n;
 */
export function createSourceCursorStore(db: BetterSqlite3.Database, clock: Clock): SourceCursorStore {
  const upsert = db.prepare(`INSERT INTO source_cursors (source, block, log_index, updated_at)
    VALUES (@source, @block, @logIndex, @updatedAt)
    ON CONFLICT (source) DO UPDATE SET block = excluded.block, log_index = excluded.log_index, updated_at = excluded.updated_at`);
  const selectOne = db.prepare<[string], CursorRow>('SELECT * FROM source_cursors WHERE source = ?');
  const selectAll = db.prepare<[], CursorRow>('SELECT * FROM source_cursors ORDER BY source');
  const toCursor = (row: CursorRow): SourceCursor => ({
    source: row.source,
    block: BigInt(row.block),
    logIndex: row.log_index,
    updatedAt: row.updated_at,
  });
  return {
    get: (source) => {
      const row = selectOne.get(source);
      return row ? toCursor(row) : undefined;
    },
    set: (source, position) => {
      const cursor = { source, block: position.block, logIndex: position.logIndex ?? -1, updatedAt: Math.floor(clock.now()) };
      try {
        upsert.run(cursor);
      } catch (error) {
        throwAsJournalError(error, `save the cursor of ${source}`);
      }
      return cursor;
    },
    list: () => selectAll.all().map(toCursor),
  };
}
