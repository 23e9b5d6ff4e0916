import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { SweepRunSummary } from './sweep-task.js';

/** Where `mandate sweep` keeps its results unless told otherwise. */
export const defaultSweepStorePath = '.mandate/sweeps.sqlite';

/**
 * The sweeps' own schema (not the journal's: a sweep's backtests journal in memory, only their summaries
 * are kept). Metrics a user sorts or filters by have columns; the whole summary is in metrics_json.
 */
const schema = `
CREATE TABLE IF NOT EXISTS sweeps (
  id TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('grid', 'walk-forward')),
  strategy TEXT NOT NULL,
  data TEXT NOT NULL,
  grid_json TEXT NOT NULL,
  fixed_json TEXT NOT NULL,
  rank_by TEXT NOT NULL,
  from_time INTEGER,
  to_time INTEGER,
  train_seconds INTEGER,
  test_seconds INTEGER,
  workers INTEGER NOT NULL,
  combinations INTEGER NOT NULL,
  rejected_json TEXT NOT NULL,
  elapsed_ms REAL NOT NULL,
  summary_json TEXT
);
CREATE TABLE IF NOT EXISTS sweep_results (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  sweep_id TEXT NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
  phase TEXT NOT NULL CHECK (phase IN ('grid', 'train', 'test')),
  window_index INTEGER NOT NULL,
  rank INTEGER NOT NULL,
  combination INTEGER NOT NULL,
  params_json TEXT NOT NULL,
  run_id TEXT NOT NULL,
  from_time INTEGER,
  to_time INTEGER,
  total_return REAL,
  buy_and_hold_return REAL,
  cagr REAL,
  sharpe REAL,
  sortino REAL,
  max_drawdown REAL,
  trades INTEGER,
  win_rate REAL,
  fees REAL,
  gas REAL,
  denials INTEGER,
  reasoner_calls INTEGER,
  metrics_json TEXT NOT NULL,
  UNIQUE (sweep_id, phase, window_index, combination)
);
CREATE INDEX IF NOT EXISTS sweep_results_rank ON sweep_results (sweep_id, phase, window_index, rank);
CREATE TABLE IF NOT EXISTS pending_sweeps (
  id TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  inputs BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS pending_results (
  sweep_id TEXT NOT NULL REFERENCES pending_sweeps(id) ON DELETE CASCADE,
  batch TEXT NOT NULL,
  task_index INTEGER NOT NULL,
  summary BLOB NOT NULL,
  PRIMARY KEY (sweep_id, batch, task_index)
);
`;

/** One sweep's row. */
export type SweepRecord = {
  id: string;
  createdAt: number;
  kind: 'grid' | 'walk-forward';
  strategy: string;
  data: string;
  grid: Record<string, readonly unknown[]>;
  fixed: Record<string, unknown>;
  rankBy: string;
  from: number | undefined;
  to: number | undefined;
  trainSeconds?: number | undefined;
  testSeconds?: number | undefined;
  workers: number;
  combinations: number;
  rejected: { params: Record<string, unknown>; reason: string }[];
  elapsedMs: number;
  /** Aggregates (walk-forward: in-sample and out-of-sample). */
  summary?: unknown;
};

/** One ranked backtest of a sweep: phase 'grid' (plain sweep), 'train' or 'test' (walk-forward window). */
export type SweepResultRecord = {
  phase: 'grid' | 'train' | 'test';
  /** The walk-forward window, 0 for a plain sweep. */
  window: number;
  /** 1 = best within (phase, window). */
  rank: number;
  summary: SweepRunSummary;
};

/** A sweep begun and not yet saved: what `mandate sweep --resume` needs to run it again. */
export type PendingSweep = { id: string; createdAt: number; kind: 'grid' | 'walk-forward'; inputs: unknown };

