import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MarketEvent, OracleUpdate, PoolUpdate } from '../agent/model/market-event.js';
import { backtestMarket } from '../backtest/backtest-market.js';
import {
  bootstrapSource,
  chainlinkCsvSource,
  detectCsvLayout,
  gbmSource,
  GeneratorParameterError,
  ohlcvCsvSource,
  openCsvSource,
  uniswapEventsCsvSource,
  type HistoricalSource,
} from '../backtest/sources/index.js';

const feed = backtestMarket.oracle!;
const pool = backtestMarket.pool!;
const chainlinkPath = 'data/chainlink/eth-usd.csv';
const uniswapPath = 'data/uniswap-v3/usdc-weth-500-2024-01-05.events.csv';
const directory = mkdtempSync(join(tmpdir(), 'mandate-sources-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function collect(source: HistoricalSource): Promise<MarketEvent[]> {
  const events: MarketEvent[] = [];
  for await (const batch of source.batches() as AsyncIterable<readonly MarketEvent[]>) events.push(...batch);
  return events;
}

/** Rows of a CSV by header name, read directly (the test's own parser, independent of the sources). */
function rowsOf(path: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(path, 'utf8').split('\n').filter((line) => line.trim() !== '');
  const header = head!.split(',').map((name) => name.trim());
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [header[i], cell.trim()])));
}

