import type { BacktestResult } from '../run-backtest.js';
import { escapeHtml, scriptJson } from './escape-html.js';
import { cspHash, reportChartsScript } from './report-charts-bundle.js';

/** The parts of a backtest result the report shows (a whole BacktestResult fits). */
export type ReportInput = Pick<
  BacktestResult,
  'runId' | 'strategy' | 'runStrategies' | 'strategies' | 'reproducibility' | 'market' | 'source' | 'from' | 'to' | 'settings' | 'metrics' | 'equityCurve' | 'trades' | 'denialsByReason' | 'failuresByReason' | 'reasonerCalls' | 'policyPricing'
>;

export type RenderReportOptions = {
  /** The page title; default "Backtest: <strategy> on <data file>". Escaped like everything else. */
  title?: string | undefined;
  /** Most trades listed in the trades table (all are drawn on the chart). Default 1000. */
  maxTradeRows?: number | undefined;
};

const percent = (value: number | undefined): string => (value === undefined || !Number.isFinite(value) ? '–' : `${(value * 100).toFixed(2)} %`);
const ratio = (value: number | undefined): string => (value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(2));
const money = (value: number): string => value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const utc = (time: number | undefined): string => (time === undefined ? '–' : `${new Date(time * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC`);
const byReason = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([reason, n]) => `${reason}: ${n}`)
    .join(', ');

const style = `
  body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #24292f; margin: 0; background: #f6f8fa; }
  main { max-width: 1100px; margin: 0 auto; padding: 20px; }
  h1 { font-size: 20px; margin: 0 0 12px; word-break: break-word; }
  h2 { font-size: 15px; margin: 0 0 6px; }
  section { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 12px 14px; margin-bottom: 14px; }
  .tables { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; }
  @media (max-width: 800px) { .tables { grid-template-columns: 1fr; } }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 3px 8px 3px 0; border-bottom: 1px solid #eaeef2; vertical-align: top; word-break: break-word; }
  th { font-weight: 600; white-space: nowrap; }
  [data-chart] { position: relative; width: 100%; height: 260px; }
  .legend span { margin-right: 14px; font-size: 12px; color: #57606a; }
  .legend i { display: inline-block; width: 12px; height: 3px; margin: 0 5px 3px 0; vertical-align: middle; }
  .legend .strategy { background: #1f6feb; } .legend .hold { background: #9a6700; } .legend .price { background: #57606a; }
  .legend .buy { background: #1a7f37; } .legend .sell { background: #cf222e; }
  .trades td, .trades th { font-variant-numeric: tabular-nums; font-size: 12px; }
  td.buy { color: #1a7f37; } td.sell { color: #cf222e; }
  footer { color: #57606a; font-size: 12px; }
`;

/**
 * The report as one self-contained HTML page: metadata and metrics rendered as (escaped) HTML, the chart
 * data as JSON, and the charts (TradingView's lightweight-charts, bundled) inlined, so it opens offline and
 * from any directory. A Content-Security-Policy in the page allows only its own inline script and style, by
 * hash, and loads nothing from anywhere.
 *
 * @example
 * const html = renderReport(await runBacktest({ strategy: 'trend', data: 'eth-usd.csv' }));
 */
