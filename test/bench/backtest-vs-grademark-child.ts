/**
 * Runs in its own process (spawned by backtest-vs-grademark.ts): the same moving-average cross on the same
 * generated 1-minute candles, in grademark and in Mandate. Prints one JSON line. `MANDATE_BENCH_ENGINE`
 * picks 'grademark' or 'mandate' so each engine's peak memory is its own.
 */
import { createRequire } from 'node:module';
import type { OracleUpdate } from '../../agent/model/market-event.js';
import { backtestMarket } from '../../backtest/backtest-market.js';
import { runBacktest } from '../../backtest/run-backtest.js';
import { createSeededRandom } from '../../backtest/sources/seeded-random.js';

const bars = Number(process.env.MANDATE_BENCH_BARS ?? 1_000_000);
const engine = process.env.MANDATE_BENCH_ENGINE ?? 'mandate';
const fastPeriod = Number(process.env.MANDATE_BENCH_FAST ?? 50);
const slowPeriod = Number(process.env.MANDATE_BENCH_SLOW ?? 200);
const start = 1_704_067_200;

/** The candles both engines see: seeded GBM closes at 8 decimals (flat candles: open = high = low = close). */
function closes(): Float64Array {
  const random = createSeededRandom(42);
  const values = new Float64Array(bars);
  let price = 2000;
  const step = 0.6 * Math.sqrt(60 / (365 * 86_400));
  for (let i = 0; i < bars; i++) {
    if (i > 0) price *= Math.exp(step * random.normal());
    values[i] = Math.round(price * 1e8) / 1e8;
  }
  return values;
}

function runGrademark(prices: Float64Array) {
  const require = createRequire(import.meta.url);
  const dataForge = require('data-forge');
  const { backtest } = require('grademark') as { backtest: (strategy: object, series: unknown) => unknown[] };
  const candles = Array.from(prices, (close, i) => ({ time: new Date((start + i * 60) * 1000), open: close, high: close, low: close, close, volume: 1 }));
  const began = performance.now();
  // The way grademark's README adds indicators: data-forge series (sma = a rolling window's average).
  let series = new dataForge.DataFrame({ values: candles });
  const close = series.deflate((bar: { close: number }) => bar.close);
  series = series
    .withSeries('fast', close.rollingWindow(fastPeriod).select((window: { average(): number }) => window.average()))
    .withSeries('slow', close.rollingWindow(slowPeriod).select((window: { average(): number }) => window.average()))
    .skip(slowPeriod);
  const trades = backtest(
    {
      entryRule: (enter: (options: object) => void, args: { bar: { fast: number; slow: number } }) => {
        if (args.bar.fast > args.bar.slow) enter({ direction: 'long' });
      },
      exitRule: (exit: () => void, args: { bar: { fast: number; slow: number } }) => {
        if (args.bar.fast < args.bar.slow) exit();
      },
    },
    series,
  );
  return { seconds: (performance.now() - began) / 1000, trades: trades.length };
}

async function runMandate(prices: Float64Array) {
  const feed = backtestMarket.oracle!;
  function* events(): Generator<OracleUpdate> {
    for (let i = 0; i < prices.length; i++) {
      const time = start + i * 60;
      yield { kind: 'oracle', feed, roundId: BigInt(i + 1), answer: BigInt(Math.round(prices[i]! * 1e8)), decimals: 8, updatedAt: BigInt(time), time };
    }
  }
  const began = performance.now();
  const result = await runBacktest({
    strategy: 'trend',
    params: { fastPeriod, slowPeriod },
    data: events(),
    // Fills as fast as the policy lets them, so both engines trade every cross.
    settings: { risk: { cooldownSeconds: 0, allowance: { capUsd: '1000000000', refillUsd: '1000000000' } } },
  });
  return { seconds: (performance.now() - began) / 1000, trades: result.trades.length, signals: result.summary.signals, decisions: result.summary.decisions };
}

const prices = closes();
const cpuBefore = process.cpuUsage();
const measured = engine === 'grademark' ? runGrademark(prices) : await runMandate(prices);
const cpu = process.cpuUsage(cpuBefore);
// Shared machines: CPU time is what one core spent, whatever else ran beside it.
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
process.stdout.write(
  `${JSON.stringify({
    engine,
    bars,
    fastPeriod,
    slowPeriod,
    ...measured,
    seconds: Number(measured.seconds.toFixed(3)),
    barsPerSecond: Math.round(bars / measured.seconds),
    cpuSeconds: Number(cpuSeconds.toFixed(3)),
    barsPerCpuSecond: Math.round(bars / cpuSeconds),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  })}\n`,
);
