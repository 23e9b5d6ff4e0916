import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Benchmark } from './benchmark.js';

const run = promisify(execFile);

async function measure(engine: 'grademark' | 'mandate'): Promise<Record<string, unknown>> {
  const child = fileURLToPath(new URL('./backtest-vs-grademark-child.ts', import.meta.url));
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', child], {
      maxBuffer: 1 << 20,
      env: { ...process.env, MANDATE_BENCH_ENGINE: engine },
      timeout: 900_000,
    });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  } catch (error) {
    // grademark may fail to load or run out of memory: report why instead of a ratio.
    return { engine, error: error instanceof Error ? error.message.split('\n').slice(0, 3).join(' ') : String(error) };
  }
}

/**
 * `npm run bench`: the same moving-average cross (SMA 50/200) on the same 1 million generated 1-minute
 * candles in grademark (indicators the way its README adds them, with data-forge) and in Mandate (the trend
 * strategy through the full pipeline: rules reasoner, vault policy, pool simulator, journal), each in its
 * own process, one after the other. Target: Mandate 50× grademark's bars/s.
 *
 * @example
 * benchmarks.push(bench);
 */
export const bench: Benchmark = {
  name: 'backtest-vs-grademark',
  description: 'MA cross 50/200 on the same 1M candles: grademark vs Mandate (full pipeline), bars/s and ratio',
  async run() {
    const grademark = await measure('grademark');
    const mandate = await measure('mandate');
    const ratio =
      typeof grademark.barsPerSecond === 'number' && typeof mandate.barsPerSecond === 'number'
        ? Number((mandate.barsPerSecond / grademark.barsPerSecond).toFixed(2))
        : null;
    const cpuRatio =
      typeof grademark.barsPerCpuSecond === 'number' && typeof mandate.barsPerCpuSecond === 'number'
        ? Number((mandate.barsPerCpuSecond / grademark.barsPerCpuSecond).toFixed(2))
        : null;
    return { grademark, mandate, speedRatio: ratio, cpuSpeedRatio: cpuRatio, targetSpeedRatio: 50 };
  },
};
