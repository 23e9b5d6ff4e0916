import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runSweep } from '../../backtest/sweep/run-sweep.js';
import { runMandate, spawnMandate, type MandateProcess } from '../support/mandate-process.js';
import { startRedisServer } from '../support/redis-server.js';
import type { Benchmark } from './benchmark.js';

const data = 'data/chainlink/eth-usd.csv';
// 24 trend backtests over one month of real ETH/USD rounds: what a user's `mandate sweep` does.
const grid = ['--strategy', 'trend', '--grid', 'fastPeriod=4,6,8,10,12,14', '--grid', 'slowPeriod=24,36,48,72', '--data', data, '--from', '2023-07-01', '--to', '2023-08-01'];
const seconds = (ms: number): number => Number((ms / 1000).toFixed(2));

/**
 * The cost of going through Redis: per-job dispatch overhead (64 near-empty backtests, one hour of data
 * each, on one worker thread locally and on one `mandate worker` of concurrency 1, the difference per
 * job), and the wall time of the whole `mandate sweep` process (CLI start included, as a user waits for
 * it) on local threads and through Redis with 1 and 2 workers already running on this machine, with the
 * same number of threads. The results must be identical; a difference fails the benchmark.
 */
export const bench: Benchmark = {
  name: 'sweep-queue',
  description: 'mandate sweep over BullMQ on redis-server: per-job dispatch overhead; 24 backtests on local threads vs 1 and 2 mandate workers',
  async run() {
    const cores = availableParallelism();
    const loadBefore = loadavg()[0]!;
    const redis = await startRedisServer();
    const directory = mkdtempSync(join(tmpdir(), 'mandate-bench-queue-'));
    const workers: MandateProcess[] = [];
    const startWorkers = async (count: number, concurrency: number) => {
      const started = Array.from({ length: count }, () => spawnMandate(['worker', '--queue', redis.url, '--concurrency', String(concurrency)], { cwd: directory }));
      workers.push(...started);
      await Promise.all(started.map((worker) => worker.line(/takes backtests from/)));
      return started;
    };
    const stop = async (stopped: MandateProcess[]) => {
      for (const worker of stopped) worker.child.kill('SIGTERM');
      await Promise.all(stopped.map((worker) => worker.exited));
    };
    try {
      // Dispatch overhead: 64 backtests of one hour each (a few events), where the backtest itself is nearly free.
      const tiny = { strategy: 'trend', grid: { fastPeriod: [2, 3, 4, 5, 6, 7, 8, 9], slowPeriod: [10, 11, 12, 13, 14, 15, 16, 17] }, data, from: 1_688_169_600, to: 1_688_173_200, storePath: null };
      const local = await runSweep({ ...tiny, workers: 1 });
      const one = await startWorkers(1, 1);
      const queued = await runSweep({ ...tiny, queue: { url: redis.url } });
      await stop(one);
      if (JSON.stringify(local.ranked) !== JSON.stringify(queued.ranked)) throw new Error('The queued tiny sweep ranked differently from the local one.');
      const jobs = local.combinations;
      const localPerJobMs = (local.elapsedMs - local.workerStartMs) / jobs;
      const queuePerJobMs = queued.elapsedMs / jobs;

      // Throughput of the whole CLI process on the month grid.
      const sweep = async (extra: string[]) => {
        const started = performance.now();
        const result = await runMandate(['sweep', ...grid, ...extra, '--store', join(directory, `${Math.random()}.sqlite`), '--json']);
        if (result.code !== 0) throw new Error(`mandate sweep failed:\n${result.stderr}`);
        const { elapsedMs: _e, workers: _w, workerStartMs: _s, storePath: _p, ...json } = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
        return { ms: performance.now() - started, json: JSON.stringify(json) };
      };
      const threads = await sweep(['--workers', String(cores)]);
      const oneWorker = await startWorkers(1, cores);
      const viaOne = await sweep(['--queue', redis.url]);
      await stop(oneWorker);
      await startWorkers(2, Math.max(1, Math.floor(cores / 2)));
      const viaTwo = await sweep(['--queue', redis.url]);
      if (viaOne.json !== threads.json || viaTwo.json !== threads.json) throw new Error('A sweep through Redis gave other results than on local threads.');
      const perSecond = (ms: number) => Number((24 / (ms / 1000)).toFixed(2));
      return {
        dispatchJobs: jobs,
        localMsPerTinyJob: Number(localPerJobMs.toFixed(2)),
        queueMsPerTinyJob: Number(queuePerJobMs.toFixed(2)),
        dispatchOverheadMsPerJob: Number((queuePerJobMs - localPerJobMs).toFixed(2)),
        sweepBacktests: 24,
        cliSecondsLocalThreads: seconds(threads.ms),
        cliSecondsQueue1Worker: seconds(viaOne.ms),
        cliSecondsQueue2Workers: seconds(viaTwo.ms),
        backtestsPerSecondLocalThreads: perSecond(threads.ms),
        backtestsPerSecondQueue1Worker: perSecond(viaOne.ms),
        backtestsPerSecondQueue2Workers: perSecond(viaTwo.ms),
        threadsEach: cores,
        identicalResults: true,
        loadAverage1mBefore: Number(loadBefore.toFixed(2)),
        loadAverage1mAfter: Number(loadavg()[0]!.toFixed(2)),
      };
    } finally {
      await stop(workers.filter((worker) => worker.child.exitCode === null && worker.child.signalCode === null));
      await redis.stop();
      rmSync(directory, { recursive: true, force: true });
    }
  },
};
