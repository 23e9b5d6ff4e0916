import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { renderReport, type RenderReportOptions, type ReportInput } from './render-report.js';

export type WriteReportReturnType = {
  /** The absolute path written. */
  path: string;
  /** The file's size in bytes. */
  bytes: number;
};

/**
 * Writes a backtest's self-contained HTML report (equity against buy and hold, drawdown, price with the
 * trades, metrics and run metadata); creates the folder if needed and replaces an existing file.
 *
 * @example
 * const result = await runBacktest({ strategy: 'trend', data: 'data/chainlink/eth-usd.csv' });
 * await writeReport(result, 'reports/trend.html'); // open it in any browser, offline
 */
export async function writeReport(result: ReportInput, path: string, options: RenderReportOptions = {}): Promise<WriteReportReturnType> {
  const html = renderReport(result, options);
  const absolute = resolve(path);
  await mkdir(dirname(absolute), { recursive: true });
  await writeFile(absolute, html, 'utf8');
  return { path: absolute, bytes: Buffer.byteLength(html) };
}
