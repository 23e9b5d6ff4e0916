import { existsSync } from 'node:fs';
import { MandateError } from '../../agent/model/base-error.js';
import { readCsv, readCsvHeader, requireColumns } from '../../agent/market/csv/read-csv.js';
import { TICK_SPACING_BY_FEE } from '../uniswap-v3/pool.js';
import { EVENTS_COLUMNS, parseEventsRow } from './events-row.js';
import { classifySwap, nativeSwapEngine, type PoolSnapshot, type SwapEngine, type SwapHypothesis, type SwapVerdict } from './replay-swap.js';

/** verify-swaps was called with options it cannot use. */
export class VerifySwapsOptionError extends MandateError {
  override name = 'VerifySwapsOptionError';
}

export type VerifySwapsParameters = {
  /** A CSV file in the data/uniswap-v3/*.events.csv layout. */
  path: string;
  /** The pool's fee in hundredths of a bip (500 = 0.05 %). */
  fee: number;
  /** Defaults to the factory's spacing for the fee. */
  tickSpacing?: number | undefined;
  /** How many mismatched and rejected rows to list (all are counted). Default 20. */
  listLimit?: number | undefined;
  /** The swap math to replay with; the native simulator unless a test compares another. */
  engine?: SwapEngine | undefined;
  /** Classify only the swaps this returns true for (by 0-based swap index); state follows every row. */
  sample?: ((swapIndex: number) => boolean) | undefined;
  /** Called with each classified swap's verdict. */
  onSwap?: ((line: number, verdict: SwapVerdict) => void) | undefined;
};

export type RowProblem = { line: number; reason: string };

export type VerifySwapsReturnType = {
  file: string;
  fee: number;
  tickSpacing: number;
  /** SWAP rows classified (all of them unless sampled). */
  swaps: number;
  /** Reproduced exactly: amount0, amount1, sqrtPriceX96 (and tick and liquidity). */
  matched: number;
  mismatched: number;
  /** Cannot be checked from the file: no prior state, or possibly several initialised ticks crossed. */
  unverifiable: number;
  /** Only with an engine that cannot answer every case (the SDK reference). */
  unknown: number;
  crossed: {
    /** Matched swaps that stayed inside one liquidity range. */
    none: number;
    /** Matched swaps that crossed one initialised tick, its liquidityNet inferred from the row. */
    oneInferred: number;
  };
  /** How the matched swaps were called, as reconstructed. */
  hypotheses: Record<SwapHypothesis, number>;
  unverifiableReasons: Record<string, number>;
  /** The first `listLimit` mismatched SWAP rows (line numbers in the file, header = line 1). */
  mismatches: RowProblem[];
  /** Rows that could not be read (wrong number of cells, or a MINT/BURN with bad values), counted here. */
  rejected: number;
  rejectedRows: RowProblem[];
};

/**
 * Replays every SWAP row of a Uniswap v3 events file from the state the previous rows left (a SWAP row's
 * sqrtPriceX96, current_tick and total_liquidity; MINT and BURN rows change the liquidity when their range
 * holds the current tick) and checks each against the pool math. Streams the file, so memory does not grow
 * with its length. A corrupted SWAP row is counted as mismatched with its line and reason; it never throws
 * for bad data.
 *
 * @example
 * const report = await verifySwaps({ path: 'data/uniswap-v3/usdc-weth-500-2024-01-05.events.csv', fee: 500 });
 * console.log(report.matched, report.mismatched, report.unverifiable);
 */
