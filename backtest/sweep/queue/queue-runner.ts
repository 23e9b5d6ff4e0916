import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { deserialize } from 'node:v8';
import { packageIdentity } from '../../../agent/model/package-identity.js';
import type { StrategyBundle } from '../strategy-bundle.js';
import { SweepRunError } from '../sweep-errors.js';
import type { SweepRunSummary } from '../sweep-task.js';
import type { SweepRunner } from '../worker-pool.js';
import { publishBundle, publishData } from './data-transfer.js';
import { openRedis, redisConnectionOptions } from './open-redis.js';
import { QueueConnectionError } from './queue-errors.js';
import { backtestJobId, backtestQueue, batchKeys, keepSeconds, type BacktestJobData, type BacktestJobRecord } from './queue-keys.js';
import { redactRedisUrl } from './redis-url.js';

export type CreateQueueSweepRunnerParameters = {
  url: string;
  /** Names this sweep's batches in Redis (the sweep id: a resumed sweep finds its jobs and results again). */
  sweepKey: string;
  /** The data file as the tasks name it, and its sha256. */
  data: { path: string; hash: string };
  /** Workers read the data at this absolute path instead of from Redis. */
  sharedDataPath?: string | undefined;
  strategy?: StrategyBundle | undefined;
  /** How often Redis is asked for new results, ms. Default 50. */
  pollMs?: number | undefined;
};

export type QueueSweepRunner = SweepRunner & {
  /** The `mandate worker` processes that reported results so far. */
  workers: Set<string>;
};

/**
 * Runs sweep tasks as BullMQ jobs for `mandate worker` processes on any machine: the data (and a bundled
 * strategy) go to Redis once, each task becomes a job with a deterministic id, and each worker records
 * its result in the batch's hash in Redis (first record wins), which this polls. A job whose worker died
 * goes back to the queue through BullMQ's stalled-job check and another worker runs it; a job that fails
 * fails the batch with its params and cause. Redis gone for about 5 s fails it with a QueueConnectionError.
 *
 * @example
 * const runner = await createQueueSweepRunner({ url: 'redis://localhost:6379', sweepKey: 'sw-1a2b', data: { path, hash } });
 * try { const summaries = await runner.run(tasks, undefined, 'grid'); } finally { await runner.close(); }
 */
export async function createQueueSweepRunner(parameters: CreateQueueSweepRunnerParameters): Promise<QueueSweepRunner> {
  const started = performance.now();
  const where = redactRedisUrl(parameters.url);
  const redis = await openRedis({ url: parameters.url, role: 'sweep' });
  const connection = redisConnectionOptions({ url: parameters.url, role: 'sweep' });
  let queue: Queue | undefined;
  let events: QueueEvents | undefined;
  try {
    const data = parameters.sharedDataPath === undefined ? await publishData(redis, parameters.data.path, parameters.data.hash) : ({ via: 'path', path: parameters.sharedDataPath, hash: parameters.data.hash } as const);
    if (parameters.strategy !== undefined) await publishBundle(redis, parameters.strategy);
    queue = new Queue(backtestQueue.name, { connection, prefix: backtestQueue.prefix });
    queue.on('error', () => {});
    events = new QueueEvents(backtestQueue.name, { connection, prefix: backtestQueue.prefix });
    events.on('error', () => {});
    await events.waitUntilReady();
    return runner(parameters, redis, queue, events, data, performance.now() - started, where);
  } catch (error) {
    await closeAll(redis, queue, events);
    throw error instanceof QueueConnectionError ? error : new QueueConnectionError(`Redis at ${where} failed while the sweep started.`, { cause: error });
  }
}

