import type BetterSqlite3 from 'better-sqlite3';
import type { Clock } from '../model/clock.js';
import type { Address } from '../model/address.js';
import { readStoredAddress, storedAddress } from './stored-address.js';
import { RunExistsError, UnknownRunError, throwAsJournalError } from './journal-errors.js';

export type RunMode = 'live' | 'backtest' | 'demo';
export type RunStatus = 'running' | 'completed' | 'failed' | 'interrupted';

/** One agent or backtest run: every decision belongs to one. */
export type Run = {
  id: string;
  startedAt: number;
  /** keccak256 of the canonical JSON of the resolved config, so a run says exactly what it ran with. */
  configDigest: string;
  mode: RunMode;
  chainId: number | undefined;
  /** The vault; undefined for backtests. */
  vault: Address | undefined;
  status: RunStatus;
  endedAt: number | undefined;
};

export type StartRunParameters = {
  id: string;
  configDigest: string;
  mode: RunMode;
  chainId?: number | undefined;
  vault?: Address | undefined;
};

export type RunStore = {
  /** Starts a new run at the clock's time; an existing id is refused. */
  start(parameters: StartRunParameters): Run;
  /** Marks a run running again after a restart (same id, so decision ids continue from nextSeq). */
  resume(id: string): Run;
  end(id: string, status: Exclude<RunStatus, 'running'>): Run;
  get(id: string): Run | undefined;
  /** Newest first; optionally only those with a status (e.g. 'running' ones left by a crash). */
  list(status?: RunStatus): Run[];
};

type RunRow = {
  id: string;
  started_at: number;
  config_digest: string;
  mode: RunMode;
  chain_id: number | null;
  vault: string | null;
  status: RunStatus;
  ended_at: number | null;
};

/**
 * Builds the run store on an open, migrated journal database.
 *
 * @example
 * const run = createRunStore(db, clock).start({ id: 'run-1', configDigest, mode: 'live', chainId: 31337, vault });
 */
export function createRunStore(db: BetterSqlite3.Database, clock: Clock): RunStore {
  const insert = db.prepare(`INSERT INTO runs (id, started_at, config_digest, mode, chain_id, vault)
    VALUES (@id, @startedAt, @configDigest, @mode, @chainId, @vault) ON CONFLICT (id) DO NOTHING`);
  const selectOne = db.prepare<[string], RunRow>('SELECT * FROM runs WHERE id = ?');
  const updateStatus = db.prepare<[{ id: string; status: RunStatus; endedAt: number | null }]>(
    'UPDATE runs SET status = @status, ended_at = @endedAt WHERE id = @id',
  );

  function getOrThrow(id: string): Run {
    const row = selectOne.get(id);
    if (!row) throw new UnknownRunError(id);
    return toRun(row);
  }

  return {
    start(parameters) {
      let changes: number;
      try {
        changes = insert.run({
          id: parameters.id,
          startedAt: Math.floor(clock.now()),
          configDigest: parameters.configDigest,
          mode: parameters.mode,
          chainId: parameters.chainId ?? null,
          vault: storedAddress(parameters.vault),
        }).changes;
      } catch (error) {
        throwAsJournalError(error, `start run ${parameters.id}`);
      }
      if (changes === 0) throw new RunExistsError(parameters.id);
      return getOrThrow(parameters.id);
    },
    resume(id) {
      getOrThrow(id);
      updateStatus.run({ id, status: 'running', endedAt: null });
      return getOrThrow(id);
    },
    end(id, status) {
      getOrThrow(id);
      updateStatus.run({ id, status, endedAt: Math.floor(clock.now()) });
      return getOrThrow(id);
    },
    get(id) {
      const row = selectOne.get(id);
      return row ? toRun(row) : undefined;
    },
    list(status) {
      return db
        .prepare<[{ status: string | null }], RunRow>(
          'SELECT * FROM runs WHERE @status IS NULL OR status = @status ORDER BY started_at DESC, rowid DESC',
        )
        .all({ status: status ?? null })
        .map(toRun);
    },
  };
}

function toRun(row: RunRow): Run {
  return {
    id: row.id,
    startedAt: row.started_at,
    configDigest: row.config_digest,
    mode: row.mode,
    chainId: row.chain_id ?? undefined,
    vault: readStoredAddress(row.vault),
    status: row.status,
    endedAt: row.ended_at ?? undefined,
  };
}
