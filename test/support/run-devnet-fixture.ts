import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAnvil, type AnvilInstance } from '../../agent/chain/anvil.js';
import { deployDevnet } from '../../agent/devnet/deploy-devnet.js';
import { defaultDevnetExtensions } from '../../agent/devnet/devnet-extensions.js';
import { writeDevnetManifest, type DevnetManifest } from '../../agent/devnet/devnet-manifest.js';
import { defaultReplayCsvPath, loadReplayRounds } from '../../agent/devnet/replay-rounds.js';

export type RunDevnetFixture = {
  anvil: AnvilInstance;
  manifest: DevnetManifest;
  /** The JSON agent config `mandate run --config` reads. */
  configPath: string;
  journalPath: string;
};

/**
 * A devnet (with its vault) and an agent config for running the real `mandate run` CLI against it, shared
 * by the run and crash-restart suites. The strategies make every kind of decision within a few rounds:
 * trades (the oracle gap, an hourly DCA), denials (both wanting to trade within the vault's cooldown),
 * holds (a DCA so small it rounds to zero base units), and batches of 4 so roots are committed while the
 * agent runs.
 *
 * @example
 * const { anvil, manifest, configPath, journalPath } = await startRunDevnet('mandate-run-');
 * const fixture = await startRunDevnet('mandate-state-', { strategies: [{ id: 'fast-trend', use: 'trend', params: { fastPeriod: 2, slowPeriod: 4 } }] });
 */
export async function startRunDevnet(tempPrefix: string, options: { strategies?: readonly object[] } = {}): Promise<RunDevnetFixture> {
  const dir = mkdtempSync(join(tmpdir(), tempPrefix));
  const manifestPath = join(dir, 'devnet.json');
  const journalPath = join(dir, 'journal.sqlite');
  const configPath = join(dir, 'agent.config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      chain: { preset: 'devnet', devnetManifest: manifestPath, confirmations: 0 },
      market: { pollIntervalMs: 100 },
      strategies: options.strategies ?? [
        { id: 'oracle-gap', use: 'oracle-dex-deviation', poolFee: 3000 },
        { id: 'hourly-dca', use: 'dca', params: { intervalSeconds: 3600, amountQuote: '500' }, poolFee: 500 },
        { id: 'dust-dca', use: 'dca', params: { intervalSeconds: 3600, amountQuote: '0.0000001' }, poolFee: 500 },
      ],
      journal: { path: journalPath },
      commits: { batchSize: 4, intervalSeconds: 3600 },
      observability: { logLevel: 'warn' },
    }),
  );
  const firstRound = (await loadReplayRounds(defaultReplayCsvPath)).rounds[0]!;
  const anvil = await startAnvil({ timestamp: firstRound.updatedAt - 60n });
  const manifest = await deployDevnet({
    rpcUrl: anvil.rpcUrl,
    firstRound,
    replaySource: defaultReplayCsvPath,
    extensions: defaultDevnetExtensions,
  });
  writeDevnetManifest(manifest, manifestPath);
  return { anvil, manifest, configPath, journalPath };
}
