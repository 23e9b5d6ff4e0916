import { Command, InvalidArgumentError, Option } from 'commander';
import { parseTimeSeconds } from '../../../backtest/sources/parse-time.js';
import { parseStrategyPath } from '../../engine/load-strategy-file.js';
import {
  bundleStrategy,
  defaultSweepStorePath,
  rankByNames,
  resumeSweep,
  runSweep,
  runWalkForward,
  sweepStrategyDefinition,
  SweepInputError,
  type RankBy,
  type RunSweepReturnType,
  type RunWalkForwardReturnType,
  type SweepProgress,
} from '../../../backtest/sweep/index.js';
import type { AnyStrategyDefinition } from '../../../strategies/define-strategy.js';
import { loadCommandConfig } from '../load-command-config.js';
import { commandAction, withCommonOptions, type CommandContext } from '../action.js';
import { parseParamArguments } from '../parse-param-arguments.js';

export type SweepCommandOptions = {
  strategy?: string;
  grid: string[];
  param: string[];
  data?: string;
  from?: number;
  to?: number;
  workers?: number;
  rankBy: RankBy;
  walkForward?: boolean;
  train?: number;
  test?: number;
  step?: number;
  store: string;
  candles?: 'close' | 'path';
  top: number;
  queue?: string;
  sharedData?: boolean;
  resume?: string;
};

/** What `mandate sweep --json` prints as its last line: the ranked runs, or the walk-forward windows. */
export type SweepCommandResult = ({ kind: 'grid' } & RunSweepReturnType) | ({ kind: 'walk-forward' } & RunWalkForwardReturnType);

/**
 * Turns `--grid key=v1,v2,v3` arguments into a grid for paramGrid; each value is read as a `--param`
 * value is (JSON when it parses, text for string params).
 *
 * @example
 * parseGridArguments(getBuiltinStrategy('trend'), ['fastPeriod=6,12', 'average=sma,ema']);
 * // { fastPeriod: [6, 12], average: ['sma', 'ema'] }
 */
export function parseGridArguments(definition: AnyStrategyDefinition, args: readonly string[]): Record<string, unknown[]> {
  const grid: Record<string, unknown[]> = {};
  for (const arg of args) {
    const split = arg.indexOf('=');
    const key = arg.slice(0, split).trim();
    const values = arg
      .slice(split + 1)
      .split(',')
      .map((value) => value.trim())
      .filter((value) => value !== '');
    if (split <= 0 || values.length === 0) {
      throw new SweepInputError('grid', `"${arg}"`, 'key=v1,v2,... is accepted, e.g. --grid fastPeriod=6,12,24');
    }
    if (key in grid) throw new SweepInputError('grid', `"${key}" twice`, 'each param once; list all its values in one --grid');
    grid[key] = values.map((value) => parseParamArguments(definition, [`${key}=${value}`])[key]);
  }
  return grid;
}

const parseTime = (text: string): number => {
  const seconds = parseTimeSeconds(text);
  if (seconds === undefined) throw new InvalidArgumentError(`"${text}" is not a time: give unix seconds (1704412800) or an ISO date (2024-01-05).`);
  return seconds;
};
const parsePositive = (what: string, integer: boolean) => (text: string): number => {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new InvalidArgumentError(`"${text}" is not ${integer ? 'a whole number' : 'a number'} > 0 (${what}).`);
  }
  return value;
};
const collect = (value: string, previous: string[]): string[] => [...previous, value];
const days = (value: number): number => Math.round(value * 86_400);

/**
 * `mandate sweep --strategy <name> --grid k=v1,v2 [--grid ...] --data <csv> [--workers n] [--rank-by m]
 * [--walk-forward --train <days> --test <days>] [--json]`: backtests every combination on worker threads,
 * ranks them and stores them in SQLite; with --walk-forward, fits on rolling train windows and reports the
 * out-of-sample test windows apart.
 *
 * @example
 * registerSweepCommand(program); // mandate sweep --strategy trend --grid fastPeriod=6,12,24 --grid slowPeriod=48,96 --data eth-usd.csv
 */
