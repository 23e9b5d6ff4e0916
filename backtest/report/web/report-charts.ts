import { afterPaint, drawTimeSeriesChart, type DrawTimeSeriesChartParameters } from './time-series-chart.js';

/**
 * The backtest report's charts (bundled with lightweight-charts into one script inlined in the report). It
 * reads the JSON in `<script id="report-data">`, draws each `<div data-chart="equity|drawdown|price">`, and
 * sets `data-charts-drawn` on <html> to the number drawn once they are painted (the browser test waits
 * for it).
 */
type ReportData = {
  curve: { time: number[]; equity: number[]; buyAndHold: number[]; price: number[]; drawdown: number[] };
  trades: { time: number[]; price: number[]; side: ('buy' | 'sell')[] };
};

const data = JSON.parse(document.getElementById('report-data')!.textContent!) as ReportData;
const { curve, trades } = data;
const money = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: 2 });

const charts: Record<string, DrawTimeSeriesChartParameters> = {
  equity: {
    format: 'money',
    lines: [
      { name: 'Strategy', color: '#1f6feb', times: curve.time, values: curve.equity },
      { name: 'Buy and hold', color: '#9a6700', times: curve.time, values: curve.buyAndHold },
    ],
  },
  drawdown: {
    format: 'percent',
    lines: [{ name: 'Drawdown', color: '#cf222e', times: curve.time, values: curve.drawdown.map((d) => -d * 100), area: true }],
  },
  price: {
    format: 'money',
    lines: [
      {
        name: 'Price',
        color: '#57606a',
        times: curve.time,
        values: curve.price,
        markers: trades.time.map((time, i) => {
          const buy = trades.side[i] === 'buy';
          return { time, up: buy, color: buy ? '#1a7f37' : '#cf222e', text: `${buy ? 'Buy' : 'Sell'} ${money(trades.price[i]!)}` };
        }),
      },
    ],
  },
};

let drawn = 0;
for (const element of document.querySelectorAll<HTMLElement>('[data-chart]')) {
  const chart = charts[element.dataset.chart ?? ''];
  if (!chart) continue;
  drawTimeSeriesChart(element, chart);
  drawn += 1;
}
void afterPaint().then(() => document.documentElement.setAttribute('data-charts-drawn', String(drawn)));
