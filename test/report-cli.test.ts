import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const directory = mkdtempSync(join(tmpdir(), 'mandate-report-cli-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('mandate backtest --report', () => {
  it('writes the self-contained HTML report and names it in the JSON summary', async () => {
    const report = join(directory, 'out', 'trend.html');
    const { stdout } = await run(
      'node',
      [
        'bin/mandate.js', 'backtest', '--strategy', 'trend', '--param', 'fastPeriod=12', '--param', 'slowPeriod=48',
        '--data', 'data/chainlink/eth-usd.csv', '--from', '2023-07-01', '--to', '2023-08-01',
        '--journal', join(directory, 'journal.sqlite'), '--report', report, '--json',
      ],
      { maxBuffer: 1 << 24 },
    );
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(summary.report).toBe(report);
    expect(summary.warnings).toEqual([]);
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('<title>Backtest: trend on eth-usd.csv</title>');
    expect(html).toContain(summary.runId);
    expect(html).toContain(`<td>${summary.trades}</td>`);
    // Nothing to fetch: no URL in the markup (the inlined chart library's own text names its licence).
    expect(html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '')).not.toMatch(/https?:\/\//);
  });
});
