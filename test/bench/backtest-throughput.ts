import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Benchmark } from './benchmark.js';

const run = promisify(execFile);

/**
 * `npm run bench`: a trend backtest (SMA 2000/8000 on 12-second events) over 10 million generated GBM oracle
 * events through the full pipeline, in a child process so the peak RSS measured is the backtest's own.
 * Targets: ≥ 2,000,000 events/s on one core, peak RSS < 300 MB.
 *
 * @example
 * benchmarks.push(bench);
 */
export const bench: Benchmark = {
  name: 'backtest-throughput',
  description: 'trend backtest on 10M generated oracle events, full pipeline (kernel, rules, policy, pool simulator, SQLite journal)',
  async run() {
    const child = fileURLToPath(new URL('./backtest-throughput-child.ts', import.meta.url));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', child], { maxBuffer: 1 << 20, env: process.env });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    return { ...result, targetEventsPerSecond: 2_000_000, targetPeakRssMb: 300 };
  },
};
