import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml, renderReport, scriptJson, writeReport } from '../backtest/report/index.js';
import { runBacktest, type BacktestResult } from '../backtest/run-backtest.js';

const ethUsd = fileURLToPath(new URL('../data/chainlink/eth-usd.csv', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'mandate-report-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

let result: BacktestResult;
beforeAll(async () => {
  // A real run over a few months of the ETH/USD rounds: enough trades for markers, fast enough for a unit test.
  result = await runBacktest({
    strategy: 'trend',
    params: { fastPeriod: 12, slowPeriod: 48 },
    data: ethUsd,
    from: Date.parse('2023-06-01T00:00:00Z') / 1000,
    to: Date.parse('2023-09-01T00:00:00Z') / 1000,
  });
});

describe('writeReport', () => {
  it('writes one self-contained HTML file with the metrics, the metadata and the chart data', async () => {
    const path = join(directory, 'nested', 'report.html');
    const written = await writeReport(result, path);
    expect(written.path).toBe(path);
    const html = readFileSync(path, 'utf8');
    expect(written.bytes).toBe(Buffer.byteLength(html));
    expect(html.startsWith('<!doctype html>')).toBe(true);

    // Nothing is fetched at view time: no URLs in the markup (the inlined library's own text names its
    // licence), no external scripts, styles or images, and a CSP that allows nothing from anywhere.
    const markup = html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '');
    expect(markup).not.toMatch(/https?:\/\//i);
    expect(markup).not.toMatch(/\s(src|href)\s*=/i);
    expect(markup).not.toMatch(/<link\b/i);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-[A-Za-z0-9+/=]+';/);
    expect(html).toContain('TradingView Lightweight Charts');

    const m = result.metrics;
    expect(result.trades.length).toBeGreaterThan(0);
    for (const label of ['Return', 'Buy and hold', 'CAGR', 'Sharpe', 'Sortino', 'Max drawdown', 'Trades', 'Win rate', 'Fees', 'Gas', 'Denials', 'Reasoner calls']) {
      expect(html).toContain(`<th scope="row">${label}</th>`);
    }
    expect(html).toContain(`<td>${(m.totalReturn * 100).toFixed(2)} %</td>`);
    expect(html).toContain(`<td>${(m.buyAndHoldReturn * 100).toFixed(2)} %</td>`);
    expect(html).toContain(`<td>${(m.maxDrawdown * 100).toFixed(2)} %</td>`);
    expect(html).toContain(`<td>${m.sharpe!.toFixed(2)}</td>`);
    expect(html).toContain(`<td>${m.trades}</td>`);
    expect(html).toContain(`<td>${result.reasonerCalls}</td>`);
    expect(html).toContain(escapeHtml(JSON.stringify(result.strategy.params)));
    expect(html).toContain(`data sha256 ${result.reproducibility.dataHash}`);
    expect(html).toContain(result.reproducibility.configDigest);
    expect(html).toContain(ethUsd);
    expect(html).toContain('2023-06-01');
    for (const chart of ['equity', 'drawdown', 'price']) expect(html).toContain(`<div data-chart="${chart}"`);

    const json = html.match(/<script type="application\/json" id="report-data">([^<]*)<\/script>/);
    const data = JSON.parse(json![1]!) as { curve: { time: number[]; equity: number[] }; trades: { side: string[] } };
    expect(data.curve.time).toHaveLength(result.equityCurve.length);
    expect(data.curve.equity).toEqual(result.equityCurve.map((p) => p.equity));
    expect(data.trades.side).toEqual(result.trades.map((t) => t.side));
  });

  it('escapes a malicious strategy name, params and data label', () => {
    const attack = '<img src=x onerror="alert(1)"></script><script>alert(2)</script>';
    const html = renderReport({
      ...result,
      strategy: { name: attack, id: `${attack}-id`, params: { note: attack, '<b>key</b>': 1 } },
      source: { ...result.source, label: `/tmp/${attack}.csv` },
      denialsByReason: { [attack]: 2 },
      metrics: { ...result.metrics, denials: 2, denialsByReason: { [attack]: 2 } },
    });
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>key');
    expect(html).not.toContain('<script>alert');
    // Only the report's own two script elements exist, and each closes once.
    expect(html.match(/<script\b/g)).toHaveLength(2);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(html).toContain(`<title>Backtest: ${escapeHtml(attack)} on `);
  });

  it('keeps JSON inside a script element unable to close it', () => {
    const text = scriptJson({ name: '</script><script>alert(1)</script>', line: '\u2028' });
    expect(text).not.toContain('<');
    expect(JSON.parse(text)).toEqual({ name: '</script><script>alert(1)</script>', line: '\u2028' });
  });
});
