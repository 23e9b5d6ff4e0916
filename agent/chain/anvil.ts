import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MandateError } from '../model/base-error.js';

/** anvil did not start, or did not report where it listens. */
export class AnvilStartError extends MandateError {
  override name = 'AnvilStartError';
}

export type StartAnvilParameters = {
  /** Port to listen on; 0 (the default) lets the OS pick a free one, read back from anvil's output. */
  port?: number | undefined;
  host?: string | undefined;
  chainId?: number | undefined;
  /** Load state from this file on start and dump it there on exit (anvil --state), for restarts. */
  statePath?: string | undefined;
  /** Genesis block timestamp, unix seconds (anvil --timestamp): lets a replay start in the past. */
  timestamp?: bigint | number | undefined;
  /** Seconds between blocks; default: automine (a block per transaction). */
  blockTime?: number | undefined;
  /** Extra anvil arguments, passed as given. */
  extraArgs?: readonly string[] | undefined;
  /** How long to wait for anvil to listen before failing, in ms. Default 30 000. */
  startTimeoutMs?: number | undefined;
  /** Path to the anvil executable; default: the native binary from @foundry-rs/anvil. */
  binary?: string | undefined;
};

export type AnvilInstance = {
  /** http://host:port */
  rpcUrl: string;
  port: number;
  host: string;
  chainId: number;
  pid: number;
  /** The last lines anvil printed, for error messages. */
  output(): string;
  /** SIGTERM, wait up to `graceMs` (default 5 000) for exit (anvil dumps --state then), then SIGKILL. */
  stop(graceMs?: number): Promise<void>;
};

const platformPackages: Record<string, string> = {
  'linux-x64': '@foundry-rs/anvil-linux-amd64',
  'linux-arm64': '@foundry-rs/anvil-linux-arm64',
  'darwin-x64': '@foundry-rs/anvil-darwin-amd64',
  'darwin-arm64': '@foundry-rs/anvil-darwin-arm64',
  'win32-x64': '@foundry-rs/anvil-win32-amd64',
};

/**
 * Finds the native anvil binary shipped by @foundry-rs/anvil. The package's `bin` is a Node wrapper that
 * spawns the binary; running the binary directly means our SIGTERM/SIGKILL reaches anvil itself.
 *
 * @example
 * const path = resolveAnvilBinary(); // .../node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil
 */
