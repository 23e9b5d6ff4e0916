import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Benchmark } from './benchmark.js';
import { bootstrapRoundsFile } from './bootstrap-rounds-file.js';
import { timeProcess, type ProcessFigures } from './time-process.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const rounds = Number(process.env.MANDATE_BENCH_ROUNDS ?? 1_000_000);
const pairs = Number(process.env.MANDATE_BENCH_PAIRS ?? 2);

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/**
 * `npm run bench`: what a quant runs, as whole processes, side by side. `mandate backtest --strategy trend`
 * (default params, SMA 10/30, every decision journaled in SQLite) and grademark's moving-average cross
 * (the same periods, through data-forge as its README shows), on the same 1,000,000 Chainlink rounds
 * bootstrapped from the sample ETH/USD returns. After one warm-up run of each (which also fills Mandate's
 * parsed-data cache, as a user's second run would find it), they alternate (A B A B). Reported: medians,
 * the ratio of medians (wall and CPU), Mandate's peak RSS, and its run's signals, trades, denials and
 * failures. Targets: ≥ 50× grademark, peak RSS < 300 MB.
 *
 * @example
 * benchmarks.push(bench);
 */
export const bench: Benchmark = {
  name: 'backtest-cli-vs-grademark',
  description: 'mandate backtest (CLI, whole process) vs grademark MA cross (whole process) on the same 1M bootstrapped rounds',
  async run() {
    const data = await bootstrapRoundsFile(rounds);
    const scratch = mkdtempSync(join(tmpdir(), 'mandate-bench-'));
    try {
      let n = 0;
      const mandate = () =>
        timeProcess(process.execPath, ['bin/mandate.js', 'backtest', '--strategy', 'trend', '--data', data, '--journal', join(scratch, `journal-${n++}.sqlite`), '--json'], { cwd: repoRoot });
      const grademark = () => timeProcess(process.execPath, ['--import', 'tsx', 'test/bench/grademark-ma-cross.ts', data, '10', '30'], { cwd: repoRoot });
      await mandate();
      await grademark();
      const ours: ProcessFigures[] = [];
      const theirs: ProcessFigures[] = [];
      for (let i = 0; i < pairs; i++) {
        ours.push(await mandate());
        theirs.push(await grademark());
      }
      const summary = JSON.parse(ours.at(-1)!.stdout.trim().split('\n').at(-1)!) as {
        strategies: Record<string, { signals: number; trades: number; denials: number; failures: number; failuresByReason: Record<string, number> }>;
        metrics: { finalEquity: number; maxDrawdown: number };
      };
      const cpu = (figures: ProcessFigures) => (figures.userSeconds ?? Number.NaN) + (figures.systemSeconds ?? Number.NaN);
      const wall = { mandate: median(ours.map((f) => f.wallSeconds)), grademark: median(theirs.map((f) => f.wallSeconds)) };
      const cpuSeconds = { mandate: median(ours.map(cpu)), grademark: median(theirs.map(cpu)) };
      return {
        rounds,
        pairs,
        wallSeconds: wall,
        cpuSeconds,
        speedRatio: Number((wall.grademark / wall.mandate).toFixed(2)),
        cpuSpeedRatio: Number((cpuSeconds.grademark / cpuSeconds.mandate).toFixed(2)),
        peakRssMb: { mandate: median(ours.map((f) => f.peakRssMb ?? Number.NaN)), grademark: median(theirs.map((f) => f.peakRssMb ?? Number.NaN)) },
        mandateRun: { ...summary.strategies.trend, finalEquity: summary.metrics.finalEquity, maxDrawdown: summary.metrics.maxDrawdown },
        targetSpeedRatio: 50,
        targetPeakRssMb: 300,
      };
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};
