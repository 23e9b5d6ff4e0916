import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { runSweep } from '../../backtest/sweep/run-sweep.js';
import type { Benchmark } from './benchmark.js';

const ethUsd = fileURLToPath(new URL('../../data/chainlink/eth-usd.csv', import.meta.url));
// 16 combinations of the trend strategy over the whole real ETH/USD history (11,106 rounds each).
const grid = { fastPeriod: [4, 6, 8, 12, 16, 24, 32, 40], slowPeriod: [48, 96] };

const seconds = (ms: number): number => Number((ms / 1000).toFixed(2));

/**
 * The machine's own ceiling at this moment: the same pure arithmetic jobs on 1 thread and on `threads`
 * threads. On shared, busy cores this is well under the thread count, and the sweep cannot beat it.
 */
async function spinSpeedup(threads: number): Promise<number> {
  const code = `const { parentPort } = require('node:worker_threads');
    parentPort.on('message', (n) => { let x = 0; for (let i = 0; i < n; i++) x += Math.sqrt(i); parentPort.postMessage(x); });`;
  const time = async (count: number): Promise<number> => {
    const workers = Array.from({ length: count }, () => new Worker(code, { eval: true }));
    const started = performance.now();
    let next = 0;
    const jobs = 2 * threads;
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            const take = () => {
              if (next >= jobs) return resolve();
              next += 1;
              worker.once('message', take);
              worker.postMessage(5e7);
            };
            take();
          }),
      ),
    );
    const elapsed = performance.now() - started;
    await Promise.all(workers.map((worker) => worker.terminate()));
    return elapsed;
  };
  return Number(((await time(1)) / (await time(threads))).toFixed(2));
}

/**
 * The same sweep on 1 worker thread and on all cores: wall time of each (worker start included, a user
 * waits for it too), the worker start alone, and the speed-ups with and without it. The two sweeps must
 * rank identically; a difference fails the benchmark.
 */
export const bench: Benchmark = {
  name: 'sweep-speedup',
  description: 'mandate sweep: one 16-combination trend grid over the real ETH/USD rounds on 1 worker thread and on all cores',
  async run() {
    const all = availableParallelism();
    // Other work on the machine takes cores from the workers; the load average says how much.
    const loadBefore = loadavg()[0]!;
    const one = await runSweep({ strategy: 'trend', grid, data: ethUsd, workers: 1, storePath: null });
    const many = await runSweep({ strategy: 'trend', grid, data: ethUsd, workers: all, storePath: null });
    if (JSON.stringify(one.ranked) !== JSON.stringify(many.ranked)) {
      throw new Error('The sweep on all workers ranked differently from the sweep on one worker.');
    }
    return {
      combinations: one.combinations,
      eventsPerBacktest: one.ranked[0]!.events,
      workersAll: many.workers,
      seconds1Worker: seconds(one.elapsedMs),
      secondsAllWorkers: seconds(many.elapsedMs),
      speedup: Number((one.elapsedMs / many.elapsedMs).toFixed(2)),
      workerStartSeconds1: seconds(one.workerStartMs),
      workerStartSecondsAll: seconds(many.workerStartMs),
      speedupExcludingStart: Number(((one.elapsedMs - one.workerStartMs) / (many.elapsedMs - many.workerStartMs)).toFixed(2)),
      idealSpeedup: Math.min(all, one.combinations),
      machineSpeedupNow: await spinSpeedup(all),
      identicalResults: true,
      loadAverage1mBefore: Number(loadBefore.toFixed(2)),
      loadAverage1mAfter: Number(loadavg()[0]!.toFixed(2)),
    };
  },
};
