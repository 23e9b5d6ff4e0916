/**
 * `npm run build:web` (run by `prepare` at install): bundles the browser code with esbuild into dist/web/
 * (gitignored): the backtest report's charts and the console's page.
 */
import { writeBrowserBundle } from '../backtest/report/browser-bundle.js';
import { consoleBundle } from '../agent/console/console-bundle.js';
import { reportChartsBundle } from '../backtest/report/report-charts-bundle.js';

for (const bundle of [reportChartsBundle, consoleBundle]) {
  const { path, bytes } = writeBrowserBundle(bundle);
  console.log(`${path} (${(bytes / 1024).toFixed(0)} KiB)`);
}