export function resolveAnvilBinary(): string {
  const require = createRequire(import.meta.url);
  const pkg = platformPackages[`${process.platform}-${process.arch}`];
  if (pkg) {
    try {
      const binary = join(dirname(require.resolve(`${pkg}/package.json`)), 'bin', process.platform === 'win32' ? 'anvil.exe' : 'anvil');
      if (existsSync(binary)) return binary;
    } catch {
      // Fall through to the wrapper below.
    }
  }
  const wrapper = join(dirname(require.resolve('@foundry-rs/anvil/package.json')), 'bin.mjs');
  if (existsSync(wrapper)) return wrapper;
  throw new AnvilStartError('Cannot find the anvil binary.', {
    details: `Looked for ${pkg ?? `a @foundry-rs/anvil package for ${process.platform}-${process.arch}`} and @foundry-rs/anvil/bin.mjs; run npm install.`,
  });
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kills every anvil we started when this process exits, so none is left orphaned. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/**
 * The exit hook cannot run if this process is killed with SIGKILL. A tiny shell loop, outside our process
 * group, notices when we are gone (polling once a second) and stops anvil then. It is killed as soon as
 * anvil exits, so it never signals a recycled pid.
 */
function startOrphanWatchdog(anvilPid: number): ChildProcess | undefined {
  try {
    const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -TERM ${anvilPid} 2>/dev/null`;
    const watchdog = spawn('/bin/sh', ['-c', script], { stdio: 'ignore', detached: true });
    watchdog.on('error', () => {});
    watchdog.unref();
    return watchdog;
  } catch {
    return undefined;
  }
}

/**
 * Starts anvil and resolves once it answers JSON-RPC. The process is killed when this process exits.
 *
 * @example
 * const anvil = await startAnvil();
 * console.log(anvil.rpcUrl); // http://127.0.0.1:41237
 * await anvil.stop();
 */
export async function startAnvil(parameters: StartAnvilParameters = {}): Promise<AnvilInstance> {
  const host = parameters.host ?? '127.0.0.1';
  const chainId = parameters.chainId ?? 31337;
  const args = ['--host', host, '--port', String(parameters.port ?? 0), '--chain-id', String(chainId)];
  if (parameters.statePath) args.push('--state', parameters.statePath);
  if (parameters.timestamp !== undefined) args.push('--timestamp', String(parameters.timestamp));
  if (parameters.blockTime !== undefined) args.push('--block-time', String(parameters.blockTime));
  args.push(...(parameters.extraArgs ?? []));

  const binary = parameters.binary ?? resolveAnvilBinary();
  // Its own process group, so a Ctrl-C in the terminal reaches only us: we then stop anvil in order,
  // after the work in flight has finished with it, instead of anvil dying under it.
  const detached = process.platform !== 'win32';
  const child = binary.endsWith('.mjs')
    ? spawn(process.execPath, [binary, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached })
    : spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], detached });
  installExitHook();
  running.add(child);
  const watchdog = detached && child.pid ? startOrphanWatchdog(child.pid) : undefined;
  child.once('exit', () => watchdog?.kill('SIGKILL'));

  let recent = '';
  const remember = (chunk: Buffer) => {
    recent = (recent + chunk.toString('utf8')).slice(-4000);
  };
  child.stderr!.on('data', remember);

  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once('exit', () => {
      running.delete(child);
      resolve();
    });
  });

  const port = await new Promise<number>((resolve, reject) => {
    const timeout = setTimeout(() => {
      fail(new AnvilStartError('anvil did not start in time.', { details: `No "Listening on" line within ${parameters.startTimeoutMs ?? 30_000} ms. Output:\n${recent}` }));
    }, parameters.startTimeoutMs ?? 30_000);
    const fail = (error: Error) => {
      clearTimeout(timeout);
      child.kill('SIGKILL');
      reject(error);
    };
    child.once('error', (error) => fail(new AnvilStartError('Cannot run anvil.', { details: `${binary}: ${error.message}`, cause: error })));
    const onExit = (code: number | null, signal: string | null) =>
      fail(new AnvilStartError('anvil exited while starting.', { details: `Exit code ${code}, signal ${signal}. Output:\n${recent}` }));
    child.once('exit', onExit);
    const onData = (chunk: Buffer) => {
      remember(chunk);
      const match = /Listening on [^\s:]+:(\d+)/.exec(recent);
      if (!match) return;
      clearTimeout(timeout);
      child.off('exit', onExit);
      // Keep draining anvil's output so its pipe never fills and blocks it.
      child.stdout!.off('data', onData);
      child.stdout!.on('data', remember);
      resolve(Number(match[1]));
    };
    child.stdout!.on('data', onData);
  });

  const rpcUrl = `http://${host}:${port}`;
  try {
    await waitForRpc(rpcUrl, parameters.startTimeoutMs ?? 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }

  return {
    rpcUrl,
    port,
    host,
    chainId,
    pid: child.pid!,
    output: () => recent,
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), graceMs);
      });
      const result = await Promise.race([exited.then(() => 'exited' as const), timedOut]);
      clearTimeout(timer);
      if (result === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
      running.delete(child);
    },
  };
}

/** Polls eth_chainId until anvil answers; the listening line can precede the RPC being served. */
async function waitForRpc(rpcUrl: string, timeoutMs: number): Promise<void> {
  const attempts = Math.max(1, Math.ceil(timeoutMs / 50));
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      const response = await fetch(rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      });
      if (response.ok) return;
      lastError = new Error(`HTTP ${response.status}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new AnvilStartError('anvil does not answer JSON-RPC.', { details: `${rpcUrl}: ${String(lastError)}`, cause: lastError });
}
