/**
 * The console with 100,000 decisions in Chromium: a devnet vault, 100,000 hold decisions journaled and
 * committed in Merkle batches, `mandate console`'s server in this process, and the page loading and verifying
 * every one against the chain. Reports how long until every decision is verified, the longest task that
 * blocked the page meanwhile (what the user feels as jank), how long a scroll that adds rows takes, and the
 * page's JS heap. Targets: all verified in under 2 minutes on the 2-core machines; no task over 200 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAnvil } from '../../agent/chain/anvil.js';
import { deployDevnet } from '../../agent/devnet/deploy-devnet.js';
import { defaultDevnetExtensions } from '../../agent/devnet/devnet-extensions.js';
import { defaultReplayCsvPath, loadReplayRounds } from '../../agent/devnet/replay-rounds.js';
import { createConsole } from '../../agent/console/create-console.js';
import { resolveConsoleChain } from '../../agent/console/resolve-console-chain.js';
import { serveConsole } from '../../agent/console/serve-console.js';
import { writeDevnetManifest } from '../../agent/devnet/devnet-manifest.js';
import { validateConfig } from '../../agent/config/index.js';
import { openJournal } from '../../agent/journal/open-journal.js';
import { systemClock } from '../../agent/model/clock.js';
import { launchChromium } from '../browser/chromium.js';
import { journalCommittedHolds } from '../support/committed-journal.js';
import type { Benchmark } from './benchmark.js';

/** Page-side globals the measurement reads (the project's tsconfig has no DOM lib). */
declare const document: { body: { dataset: Record<string, string | undefined> }; querySelectorAll(selector: string): { length: number } };
declare const window: { scrollBy(x: number, y: number): void; longest: number };
declare const performance: { now(): number; memory?: { usedJSHeapSize: number } };
declare class PerformanceObserver {
  constructor(callback: (list: { getEntries(): { duration: number }[] }) => void);
  observe(options: { type: string; buffered: boolean }): void;
}

export const bench: Benchmark = {
  name: 'console-scale',
  description: 'the console verifying 100,000 journaled decisions in Chromium: time, longest blocking task, scroll, heap',
  async run() {
    const count = 100_000;
    const directory = mkdtempSync(join(tmpdir(), 'mandate-console-scale-'));
    const firstRound = (await loadReplayRounds(defaultReplayCsvPath)).rounds[0]!;
    const anvil = await startAnvil({ timestamp: firstRound.updatedAt - 60n });
    const browser = await launchChromium();
    try {
      const manifest = await deployDevnet({ rpcUrl: anvil.rpcUrl, firstRound, replaySource: defaultReplayCsvPath, extensions: defaultDevnetExtensions });
      const manifestPath = join(directory, 'devnet.json');
      writeDevnetManifest(manifest, manifestPath);
      const journalPath = join(directory, 'journal.sqlite');
      let started = performance.now();
      const { batches } = await journalCommittedHolds({ journalPath, manifest, count, batchSize: 5_000 });
      const journalMs = performance.now() - started;

      const journal = openJournal({ path: journalPath, clock: systemClock });
      const chain = await resolveConsoleChain(validateConfig({ chain: { devnetManifest: manifestPath } }, { mode: 'backtest' }), { devnet: true });
      const server = await serveConsole({ console: createConsole({ journal, chain }), port: 0 });
      try {
        const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
        await page.addInitScript(() => {
          window.longest = 0;
          new PerformanceObserver((list) => {
            for (const entry of list.getEntries()) window.longest = Math.max(window.longest, entry.duration);
          }).observe({ type: 'longtask', buffered: true });
        });
        started = performance.now();
        await page.goto(server.url);
        await page.waitForFunction((n) => document.body.dataset.decisionsTotal === String(n), count, { timeout: 600_000 });
        const verifyMs = performance.now() - started;
        const totals = await page.evaluate(() => ({ ...document.body.dataset }));
        const longestTaskMs = await page.evaluate(() => window.longest);
        const rows = await page.evaluate(() => document.querySelectorAll('[data-decision-id]').length);
        started = performance.now();
        await page.evaluate(() => window.scrollBy(0, 100_000));
        await page.waitForFunction((before) => document.querySelectorAll('[data-decision-id]').length > before, rows);
        const scrollMs = performance.now() - started;
        const heapMiB = await page.evaluate(() => (performance.memory?.usedJSHeapSize ?? 0) / 2 ** 20);
        return {
          decisions: count,
          batches,
          journalAndCommitsSeconds: Math.round(journalMs / 100) / 10,
          verifiedInSeconds: Math.round(verifyMs / 100) / 10,
          verified: Number(totals.decisionsVerified),
          failed: Number(totals.decisionsFailed),
          longestBlockingTaskMs: Math.round(longestTaskMs),
          rowsRenderedAtFirst: rows,
          scrollAddingRowsMs: Math.round(scrollMs),
          pageHeapMiB: Math.round(heapMiB),
          targets: { verifiedInSeconds: 120, longestBlockingTaskMs: 200 },
        };
      } finally {
        await server.close();
        journal.close();
      }
    } finally {
      await browser.close();
      await anvil.stop();
      rmSync(directory, { recursive: true, force: true });
    }
  },
};
