import type BetterSqlite3 from 'better-sqlite3';
import { canonicalJson } from '../model/canonical-json.js';
import type { Clock } from '../model/clock.js';
import { throwAsJournalError } from './journal-errors.js';

/** A live run's strategy states and the market block they include every event up to. */
export type StrategyCheckpoint = {
  /** The last block whose market events are all in these states (and whose decisions are complete). */
  block: bigint;
  /** Each saving strategy's state, by strategy id, as its saveState returned it. */
  states: Record<string, unknown>;
};

export type StrategyCheckpointStore = {
  /** Saves the states and the market cursor in one transaction: a restart never sees one without the other. */
  save(runId: string, cursorName: string, checkpoint: StrategyCheckpoint): void;
  /** The run's last checkpoint, or undefined (nothing saved, or no strategy saves state). */
  load(runId: string): StrategyCheckpoint | undefined;
};

type CheckpointRow = { strategy_id: string; state_json: string; block: number };

/**
 * Builds the strategy checkpoint store on an open, migrated journal database. States are stored as
 * canonical JSON (bigints as decimal strings), and each save replaces the run's previous one.
 *
 * @example
 * checkpoints.save(runId, 'market:31337:0xVault', { block: 1234n, states: kernel.saveStrategyStates() });
 * const saved = checkpoints.load(runId); // { block: 1234n, states: { 'eth-trend': {...} } }
 */
export function createStrategyCheckpointStore(db: BetterSqlite3.Database, clock: Clock): StrategyCheckpointStore {
  const remove = db.prepare('DELETE FROM strategy_checkpoints WHERE run_id = ?');
  const insert = db.prepare(`INSERT INTO strategy_checkpoints (run_id, strategy_id, state_json, block, updated_at)
    VALUES (@runId, @strategyId, @stateJson, @block, @updatedAt)`);
  const upsertCursor = db.prepare(`INSERT INTO source_cursors (source, block, log_index, updated_at)
    VALUES (@source, @block, -1, @updatedAt)
    ON CONFLICT (source) DO UPDATE SET block = excluded.block, log_index = excluded.log_index, updated_at = excluded.updated_at`);
  const select = db.prepare<[string], CheckpointRow>('SELECT strategy_id, state_json, block FROM strategy_checkpoints WHERE run_id = ? ORDER BY strategy_id');

  const saveAll = db.transaction((runId: string, cursorName: string, checkpoint: StrategyCheckpoint, encoded: [string, string][]) => {
    const updatedAt = Math.floor(clock.now());
    remove.run(runId);
    for (const [strategyId, stateJson] of encoded) insert.run({ runId, strategyId, stateJson, block: checkpoint.block, updatedAt });
    upsertCursor.run({ source: cursorName, block: checkpoint.block, updatedAt });
  });

  return {
    save(runId, cursorName, checkpoint) {
      // Encoded before the transaction: a state that cannot be encoded fails here, writing nothing.
      const encoded = Object.entries(checkpoint.states).map(([id, state]) => [id, canonicalJson(state)] as [string, string]);
      try {
        saveAll(runId, cursorName, checkpoint, encoded);
      } catch (error) {
        throwAsJournalError(error, `save the strategy checkpoint of run ${runId}`);
      }
    },
    load(runId) {
      const rows = select.all(runId);
      if (rows.length === 0) return undefined;
      return {
        block: BigInt(rows[0]!.block),
        states: Object.fromEntries(rows.map((row) => [row.strategy_id, JSON.parse(row.state_json) as unknown])),
      };
    },
  };
}
