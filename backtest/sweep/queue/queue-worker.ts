import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { hostname } from 'node:os';
import { serialize } from 'node:v8';
import { packageIdentity } from '../../../agent/model/package-identity.js';
import { createSweepWorkerPool, type SweepWorkerPool } from '../worker-pool.js';
import { createDataFetcher } from './data-transfer.js';
import { openRedis, redisConnectionOptions } from './open-redis.js';
import { QueueJobRefusedError } from './queue-errors.js';
import { backtestQueue, batchKeys, keepSeconds, recordScript, type BacktestJobData, type BacktestJobRecord } from './queue-keys.js';

export type StartQueueWorkerParameters = {
  url: string;
  /** Backtests run at once (worker threads). */
  concurrency: number;
  /** Where data fetched from Redis is kept, by hash. */
  cacheDir: string;
  /**
   * How long a job's lock lasts without renewal, ms: a worker killed mid-job has its job taken by another
   * about this long after. Default 30,000 (BullMQ's).
   */
  lockMs?: number | undefined;
  /** One line per event (job started, done, failed, refused). */
  log?: ((line: string) => void) | undefined;
};

export type QueueWorker = {
  /** This worker's name in results: host and process id. */
  name: string;
  /** Jobs finished (done or failed) so far. */
  counts: { done: number; failed: number; refused: number };
  /**
   * Stops taking jobs and lets the running ones finish (`force`: drops them at once; BullMQ's stalled
   * check hands them to another worker), then disconnects.
   */
  close(force?: boolean): Promise<void>;
};

/**
 * A long-running worker of sweep backtests: takes jobs from the Redis queue, checks they come from the
 * same build (version and lockfile) and fetches their data and strategy bundle (hash-checked), runs each
 * on a worker thread (the same sweep task a local sweep runs, so the numbers are the same) and records the
 * result in the batch's results in Redis. Backtests run on threads so the main thread stays free to renew
 * the jobs' locks.
 *
 * @example
 * const worker = await startQueueWorker({ url: 'redis://localhost:6379', concurrency: 4, cacheDir: '.mandate/worker-cache' });
 * process.once('SIGTERM', () => worker.close());
 */
export async function startQueueWorker(parameters: StartQueueWorkerParameters): Promise<QueueWorker> {
  const log = parameters.log ?? (() => {});
  const name = `${hostname()}:${process.pid}`;
  const identity = packageIdentity();
  const redis = await openRedis({ url: parameters.url, role: 'worker' });
  let pool: SweepWorkerPool;
  try {
    pool = await createSweepWorkerPool(parameters.concurrency);
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  const fetcher = createDataFetcher(redis, parameters.cacheDir);
  const counts = { done: 0, failed: 0, refused: 0 };
  redis.defineCommand('mandateRecord', { numberOfKeys: 2, lua: recordScript });
  const record = (batch: string, index: number, value: BacktestJobRecord) => {
    const keys = batchKeys(batch);
    return (redis as Redis & { mandateRecord(...args: (string | number)[]): Promise<number> }).mandateRecord(keys.results, keys.done, index, serialize(value).toString('base64'), keepSeconds);
  };

  const process_ = async (job: Job<BacktestJobData>): Promise<string> => {
    const { batch, task, data } = job.data;
    const started = performance.now();
    log(`start ${job.id}`);
    let ran = false;
    try {
      if (job.data.identity.version !== identity.version || job.data.identity.lockHash !== identity.lockHash) {
        throw new QueueJobRefusedError(`This worker runs mandate ${identity.version} and refused a job from mandate ${job.data.identity.version}.`, {
          details: `Lockfiles (sha256 of package-lock.json): the job's ${job.data.identity.lockHash.slice(0, 12)}, this worker's ${identity.lockHash.slice(0, 12)}. Install the same version and lockfile on every machine (npm ci), or the numbers could differ.`,
        });
      }
      const dataFile = await fetcher.data(data);
      if (typeof task.strategy !== 'string') await fetcher.bundle(task.strategy.hash);
      ran = true;
      const summary = await pool.runTask({ ...task, dataFile });
      await record(batch, task.index, { worker: name, summary });
      counts.done += 1;
      log(`done ${job.id} in ${((performance.now() - started) / 1000).toFixed(2)} s`);
      return 'recorded';
    } catch (error) {
      const refused = error instanceof QueueJobRefusedError;
      if (refused) counts.refused += 1;
      else counts.failed += 1;
      const message = error instanceof Error ? error.message : String(error);
      log(`${refused ? 'refused' : ran ? 'failed' : 'could not start'} ${job.id}: ${message.split('\n').join(' ')}`);
      // A backtest that throws will throw again: recorded as the job's outcome, never retried.
      await record(batch, task.index, { worker: name, error: { name: error instanceof Error ? error.name : 'Error', message } });
      throw new UnrecoverableError(message);
    }
  };

  const lockMs = parameters.lockMs ?? 30_000;
  const worker = new Worker<BacktestJobData, string>(backtestQueue.name, process_, {
    connection: redisConnectionOptions({ url: parameters.url, role: 'worker' }),
    prefix: backtestQueue.prefix,
    concurrency: parameters.concurrency,
    lockDuration: lockMs,
    stalledInterval: Math.max(1_000, Math.round(lockMs / 2)),
    // A job whose worker dies goes back to the queue twice; a third death fails it (it may be what kills them).
    maxStalledCount: 2,
  });
  worker.on('error', (error) => log(`queue error: ${error.message}`));
  await worker.waitUntilReady();

  return {
    name,
    counts,
    async close(force = false) {
      await worker.close(force);
      await pool.close();
      redis.disconnect();
    },
  };
}