export function registerSweepCommand(program: Command): void {
  // How many rows the human output shows; set from --top by the handler, read by the renderer.
  let top = 10;
  withCommonOptions(
    program
      .command('sweep')
      .description('backtest a grid of strategy params on worker threads (or mandate worker processes: --queue), ranked and stored in SQLite; --walk-forward for out-of-sample results')
      .option('--strategy <name|file>', 'a built-in strategy (trend, mean-reversion, oracle-dex-deviation, treasury-rebalancer, dca), or a strategy file ./my-strategy.ts[#export]')
      .option('--grid <key=v1,v2,...>', 'values to try for a param (repeatable; every combination is run)', collect, [])
      .option('--param <key=value>', 'a param fixed for every combination (repeatable)', collect, [])
      .option('--data <csv>', 'Chainlink rounds, Uniswap v3 events or OHLCV candles (detected by header)')
      .option('--from <time>', 'replay from this time (unix seconds or ISO date)', parseTime)
      .option('--to <time>', 'replay up to this time (unix seconds or ISO date)', parseTime)
      .option('--workers <n>', 'worker threads (default: all cores)', parsePositive('workers', true))
      .addOption(new Option('--rank-by <metric>', 'what ranks the runs').choices(rankByNames).default('sharpe'))
      .option('--walk-forward', 'rolling train/test windows: best params on train, evaluated on the following test window')
      .option('--train <days>', 'walk-forward training window, days', parsePositive('train days', false))
      .option('--test <days>', 'walk-forward test window, days', parsePositive('test days', false))
      .option('--step <days>', 'walk-forward step between windows, days (default: the test window)', parsePositive('step days', false))
      .option('--store <path>', 'the SQLite file results are stored in', defaultSweepStorePath)
      .addOption(new Option('--candles <mode>', 'OHLCV files: one event at each close, or the open/high/low/close path').choices(['close', 'path']))
      .option('--top <n>', 'rows shown (not under --json, which has them all)', parsePositive('top', true), 10)
      .option('--queue <url>', 'run the backtests on mandate worker processes through Redis: redis://[user:password@]host:port[/db] or rediss://…')
      .option('--shared-data', 'with --queue: workers read --data at its absolute path (a shared filesystem) instead of from Redis')
      .option('--resume <sweepId>', 'finish a sweep that was interrupted (only the backtests not yet done run; add --queue to run them there)'),
  ).action(
    commandAction(async (ctx: CommandContext, options: SweepCommandOptions): Promise<SweepCommandResult> => {
      top = options.top;
      const progress = createProgress(ctx);
      const queue = options.queue === undefined ? undefined : { url: options.queue, sharedData: options.sharedData === true };
      if (options.sharedData === true && queue === undefined) throw new SweepInputError('shared-data', 'without --queue', 'add --queue redis://… to use --shared-data');
      const onStart = (sweepId: string) => process.stderr.write(`Sweep ${sweepId}: if it is interrupted, mandate sweep --resume ${sweepId}${options.store === defaultSweepStorePath ? '' : ` --store ${options.store}`} finishes it\n`);
      if (options.resume !== undefined) {
        try {
          return await resumeSweep({ sweepId: options.resume, storePath: options.store, workers: options.workers, queue, onProgress: progress?.update, onStart });
        } finally {
          progress?.done();
        }
      }
      if (options.strategy === undefined || options.data === undefined) {
        throw new SweepInputError(options.strategy === undefined ? 'strategy' : 'data', 'nothing', '--strategy <name|file> and --data <csv> are needed (or --resume <sweepId>)');
      }
      const config = await loadCommandConfig(ctx.configPath, 'backtest');
      // A strategy id of the config first (its params are the fixed ones), then a built-in, then a file.
      const configured = config.strategies.find((entry) => entry.id === options.strategy);
      if (configured !== undefined && typeof configured.use !== 'string') {
        throw new SweepInputError('strategy', `"${options.strategy}", a definition written in the config`, 'sweep a file strategy by its path (--strategy ./my-strategy.ts#name), so workers can load it');
      }
      const reference = (configured?.use as string | undefined) ?? options.strategy;
      const file = parseStrategyPath(reference);
      const strategy = file === undefined ? reference : await bundleStrategy({ ...file, label: reference });
      const definition = await sweepStrategyDefinition(strategy);
      if (options.grid.length === 0) throw new SweepInputError('grid', 'no --grid', 'at least one --grid key=v1,v2,... is accepted');
      const grid = parseGridArguments(definition, options.grid);
      const fixed = { ...configured?.params, ...parseParamArguments(definition, options.param) };
      const walkForward = options.walkForward === true;
      if (walkForward && (options.train === undefined || options.test === undefined)) {
        throw new SweepInputError('walk-forward', `--train ${options.train ?? '(none)'} --test ${options.test ?? '(none)'}`, '--walk-forward needs --train <days> and --test <days>');
      }
      if (!walkForward && (options.train !== undefined || options.test !== undefined || options.step !== undefined)) {
        throw new SweepInputError('train/test', 'without --walk-forward', 'add --walk-forward to use --train, --test and --step');
      }
      const common = {
        strategy,
        grid,
        fixed,
        data: options.data,
        from: options.from,
        to: options.to,
        candles: options.candles,
        settings: { risk: config.risk, execution: config.execution, backtest: config.backtest },
        workers: options.workers,
        rankBy: options.rankBy,
        storePath: options.store,
        onProgress: progress?.update,
        onStart,
        queue,
      };
      try {
        if (walkForward) {
          const result = await runWalkForward({ ...common, trainSeconds: days(options.train!), testSeconds: days(options.test!), stepSeconds: options.step === undefined ? undefined : days(options.step) });
          return { kind: 'walk-forward', ...result };
        }
        return { kind: 'grid', ...(await runSweep(common)) };
      } finally {
        progress?.done();
      }
    }, (result) => render(result, top)),
  );
}

