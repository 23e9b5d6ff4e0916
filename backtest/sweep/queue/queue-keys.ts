import type { PackageIdentity } from '../../../agent/model/package-identity.js';
import type { SweepRunSummary, SweepTask } from '../sweep-task.js';

/** BullMQ's queue of backtest jobs: keys `mandate:backtests:*`. */
export const backtestQueue = { name: 'backtests', prefix: 'mandate' } as const;

/** How long data, bundles and a batch's results stay in Redis after their last use. */
export const keepSeconds = 7 * 86_400;

/** The data file, in chunks of a list (values up to 512 MB are allowed, but big values block Redis). */
export const dataKeys = (hash: string) => ({ size: `mandate:data:${hash}:size`, chunks: `mandate:data:${hash}:chunks` });
export const dataChunkBytes = 1 << 20;

export const bundleKey = (hash: string): string => `mandate:bundle:${hash}`;

/** A batch's results (task index → record) and the order they arrived in. */
export const batchKeys = (batch: string) => ({ results: `mandate:batch:${batch}:results`, done: `mandate:batch:${batch}:done` });

export const backtestJobId = (batch: string, index: number): string => `${batch}.${index}`;

/** Where a worker finds the data: copied into Redis once per sweep, or at a path every machine shares. */
export type QueueDataRef = { via: 'redis'; hash: string; size: number } | { via: 'path'; path: string; hash: string };

/** One job: one backtest of a sweep batch, with all a worker on another machine needs. */
export type BacktestJobData = {
  batch: string;
  task: SweepTask;
  data: QueueDataRef;
  /** The coordinator's build: a worker of another refuses the job. */
  identity: PackageIdentity;
};

/** What a worker records for a job in the batch's results (v8-serialised, base64). */
export type BacktestJobRecord =
  | { worker: string; summary: SweepRunSummary }
  | { worker: string; error: { name: string; message: string } };

/**
 * Records a job's outcome once: the first record for a task index wins, so a job run again after its
 * worker died is still reported exactly once. KEYS: results, done; ARGV: index, record, seconds kept.
 */
export const recordScript = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  redis.call('RPUSH', KEYS[2], ARGV[1])
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[3])
return 1
`;