function file(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

describe('Chainlink rounds CSV', () => {
  it('replays the real newest-first history oldest first, rejecting the all-zero round as live feeds do', async () => {
    const source = chainlinkCsvSource({ path: chainlinkPath, feed });
    const events = (await collect(source)) as OracleUpdate[];
    const rows = rowsOf(chainlinkPath);
    const valid = rows.filter((row) => BigInt(row.answer!) > 0n && BigInt(row.update!) > 0n);
    const stats = source.stats();
    expect(stats.rows).toBe(rows.length);
    expect(stats.rejectedByReason['non-positive-answer']).toBe(rows.length - valid.length);
    expect(stats.emitted + stats.rejected).toBe(stats.rows);
    expect(events.length).toBe(stats.emitted);
    for (let i = 1; i < events.length; i++) expect(events[i]!.time).toBeGreaterThanOrEqual(events[i - 1]!.time);
    const oldest = valid.reduce((a, b) => (BigInt(a.round!) < BigInt(b.round!) ? a : b));
    expect(events[0]!.answer).toBe(BigInt(oldest.answer!));
    expect(events[0]!.feed).toBe(feed);
  });

  it('streams an ascending file and counts each bad row by the validator reason', async () => {
    const path = file(
      'rounds.csv',
      [
        'round,answer,start,update,answeredInRound',
        '1,200000000000,100,100,1',
        '2,0,110,110,2', // non-positive answer
        '3,201000000000,120,0,3', // updatedAt 0
        '3,201000000000,120,120,3',
        '3,201000000000,120,120,3', // duplicate round
        '2,199000000000,125,125,2', // earlier round id
        'x,1,1,1,1', // unparsable
        '4,202000000000,90,90,4', // later round, earlier time
        '5,203000000000,130,130,5',
      ].join('\n'),
    );
    const source = chainlinkCsvSource({ path, feed });
    const events = (await collect(source)) as OracleUpdate[];
    expect(events.map((e) => e.roundId)).toEqual([1n, 3n, 5n]);
    expect(source.stats()).toEqual({
      rows: 9,
      emitted: 3,
      rejected: 6,
      rejectedByReason: {
        'non-positive-answer': 1,
        'zero-updated-at': 1,
        'duplicate-round': 1,
        'out-of-order': 1,
        unparsable: 1,
        'time-out-of-order': 1,
      },
    });
  });
});

describe('Uniswap events CSV', () => {
  it('turns every real SWAP row into the pool state after it, plus in-range liquidity changes', async () => {
    const source = uniswapEventsCsvSource({ path: uniswapPath, pool });
    const events = (await collect(source)) as PoolUpdate[];
    const rows = rowsOf(uniswapPath);
    const swaps = rows.filter((row) => row.tx_type === 'SWAP');
    const fromSwaps = events.filter((event) => event.amount0 !== undefined);
    expect(fromSwaps).toHaveLength(swaps.length);
    expect(fromSwaps[0]!.sqrtPriceX96).toBe(BigInt(swaps[0]!.sqrtPriceX96!));
    expect(fromSwaps.at(-1)!.liquidity).toBe(BigInt(swaps.at(-1)!.total_liquidity!));
    // The first MINT in range (tick 199061 in [199060, 199070)) raises the active liquidity as the row says.
    const liquidityChanges = events.filter((event) => event.amount0 === undefined);
    expect(liquidityChanges.length).toBeGreaterThan(0);
    expect(source.stats().rows).toBe(rows.length);
    expect(source.stats().rejected).toBe(0);
  });

  it('rejects repeated and reordered logs and bad prices, and follows mints and burns in range', async () => {
    const header =
      'block_number,block_timestamp,tx_type,transaction_hash,pool_tx_index,pool_log_index,proxy_log_index,sender,receipt,amount0,amount1,total_liquidity,total_liquidity_delta,sqrtPriceX96,current_tick,position_id,tick_lower,tick_upper,liquidity';
    const swap = (block: number, log: number, sqrt: string, liquidity = '1000') =>
      `${block},2024-01-05 00:00:${String(block % 60).padStart(2, '0')},SWAP,0x,0,${log},,0x,0x,5,-3,${liquidity},0,${sqrt},199045.0,,,,`;
    const path = file(
      'events.csv',
      [
        header,
        swap(10, 1, '1662995104975155420368771254341874'),
        swap(10, 1, '1662995104975155420368771254341874'), // duplicate log
        swap(9, 5, '1662995104975155420368771254341874'), // earlier block
        swap(11, 0, '0'), // non-positive price
        `12,2024-01-05 00:00:12,MINT,0x,0,3,,0x,,1,1,0,0,0,199045.0,,199040.0,199050.0,500`,
        `12,2024-01-05 00:00:12,BURN,0x,0,4,,0x,,1,1,0,0,0,199045.0,,199100.0,199200.0,500`, // out of range: no event
        swap(13, 0, 'NaN'), // unparsable
      ].join('\n'),
    );
    const source = uniswapEventsCsvSource({ path, pool });
    const events = (await collect(source)) as PoolUpdate[];
    expect(events.map((e) => e.liquidity)).toEqual([1000n, 1500n]);
    expect(events[1]!.sqrtPriceX96).toBe(events[0]!.sqrtPriceX96);
    expect(source.stats().rejectedByReason).toEqual({ duplicate: 1, 'out-of-order': 1, 'non-positive-price': 1, unparsable: 1 });
  });
});

describe('OHLCV candles CSV', () => {
  const candles = [
    'timestamp,open,high,low,close,volume',
    '2024-01-01T00:01:00Z,100,110,90,105,1',
    '1704067320,105,106,95,96.5,1',
    '1704067320,105,106,95,96.5,1', // duplicate candle
    '1704067380000,96.5,97,96,-1,1', // non-positive close
    '1704067440,abc,1,1,1,1', // open does not parse (only path mode reads it)
    '1704067500,96,97,95,96.12345678901,1',
  ].join('\n');

  it('makes one oracle event per candle at its close, exact in bigint, with bad candles rejected', async () => {
    const source = ohlcvCsvSource({ path: file('candles.csv', candles), feed });
    const events = (await collect(source)) as OracleUpdate[];
    expect(events.map((e) => e.answer)).toEqual([10_500_000_000n, 9_650_000_000n, 100_000_000n, 9_612_345_678n]);
    expect(events.map((e) => e.time)).toEqual([1704067260, 1704067320, 1704067440, 1704067500]);
    expect(source.stats().rejectedByReason).toEqual({ 'duplicate-round': 1, 'non-positive-answer': 1 });
  });

  it('in path mode walks open, low, high, close for up candles and open, high, low, close for down ones', async () => {
    const source = ohlcvCsvSource({ path: file('candles-path.csv', candles), feed, mode: 'path' });
    const events = (await collect(source)) as OracleUpdate[];
    expect(events.slice(0, 8).map((e) => Number(e.answer) / 1e8)).toEqual([100, 90, 110, 105, 105, 106, 95, 96.5]);
    expect(source.stats().rejectedByReason.unparsable).toBe(1);
  });
});

describe('layout detection', () => {
  it('tells the three layouts apart by header and refuses anything else, naming the columns', async () => {
    expect(detectCsvLayout(['', 'round', 'answer', 'start', 'update', 'answeredInRound'])).toBe('chainlink-rounds');
    expect(detectCsvLayout(['timestamp', 'open', 'high', 'low', 'close', 'volume'])).toBe('ohlcv');
    expect((await openCsvSource({ path: uniswapPath, feed, pool })).kind).toBe('uniswap-events-csv');
    expect((await openCsvSource({ path: chainlinkPath, feed, pool })).kind).toBe('chainlink-csv');
    await expect(openCsvSource({ path: file('other.csv', 'a,b\n1,2'), feed, pool })).rejects.toThrow(/no layout/);
    await expect(openCsvSource({ path: file('headless.csv', '1,190818855732,1680734315,1680734315,1\n'), feed, pool })).rejects.toThrow(/has no header row/);
  });
});

describe('generators', () => {
  it('GBM is reproducible from its seed and different for another seed', async () => {
    const a = (await collect(gbmSource({ events: 5000, feed, seed: 7 }))) as OracleUpdate[];
    const b = (await collect(gbmSource({ events: 5000, feed, seed: 7 }))) as OracleUpdate[];
    const c = (await collect(gbmSource({ events: 5000, feed, seed: 8 }))) as OracleUpdate[];
    expect(a.map((e) => e.answer)).toEqual(b.map((e) => e.answer));
    expect(a.map((e) => e.answer)).not.toEqual(c.map((e) => e.answer));
    expect(a[0]!.answer).toBe(200_000_000_000n);
    expect(a.every((e, i) => e.updatedAt === BigInt(e.time) && (i === 0 || e.roundId > a[i - 1]!.roundId))).toBe(true);
  });

  it('GBM matches its volatility: the sample standard deviation of log returns ≈ σ√dt', async () => {
    const events = (await collect(gbmSource({ events: 50_000, feed, volatility: 0.8, intervalSeconds: 60, seed: 3 }))) as OracleUpdate[];
    const returns = events.slice(1).map((e, i) => Math.log(Number(e.answer) / Number(events[i]!.answer)));
    const mean = returns.reduce((s, r) => s + r, 0) / returns.length;
    const sd = Math.sqrt(returns.reduce((s, r) => s + (r - mean) ** 2, 0) / (returns.length - 1));
    expect(sd / (0.8 * Math.sqrt(60 / (365 * 86400)))).toBeCloseTo(1, 1);
  });

  it('is lazy: a trillion-event generator yields its first batches at once, each a bounded array', () => {
    const iterator = (gbmSource({ events: 1e12, feed }).batches() as Iterable<readonly MarketEvent[]>)[Symbol.iterator]();
    for (let i = 0; i < 3; i++) expect(iterator.next().value!.length).toBe(4096);
  });

  it('block bootstrap only uses real returns, in blocks of consecutive ones', async () => {
    const prices = (await collect(chainlinkCsvSource({ path: chainlinkPath, feed }))).map((e) => Number((e as OracleUpdate).answer) / 1e8);
    const real = prices.slice(1).map((p, i) => Math.log(p / prices[i]!));
    const events = (await collect(bootstrapSource({ prices, events: 2001, feed, blockLength: 10, seed: 5 }))) as OracleUpdate[];
    const generated = events.slice(1).map((e, i) => Math.log(Number(e.answer) / Number(events[i]!.answer)));
    // Each block of 10 generated returns is a run of 10 consecutive real returns (up to 8-decimal rounding).
    for (let block = 0; block < 200; block += 37) {
      const first = generated[block * 10]!;
      const start = real.findIndex((r, i) => i + 10 <= real.length && generated.slice(block * 10, block * 10 + 10).every((g, k) => Math.abs(g - real[i + k]!) < 1e-6) && Math.abs(r - first) < 1e-6);
      expect(start).toBeGreaterThanOrEqual(0);
    }
    expect(() => bootstrapSource({ prices: [1, 2], events: 10, feed, blockLength: 5 })).toThrow(GeneratorParameterError);
  });
});
