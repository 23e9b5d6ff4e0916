import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readDevnetManifest } from '../agent/devnet/devnet-manifest.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../..');

/** Runs `mandate devnet ...` for real, waits for it to be up, then stops it with `signal`. */
async function runDevnetUntilUp(args: string[], signal: NodeJS.Signals) {
  const child = spawn(process.execPath, [join(repoRoot, 'bin/mandate.js'), 'devnet', ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  await new Promise<void>((resolveUp, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('Devnet running')) resolveUp();
    });
    void exited.then((code) => reject(new Error(`mandate devnet exited early with ${code}:\n${stderr}`)));
  });
  return {
    stderr: () => stderr,
    async stop() {
      child.kill(signal);
      const code = await exited;
      return { code, stdout, stderr };
    },
  };
}

describe('mandate devnet', () => {
  it('comes up, writes the manifest, replays rounds, and shuts anvil down on SIGTERM with a JSON last line', async () => {
    // The manifest goes where the config's chain.devnetManifest says.
    const dir = mkdtempSync(join(tmpdir(), 'mandate-cli-'));
    const manifestPath = join(dir, 'devnet.json');
    const configPath = join(dir, 'agent.config.json');
    writeFileSync(configPath, JSON.stringify({ chain: { preset: 'devnet', devnetManifest: manifestPath } }));
    const devnet = await runDevnetUntilUp(['--market', '--max-rounds', '3', '--json', '--config', configPath], 'SIGTERM');

    expect(existsSync(manifestPath)).toBe(true);
    const manifest = readDevnetManifest(manifestPath);
    const chainId = await fetch(manifest.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
    }).then((r) => r.json() as Promise<{ result: string }>);
    expect(Number(chainId.result)).toBe(manifest.chainId);
    expect(devnet.stderr()).toContain('Market done (max-rounds): 3 rounds replayed');

    const { code, stdout } = await devnet.stop();
    expect(code).toBe(0);
    const last = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, any>;
    expect(last).toMatchObject({ manifestPath, rpcUrl: manifest.rpcUrl, chainId: manifest.chainId, market: { replayed: 3, stoppedBy: 'max-rounds' } });
    expect(last.market.rejected).toBeGreaterThanOrEqual(1);
    // anvil is gone: nothing listens on its port any more.
    await expect(fetch(manifest.rpcUrl, { method: 'POST', body: '{}' })).rejects.toThrow();
  });
});