export type SweepStore = {
  path: string;
  /** A free id for a sweep: the digest prefix, suffixed -2, -3... when taken (by a saved or a pending sweep). */
  freeId(base: string): string;
  /**
   * Records a sweep as begun (in `pending_sweeps`, apart from the saved sweeps): its inputs, so it can be
   * resumed, and from then on each finished backtest (`checkpoint`).
   */
  begin(sweep: PendingSweep): void;
  pending(sweepId: string): PendingSweep | undefined;
  /** Keeps one finished backtest of a pending sweep (kept once: a second one for the same task is ignored). */
  checkpoint(sweepId: string, batch: string, summary: SweepRunSummary): void;
  /** The backtests of a batch kept so far, by task index. */
  checkpoints(sweepId: string, batch: string): Map<number, SweepRunSummary>;
  /** Saves a sweep and its results in one transaction, and forgets it as pending. */
  save(sweep: SweepRecord, results: readonly SweepResultRecord[]): void;
  /** The sweep's results as stored, ordered by phase, window and rank (for tests and tooling). */
  results(sweepId: string): { phase: string; window: number; rank: number; params: Record<string, unknown>; sharpe: number | null; totalReturn: number | null; runId: string }[];
  sweep(sweepId: string): { id: string; kind: string; strategy: string; rankBy: string; combinations: number; workers: number } | undefined;
  close(): void;
};

const nullable = (value: number | undefined): number | null => (value === undefined || !Number.isFinite(value) ? null : value);
const json = (value: unknown): string => JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/**
 * Opens (creating if needed) the SQLite file sweeps are stored in, with its own `sweeps` and
 * `sweep_results` tables.
 *
 * @example
 * const store = openSweepStore('.mandate/sweeps.sqlite');
 * store.results('sw-1a2b3c4d5e6f').slice(0, 3); // the three best
 * store.close();
 */
