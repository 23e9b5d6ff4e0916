/**
 * Runs in its own process (spawned by backtest-throughput.ts), so its peak RSS is the backtest's alone:
 * a trend backtest over generated oracle events through the whole pipeline (kernel, trend strategy, rules
 * reasoner, agent/policy gate, pool simulator, SQLite journal in a temp file). Prints one JSON line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backtestMarket } from '../../backtest/backtest-market.js';
import { runBacktest } from '../../backtest/run-backtest.js';
import { gbmSource } from '../../backtest/sources/index.js';

const events = Number(process.env.MANDATE_BENCH_EVENTS ?? 10_000_000);
const params = { fastPeriod: 2000, slowPeriod: 8000 };
const directory = mkdtempSync(join(tmpdir(), 'mandate-bench-'));
try {
  const data = (count: number, seed: number) => gbmSource({ events: count, feed: backtestMarket.oracle!, intervalSeconds: 12, volatility: 0.6, seed });
  // Warm-up, so the JIT has compiled the loop before the measured run.
  await runBacktest({ strategy: 'trend', params, data: data(300_000, 2), journalPath: join(directory, 'warm.sqlite') });
  const began = performance.now();
  const cpuBefore = process.cpuUsage();
  const result = await runBacktest({ strategy: 'trend', params, data: data(events, 1), journalPath: join(directory, 'journal.sqlite') });
  const seconds = (performance.now() - began) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  // The machines are shared: CPU time says what one core does when it is not waiting for others.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  process.stdout.write(
    `${JSON.stringify({
      events: result.summary.events,
      seconds: Number(seconds.toFixed(3)),
      eventsPerSecond: Math.round(result.summary.events / seconds),
      cpuSeconds: Number(cpuSeconds.toFixed(3)),
      eventsPerCpuSecond: Math.round(result.summary.events / cpuSeconds),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      params,
      signals: result.summary.signals,
      decisions: result.summary.decisions,
      trades: result.trades.length,
      totalReturn: result.metrics.totalReturn,
    })}\n`,
  );
} finally {
  rmSync(directory, { recursive: true, force: true });
}
