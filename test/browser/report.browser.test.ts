import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../backtest/report/index.js';
import { runBacktest, type BacktestResult } from '../../backtest/run-backtest.js';
import { chartPixels, launchChromium, watchProblems } from './chromium.js';

const ethUsd = fileURLToPath(new URL('../../data/chainlink/eth-usd.csv', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'mandate-report-browser-'));

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
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('the backtest report in Chromium', () => {
  it('loads offline without console or page errors and draws its three charts', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const problems = watchProblems(page);
    const requests: string[] = [];
    page.on('request', (request) => {
      if (request.url() !== reportUrl) requests.push(request.url());
    });

    await page.goto(reportUrl, { waitUntil: 'load' });
    await page.waitForSelector('html[data-charts-drawn]');
    expect(await page.getAttribute('html', 'data-charts-drawn')).toBe('3');

    // Each chart has pixels of its own series' colours (not only the grey axes and grid), counted over the
    // library's canvases; lines are anti-aliased, so every painted pixel near each colour counts.
    const targets = { strategy: [31, 111, 235], buyAndHold: [154, 103, 0], red: [207, 34, 46], price: [87, 96, 106], buy: [26, 127, 55] } as const;
    const painted = await chartPixels(page, '[data-chart]', targets);
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

    // The crosshair follows the pointer, the wheel zooms and a drag pans, without errors.
    const box = (await page.locator('[data-chart="equity"]').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -300);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 3, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.setViewportSize({ width: 700, height: 900 });
    await page.waitForTimeout(300); // resizing redraws on the next frames; errors, if any, land in `problems`
    const resized = await chartPixels(page, '[data-chart="equity"]', targets);
    expect(resized[0]!.width).toBeLessThan(painted.find((c) => c.chart === 'equity')!.width);

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
    const problems = watchProblems(page);
    await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
    await page.waitForSelector('html[data-charts-drawn]');
    expect(await page.getAttribute('html', 'data-charts-drawn')).toBe('3');
    expect(problems).toEqual([]);
    await page.close();
  });
});
