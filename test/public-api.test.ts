/**
 * The public `mandate` module, tried from outside as a quant would (issue 10, part 2): a fresh project in a
 * temporary folder installs this package from the checkout's path (and its own zod), writes a strategy
 * file that imports only from `mandate`, zod and a file of its own, and backtests it by path with the
 * `mandate` command it got, then from a config of its own next to a built-in.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openJournal } from '../agent/journal/open-journal.js';
import { systemClock } from '../agent/model/clock.js';

const run = promisify(execFile);
const repoRoot = resolve(fileURLToPath(import.meta.url), '../..');
const data = join(repoRoot, 'data/chainlink/eth-usd.csv');
let project: string;

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'mandate-quant-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'quant-project', private: true, type: 'module' }));
  cpSync(join(repoRoot, 'test/fixtures/quant-project'), join(project, 'strategies'), { recursive: true });
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', repoRoot, 'zod@4'], { cwd: project, timeout: 300_000 });
}, 320_000);
afterAll(() => rmSync(project, { recursive: true, force: true }));

async function mandate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(join(project, 'node_modules/.bin/mandate'), args, { cwd: project, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('a project of its own, importing mandate', () => {
  it('backtests its own strategy file by path', async () => {
    const { code, stdout, stderr } = await mandate(['backtest', '--strategy', './strategies/breakout.ts', '--param', 'window=48', '--data', data, '--journal', 'journal.sqlite', '--json']);
    expect(code, stderr).toBe(0);
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(summary.runStrategies).toEqual([{ id: 'breakout', name: 'breakout', params: { window: 48, marginBps: 50 } }]);
    expect(summary.strategies.breakout.trades).toBeGreaterThan(10);
  });

  it('backtests it from a config of its own, next to a built-in', async () => {
    const { code, stdout, stderr } = await mandate(['backtest', '--config', 'strategies/mandate.config.ts', '--data', data, '--journal', 'journal.sqlite', '--json']);
    expect(code, stderr).toBe(0);
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(Object.keys(summary.strategies)).toEqual(['breakout', 'eth-trend']);
    expect(summary.strategies.breakout.signals).toBeGreaterThan(0);
    expect(summary.strategies['eth-trend'].signals).toBeGreaterThan(0);
  });

  it('sweeps it with walk-forward, and runs it in the demo against the devnet', async () => {
    const sweep = await mandate([
      'sweep', '--strategy', './strategies/breakout.ts', '--grid', 'window=24,48', '--data', data, '--walk-forward', '--train', '30', '--test', '15',
      '--from', '2023-06-01', '--to', '2023-08-15', '--workers', '1', '--store', 'sweeps.sqlite', '--json',
    ]);
    expect(sweep.code, sweep.stderr).toBe(0);
    const walkForward = JSON.parse(sweep.stdout.trim().split('\n').at(-1)!);
    expect(walkForward.kind).toBe('walk-forward');
    expect(walkForward.windows.length).toBeGreaterThan(0);

    const demo = await mandate(['demo', '--days', '1', '--strategy', './strategies/breakout.ts', '--param', 'window=6', '--journal', 'demo.sqlite', '--json']);
    expect(demo.code, demo.stderr).toBe(0);
    const summary = JSON.parse(demo.stdout.trim().split('\n').at(-1)!);
    expect(summary.decisions).toBeGreaterThan(0);
    expect(summary.verified).toBe(summary.decisions);
    const journal = openJournal({ path: join(project, 'demo.sqlite'), clock: systemClock });
    try {
      expect(new Set(journal.decisions.list().map((decision) => decision.strategyId))).toEqual(new Set(['breakout']));
      // Live, the strategy heard the outcome of each of its decisions, and its state was saved with it.
      const saved = journal.checkpoints.load(summary.runId)?.states.breakout as { heard: number; long: boolean } | undefined;
      expect(saved?.heard).toBe(summary.decisions);
    } finally {
      journal.close();
    }
  });

  it('names the file, the export and the problem when a strategy file is unusable', async () => {
    writeFileSync(join(project, 'strategies/empty.ts'), 'export const notAStrategy = 1;\n');
    const empty = await mandate(['backtest', '--strategy', './strategies/empty.ts', '--data', data]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/Cannot use the strategy "default" of .*empty\.ts: the file has no default export/);
    const missing = await mandate(['backtest', '--strategy', './strategies/breakout.ts#breakOut', '--data', data]);
    expect(missing.stderr).toMatch(/no export named "breakOut"[\s\S]*Its strategy exports: default/);
    const unknown = await mandate(['backtest', '--strategy', 'trnd', '--data', data]);
    expect(unknown.stderr).toMatch(/Unknown strategy "trnd"\. Did you mean "trend"\?/);
    const noData = await mandate(['backtest', '--strategy', 'trend', '--data', 'nope.csv']);
    expect(noData.stderr).toMatch(/Cannot read the data file nope\.csv: it does not exist[\s\S]*Chainlink rounds/);
  });
});