export function openSweepStore(path: string = defaultSweepStorePath): SweepStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: 5000 });
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  // A checkpoint per finished backtest: WAL with NORMAL sync survives a crash of the process without an fsync each.
  db.pragma('synchronous = NORMAL');
  db.exec(schema);

  const insertSweep = db.prepare(`INSERT INTO sweeps (id, created_at, kind, strategy, data, grid_json, fixed_json, rank_by, from_time, to_time,
    train_seconds, test_seconds, workers, combinations, rejected_json, elapsed_ms, summary_json)
    VALUES (@id, @createdAt, @kind, @strategy, @data, @grid, @fixed, @rankBy, @from, @to, @trainSeconds, @testSeconds, @workers,
    @combinations, @rejected, @elapsedMs, @summary)`);
  const insertResult = db.prepare(`INSERT INTO sweep_results (sweep_id, phase, window_index, rank, combination, params_json, run_id,
    from_time, to_time, total_return, buy_and_hold_return, cagr, sharpe, sortino, max_drawdown, trades, win_rate, fees, gas, denials,
    reasoner_calls, metrics_json)
    VALUES (@sweepId, @phase, @window, @rank, @combination, @params, @runId, @from, @to, @totalReturn, @buyAndHold, @cagr, @sharpe,
    @sortino, @maxDrawdown, @trades, @winRate, @fees, @gas, @denials, @reasonerCalls, @metrics)`);
  const exists = db.prepare('SELECT 1 FROM sweeps WHERE id = ? UNION ALL SELECT 1 FROM pending_sweeps WHERE id = ?').pluck();
  const insertPending = db.prepare('INSERT INTO pending_sweeps (id, created_at, kind, inputs) VALUES (?, ?, ?, ?)');
  const selectPending = db.prepare('SELECT id, created_at, kind, inputs FROM pending_sweeps WHERE id = ?');
  const insertCheckpoint = db.prepare('INSERT OR IGNORE INTO pending_results (sweep_id, batch, task_index, summary) VALUES (?, ?, ?, ?)');
  const selectCheckpoints = db.prepare('SELECT summary FROM pending_results WHERE sweep_id = ? AND batch = ?').pluck();
  const deletePending = db.prepare('DELETE FROM pending_sweeps WHERE id = ?');

  const save = db.transaction((sweep: SweepRecord, results: readonly SweepResultRecord[]) => {
    deletePending.run(sweep.id);
    insertSweep.run({
      id: sweep.id,
      createdAt: sweep.createdAt,
      kind: sweep.kind,
      strategy: sweep.strategy,
      data: sweep.data,
      grid: json(sweep.grid),
      fixed: json(sweep.fixed),
      rankBy: sweep.rankBy,
      from: sweep.from ?? null,
      to: sweep.to ?? null,
      trainSeconds: sweep.trainSeconds ?? null,
      testSeconds: sweep.testSeconds ?? null,
      workers: sweep.workers,
      combinations: sweep.combinations,
      rejected: json(sweep.rejected),
      elapsedMs: sweep.elapsedMs,
      summary: sweep.summary === undefined ? null : json(sweep.summary),
    });
    for (const { phase, window, rank, summary } of results) {
      const m = summary.metrics;
      insertResult.run({
        sweepId: sweep.id,
        phase,
        window,
        rank,
        combination: summary.index,
        params: json(summary.params),
        runId: summary.runId,
        from: summary.from ?? null,
        to: summary.to ?? null,
        totalReturn: nullable(m.totalReturn),
        buyAndHold: nullable(m.buyAndHoldReturn),
        cagr: nullable(m.cagr),
        sharpe: nullable(m.sharpe),
        sortino: nullable(m.sortino),
        maxDrawdown: nullable(m.maxDrawdown),
        trades: m.trades,
        winRate: nullable(m.winRate),
        fees: nullable(m.fees),
        gas: nullable(m.gas),
        denials: m.denials,
        reasonerCalls: m.reasonerCalls,
        metrics: json(summary),
      });
    }
  });

  return {
    path,
    freeId(base) {
      let id = base;
      for (let n = 2; exists.get(id, id) !== undefined; n++) id = `${base}-${n}`;
      return id;
    },
    begin(sweep) {
      // v8's serialisation, as between threads: numbers, undefined and bigints come back exactly.
      insertPending.run(sweep.id, sweep.createdAt, sweep.kind, serialize(sweep.inputs));
    },
    pending(sweepId) {
      const row = selectPending.get(sweepId) as { id: string; created_at: number; kind: 'grid' | 'walk-forward'; inputs: Buffer } | undefined;
      return row === undefined ? undefined : { id: row.id, createdAt: row.created_at, kind: row.kind, inputs: deserialize(row.inputs) };
    },
    checkpoint(sweepId, batch, summary) {
      insertCheckpoint.run(sweepId, batch, summary.index, serialize(summary));
    },
    checkpoints(sweepId, batch) {
      const summaries = (selectCheckpoints.all(sweepId, batch) as Buffer[]).map((blob) => deserialize(blob) as SweepRunSummary);
      return new Map(summaries.map((summary) => [summary.index, summary]));
    },
    save(sweep, results) {
      save(sweep, results);
    },
    results(sweepId) {
      const rows = db
        .prepare(
          `SELECT phase, window_index, rank, params_json, sharpe, total_return, run_id FROM sweep_results WHERE sweep_id = ?
           ORDER BY CASE phase WHEN 'grid' THEN 0 WHEN 'train' THEN 1 ELSE 2 END, window_index, rank`,
        )
        .all(sweepId) as { phase: string; window_index: number; rank: number; params_json: string; sharpe: number | null; total_return: number | null; run_id: string }[];
      return rows.map((row) => ({
        phase: row.phase,
        window: row.window_index,
        rank: row.rank,
        params: JSON.parse(row.params_json) as Record<string, unknown>,
        sharpe: row.sharpe,
        totalReturn: row.total_return,
        runId: row.run_id,
      }));
    },
    sweep(sweepId) {
      const row = db.prepare('SELECT id, kind, strategy, rank_by, combinations, workers FROM sweeps WHERE id = ?').get(sweepId) as
        | { id: string; kind: string; strategy: string; rank_by: string; combinations: number; workers: number }
        | undefined;
      return row === undefined ? undefined : { id: row.id, kind: row.kind, strategy: row.strategy, rankBy: row.rank_by, combinations: row.combinations, workers: row.workers };
    },
    close() {
      db.close();
    },
  };
}
