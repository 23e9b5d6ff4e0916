import {
  AreaSeries,
  createChart,
  createSeriesMarkers,
  LineSeries,
  type IChartApi,
  type SeriesMarker,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';

/** One line of a chart: values at unix-second times (any order, repeats allowed: the last value of a second wins). */
export type ChartLine = {
  name: string;
  color: string;
  times: readonly number[];
  values: readonly number[];
  /** Filled down to the axis (drawdown). */
  area?: boolean | undefined;
  width?: 1 | 2 | 3 | undefined;
  /** Which price axis: lines of very different sizes (ETH and USDC balances) each get their own. Default right. */
  scale?: 'left' | 'right' | undefined;
  /** Trades drawn on this line: up (green arrow below) or down (red arrow above). */
  markers?: readonly { time: number; up: boolean; color: string; text?: string | undefined }[] | undefined;
};

export type DrawTimeSeriesChartParameters = {
  lines: readonly ChartLine[];
  /** How the price axis and crosshair label values. */
  format: 'money' | 'percent' | 'amount';
};

/**
 * Draws lines over time with TradingView's lightweight-charts (zoom, pan, crosshair, resizing with its
 * container). Shared by the backtest report and the console. The library's attribution logo is off: it is
 * a link with a style element of its own, which a strict Content-Security-Policy refuses; the pages credit
 * the library in text instead.
 *
 * @example
 * drawTimeSeriesChart(element, { format: 'money', lines: [{ name: 'Equity', color: '#1f6feb', times, values }] });
 */
export function drawTimeSeriesChart(container: HTMLElement, parameters: DrawTimeSeriesChartParameters): IChartApi {
  const chart = createChart(container, {
    autoSize: true,
    layout: { attributionLogo: false, background: { color: '#ffffff' }, textColor: '#57606a', fontSize: 11 },
    grid: { vertLines: { color: '#eaeef2' }, horzLines: { color: '#eaeef2' } },
    rightPriceScale: { borderColor: '#d0d7de' },
    leftPriceScale: { borderColor: '#d0d7de', visible: parameters.lines.some((line) => line.scale === 'left') },
    timeScale: { borderColor: '#d0d7de', timeVisible: true, secondsVisible: false },
    localization: { priceFormatter: formatter(parameters.format) },
  });
  for (const line of parameters.lines) {
    const options = { color: line.color, lineWidth: line.width ?? 2, title: '', priceLineVisible: false, lastValueVisible: true, priceScaleId: line.scale ?? 'right' };
    const series = line.area
      ? chart.addSeries(AreaSeries, { ...options, lineColor: line.color, topColor: `${line.color}10`, bottomColor: `${line.color}50`, invertFilledArea: true })
      : chart.addSeries(LineSeries, options);
    series.setData(points(line.times, line.values));
    if (line.markers?.length) {
      // Labels help a few trades and bury many: past a handful only the arrows are drawn.
      const labelled = line.markers.length <= 12;
      const markers: SeriesMarker<Time>[] = [...line.markers]
        .sort((a, b) => a.time - b.time)
        .map((m) => ({ time: m.time as UTCTimestamp, position: m.up ? 'belowBar' : 'aboveBar', shape: m.up ? 'arrowUp' : 'arrowDown', color: m.color, text: labelled ? (m.text ?? '') : '' }));
      createSeriesMarkers(series, markers);
    }
  }
  chart.timeScale().fitContent();
  return chart;
}

/** The chart wants strictly increasing times: sort, and keep the last value of each second. */
function points(times: readonly number[], values: readonly number[]): { time: UTCTimestamp; value: number }[] {
  const order = times.map((_, index) => index).sort((a, b) => times[a]! - times[b]! || a - b);
  const out: { time: UTCTimestamp; value: number }[] = [];
  for (const index of order) {
    const time = Math.floor(times[index]!) as UTCTimestamp;
    const value = values[index]!;
    if (!Number.isFinite(value)) continue;
    if (out.length > 0 && out[out.length - 1]!.time === time) out[out.length - 1]!.value = value;
    else out.push({ time, value });
  }
  return out;
}

function formatter(format: DrawTimeSeriesChartParameters['format']): (value: number) => string {
  if (format === 'percent') return (value) => `${value.toFixed(Math.abs(value) >= 10 ? 1 : 2)} %`;
  if (format === 'amount') return (value) => value.toLocaleString('en-US', { maximumFractionDigits: Math.abs(value) >= 100 ? 2 : 6 });
  return (value) => {
    const a = Math.abs(value);
    if (a >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
    if (a >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
    return value.toFixed(2);
  };
}

/**
 * Resolves once the browser has painted the charts drawn so far (the library draws on the next animation
 * frame): pages set their "drawn" attribute after it, and the browser tests wait for that attribute.
 *
 * @example
 * await afterPaint(); document.documentElement.dataset.chartsDrawn = '3';
 */
export function afterPaint(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
}