/** The config file when there is one; a sweep needs none (every section has defaults). */
/** A progress bar on stderr, only on a terminal and never under --json. */
function createProgress(ctx: CommandContext): { update(progress: SweepProgress): void; done(): void } | undefined {
  if (ctx.json || !process.stderr.isTTY) return undefined;
  let shown = false;
  return {
    update({ phase, done, total }) {
      const width = 30;
      const filled = Math.round((done / total) * width);
      const what = phase === 'grid' ? 'backtests' : `${phase} backtests`;
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${what}\x1b[K`);
      shown = true;
    },
    done() {
      if (shown) process.stderr.write('\n');
    },
  };
}

const percent = (value: number | undefined): string => (value === undefined ? '–' : `${(value * 100).toFixed(2)} %`);
const ratio = (value: number | undefined): string => (value === undefined ? '–' : value.toFixed(2));
// Windows shorter than a few days need the time of day to be told apart.
const date = (time: number, withTime = false): string => new Date(time * 1000).toISOString().slice(0, withTime ? 16 : 10).replace('T', ' ');
const paramsText = (params: Record<string, unknown>, keys: readonly string[]): string => keys.map((key) => `${key}=${JSON.stringify(params[key])}`).join(' ');

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}

function render(result: SweepCommandResult, top: number): string {
  const lines: string[] = [];
  if (result.kind === 'grid') {
    const keys = Object.keys(result.ranked[0]?.params ?? {}).filter((key) => result.ranked.some((run) => JSON.stringify(run.params[key]) !== JSON.stringify(result.ranked[0]!.params[key])));
    lines.push(`${result.strategy}: ${result.combinations} combinations on ${result.workers} workers in ${(result.elapsedMs / 1000).toFixed(1)} s, ranked by ${result.rankBy}`);
    // The ranking metric first, then the usual ones (each once).
    const columns: [string, (m: RunSweepReturnType['ranked'][number]['metrics']) => string][] = [
      ['return', (m) => percent(m.totalReturn)],
      ['buy&hold', (m) => percent(m.buyAndHoldReturn)],
      ['cagr', (m) => percent(m.cagr)],
      ['sharpe', (m) => ratio(m.sharpe)],
      ['sortino', (m) => ratio(m.sortino)],
      ['max-drawdown', (m) => percent(m.maxDrawdown)],
      ['win-rate', (m) => percent(m.winRate)],
      ['final-equity', (m) => m.finalEquity.toFixed(2)],
      ['trades', (m) => String(m.trades)],
    ];
    const first = columns.find(([name]) => name === result.rankBy)!;
    const shownColumns = [first, ...columns.filter((column) => column !== first && !['cagr', 'final-equity'].includes(column[0]))];
    const rows = [['#', 'params', ...shownColumns.map(([name]) => name)]];
    for (const run of result.ranked.slice(0, top)) {
      rows.push([String(run.rank), paramsText(run.params, keys), ...shownColumns.map(([, show]) => show(run.metrics))]);
    }
    lines.push(table(rows));
    if (result.ranked.length > top) lines.push(`… ${result.ranked.length - top} more (--top, or --json for all)`);
  } else {
    const keys = Object.keys(result.windows[0]?.best.params ?? {}).filter((key) => result.windows.some((w) => JSON.stringify(w.best.params[key]) !== JSON.stringify(result.windows[0]!.best.params[key])));
    const shown = keys.length > 0 ? keys : Object.keys(result.windows[0]?.best.params ?? {}).slice(0, 2);
    lines.push(
      `${result.strategy}: walk-forward, ${result.windows.length} windows (train ${(result.trainSeconds / 86_400).toFixed(1)} d, test ${(result.testSeconds / 86_400).toFixed(1)} d), ${result.combinations} combinations, ${result.workers} workers, ${(result.elapsedMs / 1000).toFixed(1)} s, best by ${result.rankBy}`,
    );
    const withTime = Math.min(result.trainSeconds, result.testSeconds) < 3 * 86_400;
    const rows = [['window', 'train', 'best params', 'in-sample', 'test', 'out-of-sample', 'oos sharpe', 'oos trades']];
    for (const w of result.windows) {
      rows.push([
        String(w.index),
        `${date(w.train.from, withTime)} → ${date(w.train.to, withTime)}`,
        paramsText(w.best.params, shown),
        percent(w.best.metrics.totalReturn),
        `${date(w.test.from, withTime)} → ${date(w.test.to, withTime)}`,
        percent(w.outOfSample.metrics.totalReturn),
        ratio(w.outOfSample.metrics.sharpe),
        String(w.outOfSample.metrics.trades),
      ]);
    }
    lines.push(table(rows), '');
    const aggregate = [['', 'return (chained)', 'buy&hold', 'mean sharpe', 'worst dd', 'trades', 'win rate']];
    for (const [label, a] of [['in-sample', result.inSample], ['out-of-sample', result.outOfSample]] as const) {
      aggregate.push([label, percent(a.compoundedReturn), percent(a.compoundedBuyAndHold), ratio(a.meanSharpe), percent(a.worstDrawdown), String(a.trades), percent(a.winRate)]);
    }
    lines.push(table(aggregate));
  }
  if (result.rejected.length > 0) lines.push(`${result.rejected.length} combinations rejected by the strategy's schema (first: ${result.rejected[0]!.reason})`);
  if (result.sweepId !== undefined) lines.push(`Stored as ${result.sweepId} in ${result.storePath}`);
  return lines.join('\n');
}
