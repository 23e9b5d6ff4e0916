import { Command, InvalidArgumentError, Option } from 'commander';
import { describeBacktestMarket } from '../../../backtest/describe-backtest-market.js';
import { runBacktest, type BacktestProgress, type BacktestResult } from '../../../backtest/run-backtest.js';
import { parseTimeSeconds } from '../../../backtest/sources/parse-time.js';
import { commandAction, withCommonOptions, type CommandContext } from '../action.js';
import { loadCommandConfig } from '../load-command-config.js';
import { addStrategyOptions, strategiesFromOptions } from '../strategy-option.js';

export type BacktestCommandOptions = {
  strategy?: string;
  id?: string;
  param: string[];
  data: string;
  from?: number;
  to?: number;
  report?: string;
  reasoner?: 'rules' | 'llm';
  journal?: string;
  candles?: 'close' | 'path';
  decimals?: number;
  base?: string;
  quote?: string;
  nativeUsd?: number;
  quoteUsd?: number;
  capital?: string;
};

/** What `mandate backtest --json` prints as its last line: the summary (the full result is in the report). */
export type BacktestCommandResult = {
  runId: string;
  journalPath: string;
  /** Every strategy of the run with its params. */
  runStrategies: BacktestResult['runStrategies'];
  /** What each strategy did: signals, trades, denials (and by reason), failures, PnL in quote units. */
  strategies: BacktestResult['strategies'];
  data: BacktestResult['source'];
  /** The pair, and the unit money figures are in (the quote token; USD when it is a USD stablecoin). */
  market: { base: string; quote: string; unit: string; feedDecimals: number };
  /** The data's sha256, the config digest and the Mandate version: what the figures are a function of. */
  reproducibility: BacktestResult['reproducibility'];
  from: number | undefined;
  to: number | undefined;
  metrics: BacktestResult['metrics'];
  trades: number;
  denials: Record<string, number>;
  failures: Record<string, number>;
  reasonerCalls: number;
  events: number;
  policyPricing: BacktestResult['policyPricing'];
  /** The HTML report written, or null (not asked for, or not available yet). */
  report: string | null;
  warnings: string[];
};

const parseWholeNumber = (text: string): number => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new InvalidArgumentError(`"${text}" is not a whole number.`);
  return value;
};

const parsePositive = (text: string): number => {
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value)) throw new InvalidArgumentError(`"${text}" is not a positive number.`);
  return value;
};

const parseTime = (text: string): number => {
  const seconds = parseTimeSeconds(text);
  if (seconds === undefined) throw new InvalidArgumentError(`"${text}" is not a time: give unix seconds (1704412800) or an ISO date (2024-01-05 or 2024-01-05T12:00:00Z).`);
  return seconds;
};


/**
 * `mandate backtest --strategy <name> [--param k=v ...] --data <csv> [--from] [--to] [--report out.html]
 * [--reasoner rules|llm] [--json]`: runs the strategy through the agent's own pipeline over the file (its
 * layout detected by header) and prints the metrics; decisions go to the journal as a 'backtest' run.
 *
 * @example
 * registerBacktestCommand(program); // mandate backtest --strategy trend --param fastPeriod=12 --data data/chainlink/eth-usd.csv
 */
export function registerBacktestCommand(program: Command): void {
  withCommonOptions(
    addStrategyOptions(program.command('backtest'))
      .description("replay market data through a strategy, the reasoner and the vault's policy, with fills from the exact Uniswap v3 simulator")
      .requiredOption('--data <csv>', 'Chainlink rounds, Uniswap v3 events or OHLCV candles (detected by header)')
      .option('--from <time>', 'replay from this time (unix seconds or ISO date)', parseTime)
      .option('--to <time>', 'replay up to this time (unix seconds or ISO date)', parseTime)
      .option('--report <path>', 'write a self-contained HTML report')
      .addOption(new Option('--reasoner <kind>', 'overrides reasoner.use').choices(['rules', 'llm']))
      .addOption(new Option('--candles <mode>', 'OHLCV files: one event at each close, or the open/high/low/close path').choices(['close', 'path']))
      .option('--journal <path>', 'the SQLite journal for the decisions (default: journal.path from the config)')
      .option('--decimals <n>', "the feed's answer decimals (default: the file's decimals column, its .meta.json, else 8)", parseWholeNumber)
      .option('--base <token>', 'the base token, SYMBOL[:DECIMALS[:ADDRESS]] (default: from the .meta.json, else WETH:18)')
      .option('--quote <token>', 'the quote token, SYMBOL[:DECIMALS[:ADDRESS]] (default: from the .meta.json, else USDC:6)')
      .option('--native-usd <price>', 'the USD price of ETH, to charge gas when neither token is ETH', parsePositive)
      .option('--quote-usd <price>', "the quote token's USD price, for the policy's USD limits when the quote is not USD", parsePositive)
      .option('--capital <amount>', 'starting capital in quote units (default: backtest.initialCapitalUsd)'),
  ).action(
    commandAction(
      async (ctx: CommandContext, options: BacktestCommandOptions): Promise<BacktestCommandResult> => {
        const config = await loadCommandConfig(ctx.configPath, 'backtest');
        const described = await describeBacktestMarket({ path: options.data, ...options });
        const strategies = (await strategiesFromOptions(options, config)) ?? config.strategies.filter((strategy) => strategy.enabled);
        const reasonerKind = options.reasoner ?? config.reasoner.use;
        const progress = createProgressBar(ctx);
        let result: BacktestResult;
        try {
          result = await runBacktest({
            config,
            strategies,
            data: options.data,
            from: options.from,
            to: options.to,
            market: described.market,
            feedDecimals: described.feedDecimals,
            gas: described.gas,
            quoteUsd: described.quoteUsd,
            settings: { risk: config.risk, execution: config.execution, backtest: { ...config.backtest, initialCapitalUsd: options.capital ?? config.backtest.initialCapitalUsd } },
            reasoner: { reasoner: reasonerKind },
            journalPath: options.journal ?? config.journal.path,
            candles: options.candles,
            onProgress: progress?.update,
          });
        } finally {
          progress?.done();
        }
        const warnings: string[] = [...described.warnings];
        if (reasonerKind === 'llm' && result.from !== undefined && result.from < Date.parse(`${config.reasoner.llm.trainingCutoff}T00:00:00Z`) / 1000) {
          warnings.push(`The data starts before the model's training cutoff (${config.reasoner.llm.trainingCutoff}): the model may "remember" these prices.`);
        }
        if (result.policyPricing === 'pool') warnings.push('The data has no oracle: the policy and the reasoner priced the base token from the pool.');
        let report: string | null = null;
        if (options.report !== undefined) {
          const { writeReport } = await import('../../../backtest/report/index.js');
          await writeReport(result, options.report);
          report = options.report;
        }
        for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
        return {
          runId: result.runId,
          journalPath: result.journalPath,
          runStrategies: result.runStrategies,
          strategies: result.strategies,
          data: result.source,
          reproducibility: result.reproducibility,
          market: { base: described.market.base.symbol!, quote: described.market.quote.symbol!, unit: described.quoteIsUsd ? 'USD' : described.market.quote.symbol!, feedDecimals: described.feedDecimals },
          from: result.from,
          to: result.to,
          metrics: result.metrics,
          trades: result.trades.length,
          denials: result.denialsByReason,
          failures: result.failuresByReason,
          reasonerCalls: result.reasonerCalls,
          events: result.summary.events,
          policyPricing: result.policyPricing,
          report,
          warnings,
        };
      },
      renderSummary,
    ),
  );
}

