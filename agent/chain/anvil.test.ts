import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AnvilStartError, startAnvil } from './anvil.js';

const rpc = async (url: string, method: string, params: unknown[] = []) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return ((await response.json()) as { result: string }).result;
};

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('startAnvil', () => {
  it('starts two instances on distinct free ports, answers JSON-RPC, and stops without leaving a process', async () => {
    const [a, b] = await Promise.all([startAnvil(), startAnvil({ chainId: 1337 })]);
    try {
      expect(a.port).not.toBe(b.port);
      expect(Number(await rpc(a.rpcUrl, 'eth_chainId'))).toBe(31337);
      expect(Number(await rpc(b.rpcUrl, 'eth_chainId'))).toBe(1337);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    expect(isAlive(a.pid)).toBe(false);
    expect(isAlive(b.pid)).toBe(false);
    await expect(fetch(a.rpcUrl)).rejects.toThrow();
    await a.stop(); // stopping twice is harmless
  });

  it('starts at the given genesis timestamp', async () => {
    const anvil = await startAnvil({ timestamp: 1_680_000_000 });
    try {
      const block = (await rpc(anvil.rpcUrl, 'eth_getBlockByNumber', ['0x0', false])) as unknown as { timestamp: string };
      expect(Number(block.timestamp)).toBe(1_680_000_000);
    } finally {
      await anvil.stop();
    }
  });

  it('keeps chain state across a restart with statePath', async () => {
    const statePath = join(mkdtempSync(join(tmpdir(), 'mandate-anvil-')), 'state.json');
    const first = await startAnvil({ statePath });
    await rpc(first.rpcUrl, 'evm_mine');
    await rpc(first.rpcUrl, 'evm_mine');
    await first.stop();
    const second = await startAnvil({ statePath });
    try {
      expect(Number(await rpc(second.rpcUrl, 'eth_blockNumber'))).toBe(2);
    } finally {
      await second.stop();
    }
  });

  it('fails with AnvilStartError when the port is taken', async () => {
    const first = await startAnvil();
    try {
      const error = await startAnvil({ port: first.port }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AnvilStartError);
      expect((error as AnvilStartError).shortMessage).toBe('anvil exited while starting.');
    } finally {
      await first.stop();
    }
  });
});

describe('orphan protection', () => {
  it('stops anvil when the process that started it is killed with SIGKILL', async () => {
    const { spawn } = await import('node:child_process');
    const anvilModule = new URL('./anvil.ts', import.meta.url).href;
    const parent = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', `const { startAnvil } = await import(${JSON.stringify(anvilModule)}); const a = await startAnvil(); console.log(a.pid); setInterval(() => {}, 1000);`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const anvilPid = await new Promise<number>((resolve, reject) => {
      parent.stdout.on('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
      parent.once('exit', (code) => reject(new Error(`parent exited with ${code}`)));
    });
    expect(isAlive(anvilPid)).toBe(true);
    parent.kill('SIGKILL');
    // The watchdog polls once a second; wait for it (bounded) rather than asserting a time.
    for (let i = 0; i < 100 && isAlive(anvilPid); i++) await new Promise((r) => setTimeout(r, 100));
    expect(isAlive(anvilPid)).toBe(false);
  });
});
