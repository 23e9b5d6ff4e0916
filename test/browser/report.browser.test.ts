import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../backtest/report/index.js';
import { runBacktest, type BacktestResult } from '../../backtest/run-backtest.js';

const ethUsd = fileURLToPath(new URL('../../data/chainlink/eth-usd.csv', import.meta.url));
const executablePath = process.env.MANDATE_CHROMIUM ?? '/usr/bin/chromium';
const directory = mkdtempSync(join(tmpdir(), 'mandate-report-browser-'));

/** The bits of a page's HTMLCanvasElement the checks read (the project's tsconfig has no DOM lib). */
type PageCanvas = {
  width: number;
  height: number;
  dataset: Record<string, string | undefined>;
  getContext(kind: '2d'): { getImageData(x: number, y: number, width: number, height: number): { data: ArrayLike<number> } } | null;
};

let browser: Browser;
let reportUrl: string;
let tradeCount: number;
let result: BacktestResult;

beforeAll(async () => {
  // A real backtest (trend over a few months of real ETH/USD rounds), not a fixture.
  result = await runBacktest({
    strategy: 'trend',
    params: { fastPeriod: 12, slowPeriod: 48 },
    data: ethUsd,
    from: Date.parse('2023-06-01T00:00:00Z') / 1000,
    to: Date.parse('2023-10-01T00:00:00Z') / 1000,
  });
  tradeCount = result.trades.length;
  const path = join(directory, 'report.html');
  await writeReport(result, path);
  reportUrl = pathToFileURL(path).href;
  browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('the backtest report in Chromium', () => {
  it('loads offline without console or page errors and draws its three charts', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console.${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      if (request.url() !== reportUrl) requests.push(request.url());
    });

    await page.goto(reportUrl, { waitUntil: 'load' });
    await page.waitForSelector('html[data-charts-drawn]');
    expect(await page.getAttribute('html', 'data-charts-drawn')).toBe('3');

    // Each chart has pixels of its own series' colours (not only the grey axes and grid). The canvas has a
    // transparent background and anti-aliased lines, so count every painted pixel near each colour.
    const targets = { strategy: [31, 111, 235], buyAndHold: [154, 103, 0], red: [207, 34, 46], price: [87, 96, 106], buy: [26, 127, 55] };
    const painted = await page.$$eval(
      'canvas[data-chart]',
      (canvases, colours) =>
        (canvases as unknown as PageCanvas[]).map((canvas) => {
          const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
          const counts: Record<string, number> = {};
          for (const name of Object.keys(colours)) counts[name] = 0;
          for (let i = 0; i < data.length; i += 4) {
            if (data[i + 3]! === 0) continue;
            for (const [name, [r, g, b]] of Object.entries(colours)) {
              if (Math.abs(data[i]! - r!) + Math.abs(data[i + 1]! - g!) + Math.abs(data[i + 2]! - b!) <= 24) counts[name]! += 1;
            }
          }
          return { chart: canvas.dataset.chart!, width: canvas.width, height: canvas.height, counts };
        }),
      targets,
    );
    const byChart = Object.fromEntries(painted.map((c) => [c.chart, c.counts]));
    expect(Object.keys(byChart).sort()).toEqual(['drawdown', 'equity', 'price']);
    for (const chart of painted) expect(chart.width).toBeGreaterThan(300);
    expect(byChart.equity!.strategy).toBeGreaterThan(300);
    expect(byChart.equity!.buyAndHold).toBeGreaterThan(300);
    expect(byChart.drawdown!.red).toBeGreaterThan(300);
    expect(byChart.price!.price).toBeGreaterThan(300);
    expect(tradeCount).toBeGreaterThan(1);
    expect(byChart.price!.buy).toBeGreaterThan(20); // buy markers
    expect(byChart.price!.red).toBeGreaterThan(20); // sell markers

    // Hovering shows the values under the pointer without errors.
    const box = (await page.locator('canvas[data-chart="equity"]').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.move(box.x + box.width - 20, box.y + box.height / 2);
    await page.setViewportSize({ width: 700, height: 900 });
    await page.waitForTimeout(300); // the resize redraw is debounced; errors, if any, land in `problems`

    expect(await page.locator('table.metrics').innerText()).toContain('Sharpe');
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    await page.screenshot({ path: join(directory, 'report.png'), fullPage: true });
    if (process.env.MANDATE_KEEP_SCREENSHOT) await page.screenshot({ path: process.env.MANDATE_KEEP_SCREENSHOT, fullPage: true });
    await page.close();
  });

  it('opens a run with no market data or trades (a window with no events) without errors', async () => {
    const path = join(directory, 'empty.html');
    await writeReport({ ...result, equityCurve: [], trades: [], from: undefined, to: undefined }, path);
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console.${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
    await page.waitForSelector('html[data-charts-drawn]');
    expect(await page.getAttribute('html', 'data-charts-drawn')).toBe('3');
    expect(problems).toEqual([]);
    await page.close();
  });
});
