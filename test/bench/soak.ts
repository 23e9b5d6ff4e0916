/**
 * Soak: a live-mode agent (kernel.run() on an RxJS market$) fed 1,000,000 market events from a local
 * generator, with the built-in trend and mean-reversion strategies, the rules reasoner, the vault's policy
 * gate, a paper executor, a real SQLite journal with live durability (FULL sync) and the telemetry server
 * scraped along the way. Reports RSS at the start, after warm-up and at the end, the growth (target under
 * 50 MB) and events/s.
 *
 * The generator emits in slices of a few thousand events per macrotask, as a live source delivers block
 * ranges, so signals are decided while events keep coming (latest signal per strategy wins; superseded
 * signals are journaled too, as live).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Observable } from 'rxjs';
import { oraclePriceToSqrtPriceX96 } from '../../agent/chain/price/sqrt-price.js';
import { vaultPolicyFromRisk } from '../../agent/config/vault-policy-from-risk.js';
import { configSchema } from '../../agent/config/config-schema.js';
import { openJournal } from '../../agent/journal/open-journal.js';
import { createVirtualClock } from '../../agent/model/clock.js';
import { createKernel } from '../../agent/kernel/create-kernel.js';
import type { Executor } from '../../agent/model/ports.js';
import type { Fill } from '../../agent/model/decision.js';
import { toAddress, type Address, type Hex } from '../../agent/model/address.js';
import type { MarketEvent } from '../../agent/model/market-event.js';
import { createAgentTelemetry, parsePrometheusText, statusFigures } from '../../agent/observability/index.js';
import { createPolicyGate } from '../../agent/policy/create-policy-gate.js';
import { createPolicyState } from '../../agent/policy/create-policy-state.js';
import { createRulesReasoner } from '../../agent/reasoning/rules-reasoner.js';
import { createStrategyInstance } from '../../strategies/define-strategy.js';
import { meanReversion } from '../../strategies/mean-reversion.js';
import { trend } from '../../strategies/trend.js';
import type { Benchmark } from './benchmark.js';

const ethUsd = toAddress('0x5f4ec3df9cbd43714fe2740f5e3616155c5b8419');
const usdcUsd = toAddress('0x8fffffd4afb6115b954bd326cbe7b4ba576818f6');
const pool = toAddress('0x88e6a0c2ddd26feeb64f039a2c41296fcb3f5640');
const weth = { address: toAddress('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2'), decimals: 18, symbol: 'WETH' };
const usdc = { address: toAddress('0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48'), decimals: 6, symbol: 'USDC' };
const t0 = 1_700_000_000;
const MB = 2 ** 20;

export type SoakParameters = {
  /** Default 1,000,000. */
  events?: number | undefined;
  /** Events emitted per macrotask. Default 2,000. */
  sliceSize?: number | undefined;
  /** Scrape /metrics every this many events. Default 100,000. */
  scrapeEvery?: number | undefined;
  seed?: number | undefined;
};

/** A small seeded generator (mulberry32): the same market every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * The local event source: ETH/USD rounds on a random walk (one in ten events), USDC/USD at 1.00 (hourly),
 * and pool swaps around the oracle price (the rest), two seconds apart, created as they are emitted so the
 * source itself holds no memory.
 */
