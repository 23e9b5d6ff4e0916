import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createVirtualClock } from '../agent/model/clock.js';
import type { RecordedDecision } from '../agent/model/decision.js';
import { openJournal } from '../agent/journal/open-journal.js';
import type { MarketEvent, OracleUpdate } from '../agent/model/market-event.js';
import { backtestMarket } from '../backtest/backtest-market.js';
import { runBacktest, type BacktestResult } from '../backtest/run-backtest.js';
import { gbmSource } from '../backtest/sources/index.js';
import { defineStrategy } from '../strategies/define-strategy.js';

const chainlinkPath = 'data/chainlink/eth-usd.csv';
const uniswapPath = 'data/uniswap-v3/usdc-weth-500-2024-01-05.events.csv';
const feed = backtestMarket.oracle!;
const directory = mkdtempSync(join(tmpdir(), 'mandate-backtest-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const trendParams = { fastPeriod: 12, slowPeriod: 48 };
const toJson = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/** The valid rounds of the Chainlink file (answer > 0, updatedAt > 0), oldest first, read by header here. */
function validRounds(): { answer: bigint; time: number }[] {
  const [head, ...lines] = readFileSync(chainlinkPath, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const header = head!.split(',');
  const column = (name: string) => header.indexOf(name);
  return lines
    .map((line) => line.split(','))
    .map((cells) => ({ round: BigInt(cells[column('round')]!), answer: BigInt(cells[column('answer')]!), time: Number(cells[column('update')]) }))
    .filter((row) => row.answer > 0n && row.time > 0)
    .sort((a, b) => (a.round < b.round ? -1 : 1));
}

/** Oracle events every 12 s at the given prices. */
function oracleEvents(prices: number[], start = 1_704_067_200): OracleUpdate[] {
  return prices.map((price, i) => ({
    kind: 'oracle',
    feed,
    roundId: BigInt(i + 1),
    answer: BigInt(Math.round(price * 1e8)),
    decimals: 8,
    updatedAt: BigInt(start + i * 12),
    time: start + i * 12,
  }));
}

/** Buys once, on the event at `at`. */
const buyOnce = defineStrategy({
  name: 'buy-once',
  description: 'buys once at a given time',
  params: z.object({ at: z.number().default(0) }),
  requires: ['oracle'],
  init: () => ({ done: false }),
  onMarket(market, ctx) {
    if (ctx.state.done || ctx.now() !== ctx.params.at) return undefined;
    ctx.state.done = true;
    return { strategyId: ctx.id, side: 'buy', strength: 1, reason: 'test buy', time: ctx.now() };
  },
});

describe('runBacktest on the real ETH/USD history', () => {
  let first: BacktestResult;

  it('reports a buy-and-hold return equal to the one computed by hand from the CSV', async () => {
    first = await runBacktest({ strategy: 'trend', params: trendParams, data: chainlinkPath });
    const rounds = validRounds();
    const byHand = Number(rounds.at(-1)!.answer) / Number(rounds[0]!.answer) - 1;
    expect(first.metrics.buyAndHoldReturn).toBeCloseTo(byHand, 12);
    expect(first.summary.events).toBe(rounds.length);
    expect(first.source.stats.rejectedByReason['non-positive-answer']).toBe(1);
    expect(first.metrics.trades).toBe(first.trades.length);
    expect(first.metrics.trades).toBeGreaterThan(10);
    expect(first.summary.decisions).toBe(first.summary.signals);
    expect(first.equityCurve.length).toBeGreaterThan(100);
    expect(first.equityCurve.at(-1)!.equity).toBeCloseTo(first.metrics.finalEquity, 6);
    expect(first.equityCurve.at(-1)!.buyAndHold).toBeCloseTo(100_000 * (1 + byHand), 6);
    expect(first.metrics.gas).toBeGreaterThan(0);
    expect(first.metrics.fees).toBeGreaterThan(0);
    expect(first.metrics.sharpe).toBeTypeOf('number');
    expect(first.metrics.winRate).toBeGreaterThanOrEqual(0);
  });

  it('honours --from/--to: buy-and-hold is computed on the window', async () => {
    const rounds = validRounds();
    const from = rounds[1000]!.time;
    const to = rounds[3000]!.time;
    const inside = rounds.filter((r) => r.time >= from && r.time <= to);
    const result = await runBacktest({ strategy: 'trend', params: trendParams, data: chainlinkPath, from, to });
    expect(result.summary.events).toBe(inside.length);
    expect(result.metrics.buyAndHoldReturn).toBeCloseTo(Number(inside.at(-1)!.answer) / Number(inside[0]!.answer) - 1, 12);
    expect(result.from).toBe(inside[0]!.time);
    expect(result.to).toBe(inside.at(-1)!.time);
  });

  it('is deterministic: the same inputs give the same result and the same decision hashes', async () => {
    const hashes: string[][] = [[], []];
    const a = await runBacktest({ strategy: 'trend', params: trendParams, data: chainlinkPath, onDecision: (d) => hashes[0]!.push(d.hash) });
    const b = await runBacktest({ strategy: 'trend', params: trendParams, data: chainlinkPath, onDecision: (d) => hashes[1]!.push(d.hash) });
    expect(toJson(b)).toBe(toJson(a));
    expect(toJson(a)).toBe(toJson(first));
    expect(hashes[0]).toEqual(hashes[1]);
    expect(hashes[0]!.length).toBe(a.summary.decisions);
  });

  it('journals every decision under a run of mode backtest, as a live run would', async () => {
    const path = join(directory, 'journal.sqlite');
    const result = await runBacktest({ strategy: 'trend', params: trendParams, data: chainlinkPath, journalPath: path });
    const again = await runBacktest({ strategy: 'trend', params: trendParams, data: chainlinkPath, journalPath: path });
    expect(again.runId).toBe(`${result.runId}-2`);
    const journal = openJournal({ path, clock: createVirtualClock(0) });
    try {
      const run = journal.runs.get(result.runId)!;
      expect(run.mode).toBe('backtest');
      expect(run.status).toBe('completed');
      const decisions = journal.decisions.list({ runId: result.runId });
      expect(decisions).toHaveLength(result.summary.decisions);
      expect(decisions.filter((d) => d.status === 'trade')).toHaveLength(result.trades.length);
      expect(decisions.filter((d) => d.status === 'trade').map((d) => d.content.id)).toEqual(result.trades.map((t) => t.decisionId));
    } finally {
      journal.close();
    }
  });

  it('denies what the vault would deny, counted by reason exactly like the journal', async () => {
    const result = await runBacktest({
      strategy: 'trend',
      params: trendParams,
      data: chainlinkPath,
      settings: { risk: { maxTradeUsd: '1000' } },
    });
    expect(result.trades).toHaveLength(0);
    expect(result.denialsByReason.TradeValueExceedsCap).toBe(result.summary.denied);
    expect(result.metrics.denials).toBe(result.summary.denied);
    expect(result.summary.denied).toBe(result.summary.signals - result.summary.holds);
  });

  it('charges cooldown and allowance denials when trades come too fast', async () => {
    const result = await runBacktest({
      strategy: 'trend',
      params: { fastPeriod: 2, slowPeriod: 3 },
      data: chainlinkPath,
      to: validRounds()[2000]!.time,
      settings: { risk: { cooldownSeconds: 86_400 } },
    });
    expect(result.denialsByReason.CooldownActive).toBeGreaterThan(0);
    for (let i = 1; i < result.trades.length; i++) expect(result.trades[i]!.time - result.trades[i - 1]!.time).toBeGreaterThanOrEqual(86_400);
  });
});

describe('honesty', () => {
  it('never shows a strategy or the reasoner an event after the one being processed (lookahead)', async () => {
    let violations = 0;
    let calls = 0;
    let maxSeen = Number.NEGATIVE_INFINITY;
    const peeker = defineStrategy({
      name: 'peeker',
      description: 'records the newest time it can see anywhere in the snapshot',
      params: z.object({}),
      init: () => ({}),
      onMarket(market, ctx) {
        calls++;
        for (const round of market.oracles.values()) maxSeen = Math.max(maxSeen, round.time);
        for (const slot0 of market.pools.values()) maxSeen = Math.max(maxSeen, slot0.time);
        if (maxSeen > ctx.now() || market.last?.time !== ctx.now()) violations++;
        // Signal often, so fills with latency look ahead while the strategy must not.
        return calls % 50 === 0 ? { strategyId: ctx.id, side: calls % 100 === 0 ? 'sell' : 'buy', strength: 1, reason: 'peek', time: ctx.now() } : undefined;
      },
    });
    const result = await runBacktest({
      strategy: peeker,
      data: gbmSource({ events: 20_000, feed, intervalSeconds: 4, seed: 11 }),
      settings: { backtest: { latencyBlocks: 3, blockTimeSeconds: 12 }, risk: { cooldownSeconds: 0 } },
    });
    expect(calls).toBe(20_000);
    expect(violations).toBe(0);
    expect(result.trades.length).toBeGreaterThan(10);
    // Each fill met the market 3 blocks (36 s = 9 events) after its decision, never before it.
    for (const trade of result.trades) expect(trade.time - trade.decidedAt).toBe(36);
  });

  it('fills on the state after the decision: with latency, at the next event’s price; without, at the decision’s', async () => {
    const events = oracleEvents([2000, 2000, 2000, 1990, 1980]);
    const at = events[2]!.time;
    const late = await runBacktest({ strategy: buyOnce, params: { at }, data: events, settings: { backtest: { latencyBlocks: 1, blockTimeSeconds: 12 } } });
    expect(late.trades).toHaveLength(1);
    expect(late.trades[0]!.decidedAt).toBe(at);
    expect(late.trades[0]!.time).toBe(at + 12);
    expect(late.trades[0]!.marketPrice).toBe(1990);
    const now = await runBacktest({ strategy: buyOnce, params: { at }, data: events, settings: { backtest: { latencyBlocks: 0 } } });
    expect(now.trades[0]!.time).toBe(at);
    expect(now.trades[0]!.marketPrice).toBe(2000);
    // The better later price buys more.
    expect(late.trades[0]!.amountOut).toBeGreaterThan(now.trades[0]!.amountOut);
  });

  it('moves the simulated pool with our own trades: a big buy pays price impact beyond the fee', async () => {
    const events = oracleEvents([2000, 2000, 2000]);
    const settings = {
      backtest: { latencyBlocks: 0, initialCapitalUsd: '10000000' },
      execution: { maxTradeSizeUsd: '5000000' },
      risk: { maxTradeUsd: '10000000', allowance: { capUsd: '10000000', refillUsd: '10000000' } },
    };
    const small = await runBacktest({ strategy: buyOnce, params: { at: events[1]!.time }, data: events, settings: { ...settings, execution: { maxTradeSizeUsd: '1000' } } });
    // Past the reasoner's 0.5 % slippage the vault refuses the fill (InsufficientOutput), as on chain.
    const refused = await runBacktest({ strategy: buyOnce, params: { at: events[1]!.time }, data: events, settings });
    expect(refused.trades).toHaveLength(0);
    expect(refused.failuresByReason.InsufficientOutput).toBe(1);
    const big = await runBacktest({
      strategy: buyOnce,
      params: { at: events[1]!.time },
      data: events,
      settings: { ...settings, execution: { maxTradeSizeUsd: '5000000', slippageBps: 400 }, risk: { ...settings.risk, maxSlippageBps: 500 } },
    });
    expect(small.trades[0]!.price / 2000 - 1).toBeLessThan(0.0006);
    expect(big.trades[0]!.price / 2000 - 1).toBeGreaterThan(0.001);
    expect(big.trades[0]!.ticksCrossed).toBeGreaterThanOrEqual(0);
    expect(big.metrics.fees).toBeCloseTo(5000000 * 0.0005, 0);
  });
});

describe('other data', () => {
  it('replays the real Uniswap pool events, priced by the pool when the data has no oracle', async () => {
    const decisions: RecordedDecision[] = [];
    const result = await runBacktest({
      strategy: 'trend',
      params: { fastPeriod: 20, slowPeriod: 100, priceSource: 'pool' },
      data: uniswapPath,
      settings: { risk: { cooldownSeconds: 0 } },
      onDecision: (d) => decisions.push(d),
    });
    expect(result.policyPricing).toBe('pool');
    expect(result.source.kind).toBe('uniswap-events-csv');
    expect(result.summary.signals).toBeGreaterThan(5);
    expect(result.trades.length).toBeGreaterThan(0);
    expect(result.metrics.buyAndHoldReturn).not.toBe(0);
    expect(decisions.length).toBe(result.summary.decisions);
  });

  it('takes events from memory (the parity path) and reads back every decision', async () => {
    const events: MarketEvent[] = oracleEvents(Array.from({ length: 400 }, (_, i) => 2000 + 100 * Math.sin(i / 15)));
    const decisions: RecordedDecision[] = [];
    const result = await runBacktest({ strategy: 'trend', params: { fastPeriod: 5, slowPeriod: 20 }, data: events, onDecision: (d) => decisions.push(d) });
    expect(result.source.kind).toBe('events');
    expect(decisions.map((d) => d.content.signal?.time)).toEqual(decisions.map((d) => d.content.time));
    expect(decisions.length).toBe(result.summary.signals);
  });
});

describe('journal failure', () => {
  it('stops the backtest with the kernel journal error and marks the run failed', async () => {
    const path = join(directory, 'failing.sqlite');
    const journal = openJournal({ path, clock: createVirtualClock(0) });
    try {
      // A trigger that refuses every decision row: the journal fails on the first signal.
      journal.db.exec(`CREATE TRIGGER refuse BEFORE INSERT ON decisions BEGIN SELECT RAISE(ABORT, 'disk says no'); END;`);
      const run = runBacktest({ strategy: 'trend', params: trendParams, data: chainlinkPath, journal, runId: 'failing' });
      await expect(run).rejects.toThrow(/journal failed/);
      expect(journal.runs.get('failing')?.status).toBe('failed');
    } finally {
      journal.close();
    }
  });
});

describe('candles and resampled history', () => {
  it('backtests OHLCV candles from a file and a block bootstrap of the real returns', async () => {
    const { writeFileSync } = await import('node:fs');
    const path = join(directory, 'candles.csv');
    const lines = ['timestamp,open,high,low,close,volume'];
    for (let i = 0; i < 3000; i++) {
      const close = (2000 + 150 * Math.sin(i / 40) + 20 * Math.sin(i / 7)).toFixed(2);
      lines.push(`${1_704_067_200 + i * 3600},${close},${close},${close},${close},1`);
    }
    writeFileSync(path, `${lines.join('\n')}\n`);
    const candles = await runBacktest({ strategy: 'trend', params: { fastPeriod: 5, slowPeriod: 20 }, data: path });
    expect(candles.source.kind).toBe('ohlcv-csv');
    expect(candles.summary.events).toBe(3000);
    expect(candles.trades.length).toBeGreaterThan(10);
    const first = Number(lines[1]!.split(',')[4]);
    const last = Number(lines.at(-1)!.split(',')[4]);
    expect(candles.metrics.buyAndHoldReturn).toBeCloseTo(last / first - 1, 12);

    const { bootstrapSource, chainlinkCsvSource } = await import('../backtest/sources/index.js');
    const prices: number[] = [];
    for await (const batch of chainlinkCsvSource({ path: chainlinkPath, feed }).batches() as AsyncIterable<readonly OracleUpdate[]>) {
      for (const round of batch) prices.push(Number(round.answer) / 1e8);
    }
    const resampled = await runBacktest({
      strategy: 'trend',
      params: trendParams,
      data: bootstrapSource({ prices, events: 20_000, feed, intervalSeconds: 3600, seed: 4 }),
    });
    expect(resampled.source.kind).toBe('bootstrap');
    expect(resampled.summary.events).toBe(20_000);
    expect(resampled.trades.length).toBeGreaterThan(0);
  });
});

describe('every strategy of the config together', () => {
  it("runs two strategies on one portfolio and policy: one's trade causes the other's cooldown denial", async () => {
    const events = oracleEvents([2000, 2000, 2000, 2000, 2000]);
    const outcomes: string[] = [];
    const heard = defineStrategy({
      name: 'buy-once-listening',
      description: 'buys once and records what became of it',
      params: z.object({ at: z.number() }),
      requires: ['oracle'],
      init: () => ({ done: false }),
      onMarket(_market, ctx) {
        if (ctx.state.done || ctx.now() !== ctx.params.at) return undefined;
        ctx.state.done = true;
        return ctx.signal('buy', { reason: `buy at ${ctx.params.at}` });
      },
      onOutcome(outcome, ctx) {
        outcomes.push(`${ctx.id} ${outcome.outcome} ${outcome.reason ?? ''}`.trim());
      },
    });
    const result = await runBacktest({
      config: { strategies: [{ id: 'first', use: heard, params: { at: events[1]!.time } }, { id: 'second', use: heard, params: { at: events[2]!.time } }] },
      settings: { risk: { cooldownSeconds: 3600 }, backtest: { latencyBlocks: 0 } },
      data: events,
    });
    expect(result.runStrategies.map((strategy) => strategy.id)).toEqual(['first', 'second']);
    expect(result.strategies.first).toMatchObject({ signals: 1, trades: 1, denials: 0 });
    expect(result.strategies.second).toMatchObject({ signals: 1, trades: 0, denials: 1, denialsByReason: { CooldownActive: 1 } });
    expect(outcomes).toEqual(['first trade', 'second denied CooldownActive']);
    // The portfolio's PnL is the sum of the strategies' own.
    const pnl = result.strategies.first!.pnl + result.strategies.second!.pnl;
    expect(pnl).toBeCloseTo(result.metrics.finalEquity - result.metrics.initialEquity, 6);
    expect(result.strategies.second!.pnl).toBe(0);
  });
});