/** A progress bar on stderr, only on a terminal and never under --json. */
function createProgressBar(ctx: CommandContext): { update(progress: BacktestProgress): void; done(): void } | undefined {
  if (ctx.json || !process.stderr.isTTY) return undefined;
  let shown = false;
  return {
    update({ events, time, expectedEvents }) {
      const date = new Date(time * 1000).toISOString().slice(0, 16).replace('T', ' ');
      let line = `${events.toLocaleString('en-US')} events  ${date}`;
      if (expectedEvents !== undefined && expectedEvents > 0) {
        const fraction = Math.min(1, events / expectedEvents);
        const width = 30;
        const filled = Math.round(fraction * width);
        line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${line}`;
      }
      process.stderr.write(`\r${line}\x1b[K`);
      shown = true;
    },
    done() {
      if (shown) process.stderr.write('\n');
    },
  };
}

const percent = (value: number | undefined): string => (value === undefined ? '–' : `${(value * 100).toFixed(2)} %`);
const number = (value: number | undefined, digits = 2): string => (value === undefined ? '–' : value.toFixed(digits));
const money = (value: number): string => value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const day = (time: number | undefined): string => (time === undefined ? '–' : new Date(time * 1000).toISOString().slice(0, 19).replace('T', ' '));

function renderSummary(result: BacktestCommandResult): string {
  const m = result.metrics;
  const rows: [string, string][] = [
    ...result.runStrategies.map(({ id, name, params }): [string, string] => ['Strategy', `${id} (${name}) ${JSON.stringify(params)}`]),
    ['Market', `${result.market.base}/${result.market.quote}, feed decimals ${result.market.feedDecimals}; money in ${result.market.unit}`],
    ['Data', `${result.data.label} (${result.data.kind}; ${result.events.toLocaleString('en-US')} events, ${result.data.stats.rejected} rows rejected)`],
    ['Period', `${day(result.from)} → ${day(result.to)} UTC`],
    ['Return', percent(m.totalReturn)],
    ['Buy and hold', percent(m.buyAndHoldReturn)],
    ['CAGR', percent(m.cagr)],
    ['Sharpe', number(m.sharpe)],
    ['Sortino', number(m.sortino)],
    ['Max drawdown', percent(m.maxDrawdown)],
    ['Trades', String(m.trades)],
    ['Win rate', `${percent(m.winRate)} of ${m.roundTrips} round trips`],
    ['Final equity', `${money(m.finalEquity)} ${result.market.unit}`],
    ['Fees', `${money(m.fees)} ${result.market.unit}`],
    ['Gas', `${money(m.gas)} ${result.market.unit}`],
    ['Denials', m.denials === 0 ? '0' : `${m.denials} (${Object.entries(m.denialsByReason).map(([reason, n]) => `${reason} ${n}`).join(', ')})`],
    ['Failed fills', Object.entries(result.failures).map(([reason, n]) => `${reason} ${n}`).join(', ') || '0'],
    ['Reasoner calls', String(m.reasonerCalls)],
    ['Run', `${result.runId} in ${result.journalPath}`],
  ];
  if (result.report) rows.push(['Report', result.report]);
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`);
  if (result.runStrategies.length > 1) {
    lines.push('', 'Per strategy (PnL in quote units, fees and gas charged to the strategy that traded):');
    for (const [id, figures] of Object.entries(result.strategies)) {
      const denials = Object.entries(figures.denialsByReason).map(([reason, n]) => `${reason} ${n}`).join(', ');
      lines.push(`  ${id}: ${figures.signals} signals, ${figures.trades} trades, ${figures.denials} denied${denials ? ` (${denials})` : ''}, ${figures.failures} failed, PnL ${money(figures.pnl)}`);
    }
  }
  return lines.join('\n');
}