function generatedMarket(count: number, sliceSize: number, seed: number): Observable<MarketEvent> {
  return new Observable<MarketEvent>((subscriber) => {
    const random = seeded(seed);
    let price = 2_000 * 1e8;
    let i = 0;
    let round = 0n;
    let usdcRound = 0n;
    let stopped = false;
    const pair = { base: weth, quote: usdc, feedDecimals: 8 };
    const next = (): MarketEvent => {
      const time = t0 + i * 2;
      const n = i++;
      if (n % 1_800 === 0) {
        usdcRound += 1n;
        return { kind: 'oracle', feed: usdcUsd, roundId: usdcRound, answer: 100_000_000n, decimals: 8, updatedAt: BigInt(time), time };
      }
      if (n % 10 === 1) {
        price = Math.max(100e8, price * (1 + (random() - 0.5) * 0.004));
        round += 1n;
        return { kind: 'oracle', feed: ethUsd, roundId: round, answer: BigInt(Math.round(price)), decimals: 8, updatedAt: BigInt(time), time };
      }
      const poolAnswer = BigInt(Math.round(price * (1 + (random() - 0.5) * 0.002)));
      return {
        kind: 'pool',
        pool,
        sqrtPriceX96: oraclePriceToSqrtPriceX96(poolAnswer, pair),
        tick: 0,
        liquidity: 10n ** 22n,
        block: BigInt(n),
        logIndex: 0,
        time,
      };
    };
    const emitSlice = () => {
      if (stopped) return;
      const end = Math.min(count, i + sliceSize);
      while (i < end && !stopped) subscriber.next(next());
      if (i >= count) subscriber.complete();
      else setImmediate(emitSlice);
    };
    setImmediate(emitSlice);
    return () => {
      stopped = true;
    };
  });
}

export type SoakResult = {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  rssStartMb: number;
  rssAfterWarmupMb: number;
  rssEndMb: number;
  rssPeakMb: number;
  rssGrowthMb: number;
  rssGrowthAfterWarmupMb: number;
  heapUsedStartMb: number;
  heapUsedEndMb: number;
  decisions: number;
  trades: number;
  denied: number;
  holds: number;
  superseded: number;
  failed: number;
  journalMb: number;
  scrapes: number;
  healthAtEnd: string;
};

const mb = (bytes: number) => Math.round((bytes / MB) * 10) / 10;

/**
 * Runs the soak (see the file comment) and returns its figures.
 *
 * @example
 * const { rssGrowthMb, eventsPerSecond } = await runSoak({ events: 1_000_000 });
 */