function runner(
  parameters: CreateQueueSweepRunnerParameters,
  redis: Redis,
  queue: Queue,
  events: QueueEvents,
  data: BacktestJobData['data'],
  startMs: number,
  where: string,
): QueueSweepRunner {
  const identity = packageIdentity();
  const workers = new Set<string>();
  const pollMs = parameters.pollMs ?? 50;
  let lost: QueueConnectionError | undefined;
  const onLost: ((error: QueueConnectionError) => void)[] = [];
  redis.on('end', () => {
    lost ??= new QueueConnectionError(`Lost the connection to Redis at ${where}.`, {
      details: 'It did not come back within about 5 s. Nothing was saved as a finished sweep; resume it with mandate sweep --resume <id> once Redis is back.',
    });
    for (const notify of onLost) notify(lost);
  });

  return {
    size: 0,
    startMs,
    workers,
    async run(tasks, onResult, batchName = 'grid') {
      if (lost !== undefined) throw lost;
      const batch = `${parameters.sweepKey}.${batchName}`;
      const keys = batchKeys(batch);
      const results: SweepRunSummary[] = new Array(tasks.length);
      const position = new Map(tasks.map((task, at) => [task.index, at]));
      let remaining = tasks.length;
      if (remaining === 0) return results;

      return new Promise<SweepRunSummary[]>((resolve, reject) => {
        let settled = false;
        let timer: NodeJS.Timeout | undefined;
        const finish = (error?: unknown) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          events.off('failed', onFailed);
          onLost.splice(onLost.indexOf(fail), 1);
          if (error === undefined) {
            redis.del(keys.results, keys.done).then(() => resolve(results), reject);
            return;
          }
          // The batch stops: its jobs not yet taken are withdrawn (running ones finish and are ignored).
          if (!(error instanceof QueueConnectionError)) {
            const open = tasks.filter((task) => results[position.get(task.index)!] === undefined);
            void Promise.allSettled(open.map((task) => queue.remove(backtestJobId(batch, task.index))));
          }
          reject(error);
        };
        const fail = (error: unknown) => finish(error);
        onLost.push(fail);

        const take = (index: number, record: BacktestJobRecord) => {
          const at = position.get(index);
          if (at === undefined || results[at] !== undefined || settled) return;
          workers.add(record.worker);
          if ('error' in record) return fail(new SweepRunError(tasks[at]!.params, record.error.name, record.error.message));
          results[at] = record.summary;
          onResult?.(record.summary);
          if (--remaining === 0) finish();
        };
        const decode = (value: string): BacktestJobRecord => deserialize(Buffer.from(value, 'base64')) as BacktestJobRecord;

        // A job failed without its worker recording why (it stalled more often than allowed: its worker died
        // each time): the batch fails with BullMQ's reason, unless a record arrived meanwhile.
        const onFailed = ({ jobId, failedReason }: { jobId: string; failedReason: string }) => {
          if (!jobId.startsWith(`${batch}.`)) return;
          const index = Number(jobId.slice(batch.length + 1));
          redis.hget(keys.results, String(index)).then(
            (value) => (value !== null ? take(index, decode(value)) : position.has(index) && fail(new SweepRunError(tasks[position.get(index)!]!.params, 'JobFailed', failedReason))),
            () => {},
          );
        };
        events.on('failed', onFailed);

        let cursor = 0;
        const poll = async () => {
          try {
            const indices = await redis.lrange(keys.done, cursor, -1);
            if (indices.length > 0) {
              cursor += indices.length;
              const values = await redis.hmget(keys.results, ...indices);
              indices.forEach((index, at) => values[at] != null && take(Number(index), decode(values[at]!)));
            }
          } catch {
            // A command lost with the connection: ioredis reconnects, or ends and `lost` fails the batch.
          }
          if (!settled) timer = setTimeout(poll, pollMs);
        };

        // Results already there (a resumed sweep whose workers went on) are taken first; only the rest is queued.
        redis
          .hgetall(keys.results)
          .then(async (recorded) => {
            for (const [index, value] of Object.entries(recorded)) take(Number(index), decode(value));
            if (settled) return;
            await redis.expire(keys.results, keepSeconds);
            const open = tasks.filter((task) => results[position.get(task.index)!] === undefined);
            const jobs = open.map((task) => ({
              name: 'backtest',
              data: { batch, task, data, identity } satisfies BacktestJobData,
              // The same id on a resume: a job still waiting in Redis is not queued twice.
              opts: { jobId: backtestJobId(batch, task.index), removeOnComplete: true, removeOnFail: true },
            }));
            for (let from = 0; from < jobs.length; from += 1000) await queue.addBulk(jobs.slice(from, from + 1000));
            cursor = 0;
            await poll();
          })
          .catch((error: unknown) => fail(lost ?? new QueueConnectionError(`Redis at ${where} failed while queueing the sweep.`, { cause: error })));
      });
    },
    async close() {
      await closeAll(redis, queue, events);
    },
  };
}

/** Closes BullMQ's connections and ours; a dead connection is dropped rather than waited on. */
async function closeAll(redis: Redis, queue: Queue | undefined, events: QueueEvents | undefined): Promise<void> {
  const within = (promise: Promise<unknown>) => Promise.race([promise.catch(() => {}), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
  await within(Promise.all([queue?.close(), events?.close()]));
  await queue?.disconnect().catch(() => {});
  await events?.disconnect().catch(() => {});
  redis.disconnect();
}