export async function verifySwaps(parameters: VerifySwapsParameters): Promise<VerifySwapsReturnType> {
  const { path, fee } = parameters;
  const tickSpacing = parameters.tickSpacing ?? TICK_SPACING_BY_FEE[fee];
  if (!Number.isInteger(fee) || fee < 0 || fee >= 1_000_000 || tickSpacing === undefined || !Number.isInteger(tickSpacing) || tickSpacing <= 0) {
    throw new VerifySwapsOptionError('Invalid pool fee or tick spacing.', {
      details: `Got fee ${fee} and tick spacing ${tickSpacing}; use a fee of 100, 500, 3000 or 10000, or give the tick spacing.`,
    });
  }
  const listLimit = parameters.listLimit ?? 20;
  const engine = parameters.engine ?? nativeSwapEngine;
  if (!existsSync(path)) {
    throw new VerifySwapsOptionError(`Events file ${path} does not exist.`, {
      details: 'Give a CSV in the uniswap-v3 *.events.csv layout, e.g. data/uniswap-v3/usdc-weth-500-2024-01-05.events.csv.',
    });
  }
  requireColumns(path, await readCsvHeader(path), EVENTS_COLUMNS);

  const report: VerifySwapsReturnType = {
    file: path,
    fee,
    tickSpacing,
    swaps: 0,
    matched: 0,
    mismatched: 0,
    unverifiable: 0,
    unknown: 0,
    crossed: { none: 0, oneInferred: 0 },
    hypotheses: { exactInput: 0, exactOutput: 0, priceLimit: 0 },
    unverifiableReasons: {},
    mismatches: [],
    rejected: 0,
    rejectedRows: [],
  };
  const reject = (line: number, reason: string) => {
    report.rejected++;
    if (report.rejectedRows.length < listLimit) report.rejectedRows.push({ line, reason });
  };

  // The pool state after the last row read; undefined until a SWAP row tells it, or after a row we could not read.
  let state: PoolSnapshot | undefined;
  // Set when the last swap mismatched: its state may be the corrupted part, so a failure of the next swap
  // is not counted as a second mismatch (one bad row must not be reported twice).
  let stateSuspect = false;
  let swapIndex = 0;
  const rows = readCsv(path, {
    onMalformed: (line, reason) => {
      reject(line, reason);
      state = undefined;
    },
  });
  for await (const { line, values } of rows) {
    const row = parseEventsRow(line, values);
    if (row.kind === 'other') continue;
    if (row.kind === 'mint' || row.kind === 'burn') {
      if (state && row.tickLower <= state.tick && state.tick < row.tickUpper) {
        const liquidity = state.liquidity + (row.kind === 'mint' ? row.liquidity : -row.liquidity);
        state = liquidity >= 0n ? { ...state, liquidity } : undefined;
      }
      continue;
    }
    if (row.kind === 'bad') {
      if (row.type !== 'SWAP') {
        reject(line, row.reason);
        state = undefined;
        continue;
      }
      const index = swapIndex++;
      if (parameters.sample && !parameters.sample(index)) {
        state = readableState(values);
        continue;
      }
      record(report, line, { verdict: 'mismatched', reason: row.reason }, listLimit, parameters.onSwap);
      // A corrupted row may still carry a readable state; otherwise the next swap has no known start.
      state = readableState(values);
      stateSuspect = true;
      continue;
    }
    if (row.kind !== 'swap') continue;
    const index = swapIndex++;
    if (!parameters.sample || parameters.sample(index)) {
      let verdict: SwapVerdict = state
        ? await classifySwap(engine, fee, tickSpacing, state, row)
        : { verdict: 'unverifiable', reason: 'no prior state' };
      if (stateSuspect && verdict.verdict === 'mismatched') {
        verdict = { verdict: 'unverifiable', reason: 'starts from the state of a mismatched row' };
      }
      stateSuspect = verdict.verdict === 'mismatched';
      record(report, line, verdict, listLimit, parameters.onSwap);
    }
    state = { sqrtPriceX96: row.sqrtPriceX96, tick: row.tick, liquidity: row.liquidity };
  }
  return report;
}

function readableState(values: Record<string, string>): PoolSnapshot | undefined {
  const parsed = parseEventsRow(0, { ...values, amount0: '1', amount1: '-1' });
  return parsed.kind === 'swap' ? { sqrtPriceX96: parsed.sqrtPriceX96, tick: parsed.tick, liquidity: parsed.liquidity } : undefined;
}

function record(
  report: VerifySwapsReturnType,
  line: number,
  verdict: SwapVerdict,
  listLimit: number,
  onSwap: VerifySwapsParameters['onSwap'],
): void {
  report.swaps++;
  onSwap?.(line, verdict);
  switch (verdict.verdict) {
    case 'matched':
      report.matched++;
      report.hypotheses[verdict.hypothesis]++;
      if (verdict.ticksCrossed === 0) report.crossed.none++;
      else report.crossed.oneInferred++;
      return;
    case 'mismatched':
      report.mismatched++;
      if (report.mismatches.length < listLimit) report.mismatches.push({ line, reason: verdict.reason });
      return;
    case 'unverifiable':
      report.unverifiable++;
      report.unverifiableReasons[verdict.reason] = (report.unverifiableReasons[verdict.reason] ?? 0) + 1;
      return;
    case 'unknown':
      report.unknown++;
      return;
  }
}
