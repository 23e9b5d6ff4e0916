import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitCsvLine } from '../agent/market/csv/read-csv.js';
import type { SwapVerdict } from '../backtest/verify-swaps/replay-swap.js';
import { sdkSwapEngine } from '../backtest/verify-swaps/sdk-swap-engine.js';
import { verifySwaps, type VerifySwapsReturnType } from '../backtest/verify-swaps/verify-swaps.js';

const EVENTS = 'data/uniswap-v3/usdc-weth-500-2024-01-05.events.csv';
const run = promisify(execFile);

let report: VerifySwapsReturnType;
const verdicts = new Map<number, SwapVerdict>();
let workDir: string;

beforeAll(async () => {
  report = await verifySwaps({ path: EVENTS, fee: 500, onSwap: (line, verdict) => verdicts.set(line, verdict) });
  workDir = mkdtempSync(join(tmpdir(), 'verify-swaps-'));
});

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('verify-swaps on the shared USDC/WETH 0.05 % file', () => {
  it('reproduces at least 5,300 of the swaps exactly and mismatches none', () => {
    expect(report.swaps).toBeGreaterThanOrEqual(6045);
    expect(report.mismatched).toBe(0);
    expect(report.mismatches).toEqual([]);
    expect(report.matched).toBeGreaterThanOrEqual(5300);
    expect(report.matched + report.mismatched + report.unverifiable).toBe(report.swaps);
    expect(report.rejected).toBe(0);
  });

  it('verifies swaps that cross one initialised tick by inferring its liquidityNet from the row', () => {
    // Without the inference these are the swaps that change liquidity; the data README counts ~745 of them.
    expect(report.crossed.oneInferred).toBeGreaterThan(400);
    expect(report.crossed.none + report.crossed.oneInferred).toBe(report.matched);
    const crossing = [...verdicts.values()].filter((v) => v.verdict === 'matched' && v.ticksCrossed === 1);
    expect(crossing).toHaveLength(report.crossed.oneInferred);
    // What stays unverifiable is explained: the first swap, and swaps that may have crossed several ticks.
    expect(report.unverifiableReasons['no prior state']).toBe(1);
    expect(Object.keys(report.unverifiableReasons).sort()).toEqual(['may have crossed more than one initialised tick', 'no prior state']);
  });

  it('gives the same verdicts as a replay on @uniswap/v3-sdk for every sampled swap the SDK can decide', async () => {
    const sdkVerdicts = new Map<number, SwapVerdict>();
    await verifySwaps({
      path: EVENTS,
      fee: 500,
      engine: sdkSwapEngine,
      sample: (index) => index % 4 === 0,
      onSwap: (line, verdict) => sdkVerdicts.set(line, verdict),
    });
    let compared = 0;
    const differences: string[] = [];
    for (const [line, verdict] of sdkVerdicts) {
      if (verdict.verdict === 'unknown') continue;
      compared++;
      const native = verdicts.get(line);
      if (native?.verdict !== verdict.verdict) differences.push(`line ${line}: sdk ${verdict.verdict}, native ${native?.verdict}`);
    }
    expect(differences).toEqual([]);
    expect(compared).toBeGreaterThan(1400);
    const crossingCompared = [...sdkVerdicts.values()].filter((v) => v.verdict === 'matched' && v.ticksCrossed === 1).length;
    expect(crossingCompared).toBeGreaterThan(50);
  });
});

describe('verify-swaps on a corrupted copy', () => {
  it('reports altered and non-numeric rows as mismatched and a truncated row as rejected, by line number', async () => {
    const lines = readFileSync(EVENTS, 'utf8').split('\n');
    const header = splitCsvLine(lines[0]!);
    const column = (name: string) => header.indexOf(name);
    const matchedLines = [...verdicts.entries()].filter(([, v]) => v.verdict === 'matched').map(([line]) => line);
    // Line numbers are 1-based with the header on line 1, so file line n is lines[n - 1].
    const [altered, garbled, truncated] = [matchedLines[100]!, matchedLines[2000]!, matchedLines[4000]!];
    // A row whose price is corrupted (by 1 bp: a few wei could still be a price-limited swap that happens
    // to give the same amounts), followed by a swap that matched, which now starts from a wrong state.
    const priceAltered = matchedLines.find((line, i) => i > 3000 && matchedLines[i + 1] === line + 1)!;
    const edit = (line: number, change: (cells: string[]) => string[]) => {
      lines[line - 1] = change(splitCsvLine(lines[line - 1]!)).join(',');
    };
    edit(altered, (cells) => cells.map((cell, i) => (i === column('amount1') ? (BigInt(cell) + 1n).toString() : cell)));
    edit(garbled, (cells) => cells.map((cell, i) => (i === column('amount0') ? '12x34' : cell)));
    edit(truncated, (cells) => cells.slice(0, 5));
    edit(priceAltered, (cells) => cells.map((cell, i) => (i === column('sqrtPriceX96') ? (BigInt(cell) + BigInt(cell) / 10_000n).toString() : cell)));
    const corrupted = join(workDir, 'corrupted.events.csv');
    writeFileSync(corrupted, lines.join('\n'));

    const result = await verifySwaps({ path: corrupted, fee: 500 });
    expect(result.mismatches.map((m) => m.line)).toEqual([altered, garbled, priceAltered]);
    expect(result.mismatches[0]!.reason).toMatch(/reproduces the row/);
    expect(result.mismatches[1]!.reason).toMatch(/amount0 is not an integer: "12x34"/);
    expect(result.mismatches[2]!.reason).toMatch(/reproduces the row/);
    expect(result.rejectedRows).toEqual([{ line: truncated, reason: expect.stringMatching(/expected \d+ cells, found 5/) }]);
    expect(result.mismatched).toBe(3);
    // The truncated swap is gone and the one after it has no known start state; the swap after the
    // corrupted price is not blamed for it.
    expect(result.swaps).toBe(report.swaps - 1);
    expect(result.unverifiableReasons['starts from the state of a mismatched row']).toBe(1);
    expect(result.unverifiable).toBe(report.unverifiable + 2);
    expect(result.matched).toBe(report.matched - 6);
  });
});

describe('the mandate verify-swaps command', () => {
  it('prints the counts as JSON on its last line', async () => {
    const { stdout } = await run(process.execPath, ['bin/mandate.js', 'verify-swaps', EVENTS, '--fee', '500', '--json'], {
      maxBuffer: 16 * 1024 * 1024,
    });
    const last = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(last).toMatchObject({
      swaps: report.swaps,
      matched: report.matched,
      mismatched: 0,
      unverifiable: report.unverifiable,
      crossed: report.crossed,
    });
  });

  it('rejects an unknown fee with a clear error and exit code 1', async () => {
    const failure = await run(process.execPath, ['bin/mandate.js', 'verify-swaps', EVENTS, '--fee', '123', '--json']).catch(
      (error: { code: number; stdout: string }) => error,
    );
    expect('code' in failure && failure.code).toBe(1);
    const last = JSON.parse(failure.stdout.trim().split('\n').at(-1)!);
    expect(last.error).toMatchObject({ name: 'VerifySwapsOptionError' });
    expect(last.error.details).toMatch(/fee 123/);
  });
});
