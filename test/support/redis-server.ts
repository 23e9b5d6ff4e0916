/**
 * A real redis-server (Debian's) on a free loopback port, without persistence, for the queue suites and
 * the queue benchmark. A missing redis-server is an error that says how to install it, never a skip.
 *
 *   const redis = await startRedisServer({ password: 'secret' });
 *   redis.url; // redis://:secret@127.0.0.1:<port>
 *   await redis.stop();
 *
 * With `tls: true` it listens with TLS only (a self-signed certificate made here with openssl for
 * localhost and 127.0.0.1): `redis.url` is rediss://…, and processes that connect need
 * NODE_EXTRA_CA_CERTS=redis.caFile.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type RedisServer = {
  url: string;
  port: number;
  /** The certificate clients must trust (tls only). */
  caFile: string | undefined;
  process: ChildProcess;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL: Redis gone at once, as in a crash. */
  kill(): Promise<void>;
};

export const redisInstallHint = 'redis-server is not installed: apt-get install -y redis-server (Debian), then run npm run test:redis again.';

/** The path of redis-server, or an Error with the apt-get command. */
export function findRedisServer(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(redisInstallHint);
  }
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startRedisServer(options: { password?: string; tls?: boolean; port?: number } = {}): Promise<RedisServer> {
  const binary = findRedisServer();
  const port = options.port ?? (await freePort());
  const directory = mkdtempSync(join(tmpdir(), 'mandate-redis-'));
  const args = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', '--dir', directory];
  if (options.password !== undefined) args.push('--requirepass', options.password);
  let caFile: string | undefined;
  if (options.tls === true) {
    caFile = join(directory, 'cert.pem');
    const keyFile = join(directory, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', caFile, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
    args.push('--port', '0', '--tls-port', String(port), '--tls-cert-file', caFile, '--tls-key-file', keyFile, '--tls-ca-cert-file', caFile, '--tls-auth-clients', 'no');
  } else args.push('--port', String(port));

  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`redis-server exited with code ${code} before it was ready:\n${output}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;
  const host = options.tls === true ? 'localhost' : '127.0.0.1';
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
    rmSync(directory, { recursive: true, force: true });
  };
  return {
    url: `${options.tls === true ? 'rediss' : 'redis'}://${auth}${host}:${port}`,
    port,
    caFile,
    process: child,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
  };
}
