import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBrowserBundle, type BrowserBundle } from '../../backtest/report/browser-bundle.js';
import { packageRoot } from '../model/package-root.js';

// From the package root, not this module: it also runs bundled, from dist/.
const web = (path: string) => `agent/console/web/${path}`;

/**
 * The console's page script: web/main.ts with Preact, htm, viem, lightweight-charts and the journal's own
 * verification modules (canonical JSON, keccak, decision hashing, Merkle proofs, verifyJournal), so the
 * browser checks decisions with exactly the code `mandate decisions verify` runs.
 */
export const consoleBundle: BrowserBundle = {
  name: 'console.js',
  entry: web('main.ts'),
  format: 'iife',
  // The model's keccak uses a native addon where it loads: never in a browser, so its loader is shimmed.
  alias: { 'node:module': web('node-shims/module.ts'), 'node:path': web('node-shims/path.ts') },
  define: { 'process.env.MANDATE_KECCAK': '"js"' },
};

/**
 * The console's assets, as served and exported: its script and its stylesheet.
 *
 * @example
 * const { script, style } = consoleAssets();
 */
export function consoleAssets(): { script: string; style: string } {
  return { script: loadBrowserBundle(consoleBundle), style: readFileSync(join(packageRoot(), web('console.css')), 'utf8') };
}

/**
 * The console's HTML page: no inline script or style (the CSP allows neither), the assets by relative URL
 * (so an exported folder works under any path), and, for an exported folder, its CSP as a meta tag.
 *
 * @example
 * renderConsolePage({ source: 'server' });
 */
export function renderConsolePage(parameters: { source: 'server' | 'static'; contentSecurityPolicy?: string | undefined }): string {
  const csp = parameters.contentSecurityPolicy ? `\n<meta http-equiv="Content-Security-Policy" content="${parameters.contentSecurityPolicy}">` : '';
  return `<!doctype html>
<html lang="en" data-source="${parameters.source}">
<head>
<meta charset="utf-8">${csp}
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Mandate console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="assets/console.css">
<script defer src="assets/console.js"></script>
</head>
<body>
<div id="app"><noscript>The Mandate console verifies decisions in your browser: it needs JavaScript.</noscript></div>
</body>
</html>
`;
}
