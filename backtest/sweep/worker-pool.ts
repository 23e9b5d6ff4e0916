import { Worker } from 'node:worker_threads';
import { SweepRunError, SweepWorkerError } from './sweep-errors.js';
import type { SweepRunSummary, SweepTask } from './sweep-task.js';

export type SweepWorkerPool = {
  /** The number of worker threads. */
  size: number;
  /** How long the workers took to start (load tsx and the kernel), ms: a fixed cost the backtests then share. */
  startMs: number;
  /**
   * Runs the tasks on the workers, each worker taking the next task when it is free; resolves with the
   * summaries in task order (so the result never depends on the number of workers or their timing).
   */
  run(tasks: readonly SweepTask[], onDone?: (done: number, total: number) => void): Promise<SweepRunSummary[]>;
  /** Terminates the workers. */
  close(): Promise<void>;
};

type WorkerMessage =
  | { ready: true }
  | { index: number; summary: SweepRunSummary }
  | { index: number; error: { name: string; message: string } };

const workerEntry = new URL('./sweep-worker.js', import.meta.url);

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

  return {
    size,
    startMs,
    run(tasks, onDone) {
      return new Promise<SweepRunSummary[]>((resolve, reject) => {
        const results: SweepRunSummary[] = new Array(tasks.length);
        const byIndex = new Map(tasks.map((task, position) => [task.index, position]));
        let next = 0;
        let done = 0;
        let failed = false;
        if (tasks.length === 0) return resolve(results);

        const cleanup = () => {
          for (const worker of workers) {
            worker.removeAllListeners('message');
            worker.removeAllListeners('error');
            worker.removeAllListeners('exit');
          }
        };
        const fail = (error: unknown) => {
          if (failed) return;
          failed = true;
          cleanup();
          reject(error);
        };
        const feed = (worker: Worker) => {
          if (next < tasks.length) worker.postMessage(tasks[next++]);
        };
        for (const worker of workers) {
          worker.on('message', (message: WorkerMessage) => {
            if ('ready' in message || failed) return;
            const position = byIndex.get(message.index)!;
            if ('error' in message) return fail(new SweepRunError(tasks[position]!.params, message.error.name, message.error.message));
            results[position] = message.summary;
            done += 1;
            onDone?.(done, tasks.length);
            if (done === tasks.length) {
              cleanup();
              resolve(results);
            } else feed(worker);
          });
          worker.on('error', fail);
          worker.on('exit', (code: number) => fail(new SweepWorkerError(code)));
          feed(worker);
        }
      });
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
