import { createHash } from 'node:crypto';
import { loadBrowserBundle, type BrowserBundle } from './browser-bundle.js';

/** The report's chart script: web/report-charts.ts with lightweight-charts, one classic script to inline. */
export const reportChartsBundle: BrowserBundle = {
  name: 'report-charts.js',
  entry: 'backtest/report/web/report-charts.ts',
  format: 'iife',
};

/**
 * The report's chart script, ready to inline.
 *
 * @example
 * const script = reportChartsScript(); // `<script>${script}</script>`
 */
export function reportChartsScript(): string {
  const script = loadBrowserBundle(reportChartsBundle);
  // Inlined in a <script> element: a "</script" inside would end it early.
  if (/<\/script/i.test(script)) throw new Error('The report chart bundle contains "</script" and cannot be inlined.');
  return script;
}

/**
 * The Content-Security-Policy source of an inline script or style element: `'sha256-…'` of its exact text.
 *
 * @example
 * `script-src ${cspHash(script)}`; // "script-src 'sha256-…'"
 */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}