export function renderReport(result: ReportInput, options: RenderReportOptions = {}): string {
  const m = result.metrics;
  const dataName = result.source.label.split(/[\\/]/).pop() ?? result.source.label;
  const title = options.title ?? `Backtest: ${result.strategy.name} on ${dataName}`;
  const market = result.market;
  const backtest = result.settings.backtest;

  const metadata: [string, string][] = [
    ...result.runStrategies.map(({ id, name, params }): [string, string] => [
      'Strategy',
      `${id === name ? name : `${name} (id ${id})`} ${JSON.stringify(params)}: ${result.strategies[id]?.trades ?? 0} trades, PnL ${(result.strategies[id]?.pnl ?? 0).toFixed(2)}`,
    ]),
    ['Data', `${result.source.label} (${result.source.kind}; ${result.source.stats.emitted.toLocaleString('en-US')} events read, ${result.source.stats.rejected} rows rejected)`],
    ['Period', `${utc(result.from)} → ${utc(result.to)}`],
    ['Market', `${market.base.symbol ?? market.base.address}/${market.quote.symbol ?? market.quote.address}, pool fee ${((market.poolFee ?? 500) / 10_000).toFixed(2)} %`],
    ['Costs', `gas ${backtest.gasPerTrade.toLocaleString('en-US')} per trade at ${backtest.gasPriceGwei} gwei, latency ${backtest.latencyBlocks} block(s)`],
    ['Policy priced by', result.policyPricing],
    ['Run', result.runId],
    ['Reproducible from', `data sha256 ${result.reproducibility.dataHash ?? '(events handed in)'}, config ${result.reproducibility.configDigest}, mandate ${result.reproducibility.version} (lockfile sha256 ${result.reproducibility.lockHash.slice(0, 16)}…)`],
  ];
  const metrics: [string, string][] = [
    ['Return', percent(m.totalReturn)],
    ['Buy and hold', percent(m.buyAndHoldReturn)],
    ['CAGR', percent(m.cagr)],
    ['Sharpe', ratio(m.sharpe)],
    ['Sortino', ratio(m.sortino)],
    ['Max drawdown', percent(m.maxDrawdown)],
    ['Trades', String(m.trades)],
    ['Win rate', `${percent(m.winRate)} of ${m.roundTrips} round trips`],
    ['Initial equity', money(m.initialEquity)],
    ['Final equity', money(m.finalEquity)],
    ['Fees', money(m.fees)],
    ['Gas', money(m.gas)],
    ['Denials', m.denials === 0 ? '0' : `${m.denials} (${byReason(result.denialsByReason)})`],
    ['Failed fills', byReason(result.failuresByReason) || '0'],
    ['Reasoner calls', String(result.reasonerCalls)],
  ];

  const curve = result.equityCurve;
  const chartData = {
    curve: {
      time: curve.map((p) => p.time),
      equity: curve.map((p) => p.equity),
      buyAndHold: curve.map((p) => p.buyAndHold),
      price: curve.map((p) => p.price),
      drawdown: curve.map((p) => p.drawdown),
    },
    trades: {
      time: result.trades.map((t) => t.time),
      price: result.trades.map((t) => t.price),
      side: result.trades.map((t) => t.side),
    },
  };

  const maxTradeRows = options.maxTradeRows ?? 1000;
  const tradeRows = result.trades
    .slice(0, maxTradeRows)
    .map(
      (t) =>
        `<tr><td>${escapeHtml(utc(t.time))}</td><td class="${t.side}">${t.side}</td><td>${money(t.price)}</td><td>${money(t.marketPrice)}</td><td>${money(t.feeQuote)}</td><td>${money(t.gasQuote)}</td><td>${t.ticksCrossed}</td></tr>`,
    )
    .join('\n');
  const moreTrades = result.trades.length > maxTradeRows ? `<p>${result.trades.length - maxTradeRows} more trades are not listed (all are on the chart).</p>` : '';

  const rows = (pairs: [string, string][]): string =>
    pairs.map(([label, value]) => `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`).join('\n');
  const legend = (items: [string, string][]): string => items.map(([kind, label]) => `<span><i class="${kind}"></i>${escapeHtml(label)}</span>`).join('');
  const script = reportChartsScript();
  const csp = `default-src 'none'; script-src ${cspHash(script)}; style-src ${cspHash(style)}; img-src data:; base-uri 'none'; form-action 'none'`;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<div class="tables">
<section><h2>Run</h2><table class="metadata">
${rows(metadata)}
</table></section>
<section><h2>Metrics</h2><table class="metrics">
${rows(metrics)}
</table></section>
</div>
<section><h2>Equity against buy and hold</h2><div class="legend">${legend([['strategy', 'Strategy'], ['hold', 'Buy and hold']])}</div><div data-chart="equity" role="img" aria-label="Equity curve against buy and hold"></div></section>
<section><h2>Drawdown</h2><div data-chart="drawdown" role="img" aria-label="Drawdown from the running peak"></div></section>
<section><h2>Price and trades</h2><div class="legend">${legend([['price', 'Price'], ['buy', 'Buy'], ['sell', 'Sell']])}</div><div data-chart="price" role="img" aria-label="Price with buy and sell markers"></div></section>
<section><details><summary>Trades (${result.trades.length})</summary>
<table class="trades"><thead><tr><th>Filled</th><th>Side</th><th>Price</th><th>Market</th><th>Fee</th><th>Gas</th><th>Ticks crossed</th></tr></thead><tbody>
${tradeRows}
</tbody></table>${moreTrades}</details></section>
<footer>Charts: TradingView Lightweight Charts™ (Apache-2.0), inlined.</footer>
</main>
<script type="application/json" id="report-data">${scriptJson(chartData)}</script>
<script>${script}</script>
</body>
</html>
`;
}
