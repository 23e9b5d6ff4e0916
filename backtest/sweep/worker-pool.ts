import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../../agent/model/package-root.js';
import { SweepRunError, SweepWorkerError } from './sweep-errors.js';
import type { SweepRunSummary, SweepTask } from './sweep-task.js';

/**
 * What runs a sweep's backtests: worker threads here (createSweepWorkerPool), or `mandate worker`
 * processes through Redis (createQueueSweepRunner).
 */
export type SweepRunner = {
  /** Worker threads, or 0 when the workers are elsewhere and their number unknown. */
  size: number;
  /** How long the runner took to start, ms: a fixed cost the backtests then share. */
  startMs: number;
  /**
   * Runs the tasks and resolves with the summaries in task order (so the result never depends on the
   * workers or their timing); `onResult` sees each as it arrives. The first failure rejects. `batch` names
   * the batch within the sweep (grid, train, test): a queue finds a resumed batch by it.
   */
  run(tasks: readonly SweepTask[], onResult?: (summary: SweepRunSummary) => void, batch?: string): Promise<SweepRunSummary[]>;
  close(): Promise<void>;
};

export type SweepWorkerPool = SweepRunner & {
  /** Runs one task on the next free thread (a `mandate worker` feeds its jobs through this). */
  runTask(task: SweepTask): Promise<SweepRunSummary>;
};

type WorkerMessage =
  | { ready: true }
  | { id: number; summary: SweepRunSummary }
  | { id: number; error: { name: string; message: string } };

type Pending = { id: number; task: SweepTask; resolve(summary: SweepRunSummary): void; reject(error: unknown): void };

// The bundled worker when the command runs from dist/ (no TypeScript to compile in each thread), else the
// sources through tsx.
const workerEntry =
  process.env.MANDATE_TS_LOADER === 'lazy' ? pathToFileURL(join(packageRoot(), 'dist', 'node', 'sweep-worker.mjs')) : new URL('./sweep-worker.js', import.meta.url);

/**
 * Starts `size` worker threads that run sweep backtests (TypeScript, through tsx registered in each
 * worker). Reuse one pool for several batches: a worker's start (loading the kernel) costs about a second.
 *
 * @example
 * const pool = await createSweepWorkerPool(4);
 * try { const summaries = await pool.run(tasks); } finally { await pool.close(); }
 */
export async function createSweepWorkerPool(size: number): Promise<SweepWorkerPool> {
  const started = performance.now();
  const starts = await Promise.allSettled(
    Array.from({ length: size }, () => {
      const worker = new Worker(workerEntry);
      return new Promise<Worker>((resolve, reject) => {
        const exited = (code: number) => reject(new SweepWorkerError(code));
        worker.once('message', () => {
          worker.off('error', reject);
          worker.off('exit', exited);
          resolve(worker);
        });
        worker.once('error', reject);
        worker.once('exit', exited);
      });
    }),
  );
  const workers = starts.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const failure = starts.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure !== undefined) {
    // One worker that cannot start (a broken install) fails the sweep; stop the others with it.
    await Promise.all(workers.map((worker) => worker.terminate()));
    throw failure.reason;
  }
  const startMs = performance.now() - started;

  const queue: Pending[] = [];
  const busy = new Map<Worker, Pending>();
  const idle: Worker[] = [...workers];
  let broken: unknown;
  let closed = false;
  let nextId = 0;

  const dispatch = () => {
    while (idle.length > 0 && queue.length > 0) {
      const worker = idle.pop()!;
      const pending = queue.shift()!;
      busy.set(worker, pending);
      worker.postMessage({ id: pending.id, task: pending.task });
    }
  };
  const breakPool = (error: unknown) => {
    broken ??= error;
    for (const pending of [...busy.values(), ...queue.splice(0)]) pending.reject(broken);
    busy.clear();
  };
  for (const worker of workers) {
    worker.on('message', (message: WorkerMessage) => {
      if ('ready' in message) return;
      const pending = busy.get(worker);
      if (pending === undefined || pending.id !== message.id) return;
      busy.delete(worker);
      idle.push(worker);
      if ('error' in message) pending.reject(new SweepRunError(pending.task.params, message.error.name, message.error.message));
      else pending.resolve(message.summary);
      dispatch();
    });
    worker.on('error', breakPool);
    worker.on('exit', (code: number) => {
      if (!closed) breakPool(new SweepWorkerError(code));
    });
  }

  const runTask = (task: SweepTask): Promise<SweepRunSummary> =>
    new Promise((resolve, reject) => {
      if (broken !== undefined || closed) return reject(broken ?? new SweepWorkerError(0));
      queue.push({ id: nextId++, task, resolve, reject });
      dispatch();
    });

  return {
    size,
    startMs,
    runTask,
    async run(tasks, onResult) {
      const results: SweepRunSummary[] = new Array(tasks.length);
      let failed = false;
      try {
        await Promise.all(
          tasks.map(async (task, position) => {
            const summary = await runTask(task);
            if (failed) return;
            results[position] = summary;
            onResult?.(summary);
          }),
        );
      } catch (error) {
        // The first failure ends the batch: its tasks still waiting for a thread are dropped.
        failed = true;
        const mine = new Set(tasks);
        for (let i = queue.length - 1; i >= 0; i--) if (mine.has(queue[i]!.task)) queue.splice(i, 1);
        throw error;
      }
      return results;
    },
    async close() {
      closed = true;
      breakPool(new SweepWorkerError(0));
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