export async function runSoak(parameters: SoakParameters = {}): Promise<SoakResult> {
  const count = parameters.events ?? 1_000_000;
  const scrapeEvery = parameters.scrapeEvery ?? 100_000;
  const dir = mkdtempSync(join(tmpdir(), 'mandate-soak-'));
  const clock = createVirtualClock(t0 * 1000);
  const journal = openJournal({ path: join(dir, 'journal.sqlite'), clock });
  try {
    const runId = 'soak';
    journal.runs.start({ id: runId, configDigest: `0x${'0'.repeat(64)}`, mode: 'live', chainId: 31_337, vault: weth.address });
    const market = { oracle: ethUsd, pool, poolFee: 500, base: weth, quote: usdc };
    const strategies = [
      createStrategyInstance(trend, { id: 'trend', params: { fastPeriod: 50, slowPeriod: 200 }, market }),
      createStrategyInstance(meanReversion, { id: 'mean-reversion', params: { window: 200, entryZ: 3 }, market }),
    ];
    const risk = configSchema.parse({}).risk;
    const gate = createPolicyGate({
      state: createPolicyState({
        policy: vaultPolicyFromRisk(risk),
        tokens: [
          { address: weth.address, feed: ethUsd, decimals: 18 },
          { address: usdc.address, feed: usdcUsd, decimals: 6 },
        ],
        pools: [{ tokenA: weth.address, tokenB: usdc.address, fee: 500 }],
        deployedAt: t0,
      }),
      market: () => kernel.market,
    });
    const balances = new Map<Address, bigint>([
      [weth.address, 50n * 10n ** 18n],
      [usdc.address, 100_000n * 10n ** 6n],
    ]);
    let block = 0n;
    // Fills at the intent's minimum out and tells the gate, so cooldown and allowance follow the trades.
    const executor: Executor = {
      async balances() {
        return new Map(balances);
      },
      async execute(intent) {
        const time = Math.floor(clock.now() / 1000);
        const allowed = gate.recordExecuted(intent, { time });
        balances.set(intent.tokenIn, (balances.get(intent.tokenIn) ?? 0n) - intent.amountIn);
        balances.set(intent.tokenOut, (balances.get(intent.tokenOut) ?? 0n) + allowed.minAmountOutUsed);
        block += 1n;
        const fill: Fill = {
          txHash: `0x${block.toString(16).padStart(64, '0')}` as Hex,
          block,
          amountIn: intent.amountIn,
          amountOut: allowed.minAmountOutUsed,
          minAmountOutUsed: allowed.minAmountOutUsed,
          valueUsd: allowed.valueUsd,
          gasUsed: 180_000n,
          effectiveGasPrice: 1n,
        };
        return { ok: true, fill };
      },
    };
    const market$ = generatedMarket(count, parameters.sliceSize ?? 2_000, parameters.seed ?? 7);
    const kernel = createKernel({
      runId,
      strategies,
      reasoner: createRulesReasoner({ market: { oracle: ethUsd, quoteOracle: usdcUsd, poolFee: 500, base: weth, quote: usdc }, maxTradeQuote: '1000', maxSlippageBps: 50 }),
      riskGate: gate,
      executor,
      journal: journal.decisions,
      clock,
      tradeDeadlineSeconds: 120,
      market$,
    });
    const telemetry = await createAgentTelemetry({ runId, kernel, clock, server: { port: 0 } });

    let rssPeak = process.memoryUsage().rss;
    const start = process.memoryUsage();
    let rssAfterWarmup = start.rss;
    let scrapes = 0;
    let nextScrape = scrapeEvery;
    // Scrapes /metrics as Prometheus would, and samples memory, while the run goes on.
    const watcher = setInterval(() => {
      const rss = process.memoryUsage().rss;
      if (rss > rssPeak) rssPeak = rss;
      const events = kernel.summary().events;
      if (events >= nextScrape) {
        if (nextScrape === scrapeEvery) rssAfterWarmup = rss;
        nextScrape += scrapeEvery;
        scrapes += 1;
        void fetch(`${telemetry.url}/metrics`).then((r) => r.text());
      }
    }, 50);
    const began = performance.now();
    let summary;
    try {
      summary = await kernel.run();
    } finally {
      clearInterval(watcher);
    }
    const seconds = (performance.now() - began) / 1000;
    const end = process.memoryUsage();
    if (end.rss > rssPeak) rssPeak = end.rss;
    const figures = statusFigures(parsePrometheusText(await (await fetch(`${telemetry.url}/metrics`)).text()));
    const health = telemetry.health();
    await telemetry.close();
    if (figures.trades !== summary.trades) throw new Error(`telemetry counted ${figures.trades} trades, the kernel ${summary.trades}`);
    return {
      events: summary.events,
      seconds: Math.round(seconds * 10) / 10,
      eventsPerSecond: Math.round(summary.events / seconds),
      rssStartMb: mb(start.rss),
      rssAfterWarmupMb: mb(rssAfterWarmup),
      rssEndMb: mb(end.rss),
      rssPeakMb: mb(rssPeak),
      rssGrowthMb: mb(end.rss - start.rss),
      rssGrowthAfterWarmupMb: mb(end.rss - rssAfterWarmup),
      heapUsedStartMb: mb(start.heapUsed),
      heapUsedEndMb: mb(end.heapUsed),
      decisions: summary.decisions,
      trades: summary.trades,
      denied: summary.denied,
      holds: summary.holds,
      superseded: summary.superseded,
      failed: summary.failed,
      journalMb: mb(statSync(join(dir, 'journal.sqlite')).size + (statSync(join(dir, 'journal.sqlite-wal'), { throwIfNoEntry: false })?.size ?? 0)),
      scrapes: scrapes + 1,
      healthAtEnd: health.status,
    };
  } finally {
    journal.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The soak figures for `npm run bench`. */
export const bench: Benchmark = {
  name: 'soak',
  description: 'live-mode agent: 1,000,000 market events through strategies, rules, policy gate, SQLite journal and telemetry; RSS growth and events/s',
  async run() {
    const result = await runSoak({ events: 1_000_000 });
    return { ...result, targetRssGrowthMb: 50 };
  },
};
