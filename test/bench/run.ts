/**
 * `npm run bench [-- --json] [-- --only name,name]`: measures speed, gas and memory and prints one JSON
 * object (the last line of stdout under --json). Targets live here, never in tests: these machines are
 * shared and noisy, so figures are reported (with ratios measured side by side in one run), not asserted.
 *
 * Each benchmark is a module in this folder exporting `bench: Benchmark`; add it to `benchmarks` below.
 */
import { parseArgs } from 'node:util';
import { benchmarks } from './benchmarks.js';

const { values } = parseArgs({
  options: { json: { type: 'boolean', default: false }, only: { type: 'string' } },
  allowPositionals: false,
});
const only = values.only?.split(',').map((name) => name.trim());
const selected = benchmarks.filter((b) => !only || only.includes(b.name));
if (only && selected.length !== only.length) {
  const known = benchmarks.map((b) => b.name).join(', ');
  process.stderr.write(`Unknown benchmark in --only ${values.only}. Known: ${known}\n`);
  process.exit(1);
}

const results: Record<string, unknown> = {};
for (const benchmark of selected) {
  process.stderr.write(`bench: ${benchmark.name}: ${benchmark.description}\n`);
  const started = performance.now();
  try {
    results[benchmark.name] = await benchmark.run();
  } catch (error) {
    results[benchmark.name] = { error: error instanceof Error ? error.message : String(error) };
    process.exitCode = 1;
  }
  process.stderr.write(`bench: ${benchmark.name} done in ${((performance.now() - started) / 1000).toFixed(1)}s\n`);
}

const report = { machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, ...results };
const text = JSON.stringify(report, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), values.json ? 0 : 2);
process.stdout.write(`${text}\n`);
