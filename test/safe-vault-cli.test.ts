/**
 * `mandate vault` end to end: the real CLI process against a real devnet (vault + 2-of-3 Safe owner), the
 * loosening queued through the Safe, refused before its timelock with the vault's decoded error, applied
 * after; `vault status` shows the pending change with the time it becomes valid; a key that is not the
 * owner is pointed to --safe.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PublicClient } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnvilInstance, startAnvil } from '../agent/chain/anvil.js';
import { deployDevnet } from '../agent/devnet/deploy-devnet.js';
import { createDevnetClients } from '../agent/devnet/devnet-clients.js';
import { defaultDevnetExtensions } from '../agent/devnet/devnet-extensions.js';
import { type DevnetManifest, writeDevnetManifest } from '../agent/devnet/devnet-manifest.js';
import { defaultReplayCsvPath, loadReplayRounds } from '../agent/devnet/replay-rounds.js';
import { readPendingChanges, readPolicy } from '../agent/chain/vault/read-vault.js';

const run = promisify(execFile);
const repoRoot = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'mandate-vault-cli-'));
const manifestPath = join(dir, 'devnet.json');
let anvil: AnvilInstance;
let manifest: DevnetManifest;
let publicClient: PublicClient;

/** Runs `mandate vault <args> --devnet --manifest <tmp> --json`; returns the exit code and the last JSON line. */
async function vault(...args: string[]): Promise<{ code: number; json: Record<string, any>; stderr: string }> {
  const argv = [join(repoRoot, 'bin/mandate.js'), 'vault', ...args, '--devnet', '--manifest', manifestPath, '--json'];
  // No agent.config.ts of the repo's own may leak in: run from the temp dir.
  const env = { ...process.env, MANDATE_OWNER_KEY: '', MANDATE_GUARDIAN_KEY: '', MANDATE_SAFE_OWNER_KEYS: '', MANDATE_SAFE_EXECUTOR_KEY: '' };
  const result = await run(process.execPath, argv, { cwd: dir, env }).then(
    (r) => ({ code: 0, ...r }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
  const last = result.stdout.trim().split('\n').at(-1) ?? '{}';
  return { code: result.code, json: JSON.parse(last) as Record<string, any>, stderr: result.stderr };
}

beforeAll(async () => {
  const { rounds } = await loadReplayRounds(defaultReplayCsvPath);
  anvil = await startAnvil({ timestamp: rounds[0]!.updatedAt - 60n });
  manifest = await deployDevnet({ rpcUrl: anvil.rpcUrl, firstRound: rounds[0]!, replaySource: defaultReplayCsvPath, extensions: defaultDevnetExtensions });
  writeDevnetManifest(manifest, manifestPath);
  ({ publicClient } = createDevnetClients(anvil.rpcUrl, manifest.chainId));
});

afterAll(async () => {
  await anvil?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('mandate vault', () => {
  it('queues a loosening through the Safe, refuses it before the timelock, applies it after', async () => {
    const queued = await vault('policy', 'queue', '--per-trade-cap', '10000', '--safe');
    expect(queued.code).toBe(0);
    expect(queued.json).toMatchObject({ action: 'queuePolicy', via: 'safe', from: manifest.contracts.Safe, changeId: '1' });
    expect(queued.json.signers).toHaveLength(2);

    const [early, status, asOwnerKey] = await Promise.all([vault('policy', 'apply', '1', '--safe'), vault('status'), vault('unpause')]);
    expect(early.code).toBe(1);
    expect(early.json.error.name).toBe('VaultRevertError');
    expect(early.json.error.message).toMatch(/^Change 1 is timelocked until .*Z/);

    expect(status.json.owner).toBe(manifest.contracts.Safe);
    expect(status.json.ownerSafe).toMatchObject({ threshold: 2, owners: expect.any(Array) });
    expect(status.json.pendingChanges).toEqual([
      expect.objectContaining({ id: '1', kind: 'SetPolicy', eta: queued.json.eta, validNow: false, policy: expect.objectContaining({ perTradeCapUsd: (10_000n * 10n ** 18n).toString() }) }),
    ]);
    expect(status.json.balances.map((b: { symbol: string }) => b.symbol)).toEqual(['USDC', 'WETH']);

    // The devnet owner key no longer owns the vault: the error says to use the Safe.
    expect(asOwnerKey.code).toBe(1);
    expect(asOwnerKey.json.error).toMatchObject({ name: 'VaultAdminSetupError' });
    expect(asOwnerKey.json.error.details).toMatch(/2-of-3 Safe .* --safe/);

    await publicClient.request({ method: 'evm_setNextBlockTimestamp' as 'eth_chainId', params: [`0x${BigInt(queued.json.eta).toString(16)}`] as never });
    await publicClient.request({ method: 'evm_mine' as 'eth_chainId', params: [] as never });
    const applied = await vault('policy', 'apply', '1', '--safe');
    expect(applied.code).toBe(0);
    expect(applied.json).toMatchObject({ action: 'applyChange', via: 'safe' });
    expect((await readPolicy({ publicClient, vault: manifest.contracts.MandateVault! })).perTradeCapUsd).toBe(10_000n * 10n ** 18n);
    expect(await readPendingChanges({ publicClient, vault: manifest.contracts.MandateVault! })).toEqual([]);
  });
});
