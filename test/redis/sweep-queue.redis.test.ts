/**
 * Sweeps and walk-forward over BullMQ on a real redis-server, run by real `mandate worker` processes
 * (children of the CLI) in folders where the data's path does not exist, against the same sweeps run
 * locally on worker threads: one worker is SIGKILLed mid-job, Redis is killed under a waiting sweep, a
 * local sweep is killed midway, and every time the results come out once each and equal to the digit.
 */
import Database from 'better-sqlite3';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize } from 'node:v8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageIdentity, redisOptionsFromUrl } from '../../backtest/sweep/index.js';
import { backtestQueue, batchKeys, type BacktestJobData, type BacktestJobRecord } from '../../backtest/sweep/queue/queue-keys.js';
import { repoRoot, runMandate, spawnMandate, type MandateProcess } from '../support/mandate-process.js';
import { findRedisServer, startRedisServer, type RedisServer } from '../support/redis-server.js';

// Fails the suite (never skips it) with the apt-get command when redis-server is missing.
findRedisServer();

const directory = mkdtempSync(join(tmpdir(), 'mandate-queue-'));
const data = 'data/chainlink/eth-usd.csv';
const dataSha256 = createHash('sha256').update(readFileSync(join(repoRoot, data))).digest('hex');
// 6 × 4 = 24 combinations of the trend strategy, all valid, on one week of real ETH/USD rounds.
const grid = ['--strategy', 'trend', '--grid', 'fastPeriod=4,6,8,10,12,14', '--grid', 'slowPeriod=24,36,48,72', '--data', data];
const week = ['--from', '2023-07-01', '--to', '2023-07-08'];
const walkForward = ['--from', '2023-07-01', '--to', '2023-07-23', '--walk-forward', '--train', '7', '--test', '7'];

const running: MandateProcess[] = [];
afterAll(async () => {
  for (const process_ of running) if (process_.child.exitCode === null) process_.child.kill('SIGKILL');
  await Promise.all(running.map((process_) => process_.exited));
  rmSync(directory, { recursive: true, force: true });
});

/** A `mandate worker` in a fresh empty folder (no data/ there), ready to take jobs. */
async function startWorker(url: string, env: NodeJS.ProcessEnv = {}): Promise<MandateProcess & { cwd: string }> {
  const cwd = mkdtempSync(join(directory, 'worker-'));
  const worker = Object.assign(spawnMandate(['worker', '--queue', url, '--concurrency', '1', '--stall-seconds', '2'], { cwd, env }), { cwd });
  running.push(worker);
  await worker.line(/takes backtests from/);
  return worker;
}

/** `mandate sweep --json`'s result, without what depends on the run (timing, worker count, store file). */
function comparable(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  const { elapsedMs: _elapsed, workers: _workers, workerStartMs: _start, storePath: _store, ...result } = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
  return result;
}

async function sweep(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const result = await runMandate(['sweep', ...args, '--json'], { env });
  expect(result.code, result.stderr).toBe(0);
  return { ...result, json: comparable(result.stdout) };
}

// The 24-combination local sweep, run once: the reference for the queued sweep and the resumed one.
let localGridRun: ReturnType<typeof sweep> | undefined;
const localGrid = () => (localGridRun ??= sweep([...grid, ...week, '--workers', '2', '--store', join(directory, 'local.sqlite')]));

/** Kills `victim` with SIGKILL as soon as it has started a job; returns that job's id. */
async function killMidJob(victim: MandateProcess): Promise<string> {
  const started = (await victim.line(/^start /)).slice('start '.length);
  victim.child.kill('SIGKILL');
  await victim.exited;
  return started;
}

describe('mandate sweep --queue redis:// (requirepass) on mandate worker processes', () => {
  let redis: RedisServer;
  let workers: (MandateProcess & { cwd: string })[];
  beforeAll(async () => {
    redis = await startRedisServer({ password: 'sweep secret' });
    workers = await Promise.all([startWorker(redis.url), startWorker(redis.url)]);
  });
  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGTERM');
    await Promise.all(workers.map((worker) => worker.exited));
    await redis.stop();
  });

  it('runs 24 combinations with a worker SIGKILLed mid-job: each once, equal to the local sweep to the digit', async () => {
    const localRun = localGrid();
    const victim = await startWorker(redis.url);
    const queued = sweep([...grid, ...week, '--queue', redis.url, '--store', join(directory, 'queue.sqlite')]);
    const killed = await killMidJob(victim);
    const [local, remote] = await Promise.all([localRun, queued]);

    expect(remote.json).toEqual(local.json);
    const ranked = remote.json.ranked as { combination: number; dataHash: string; configDigest: string; version: string }[];
    expect(ranked.map((run) => run.combination).sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    for (const run of ranked) expect(run).toMatchObject({ dataHash: dataSha256, version: packageIdentity().version, configDigest: remote.json.configDigest });

    // The killed worker's job went back to the queue (BullMQ's stalled check) and another worker ran it.
    expect(workers.some((worker) => worker.lines.includes(`start ${killed}`))).toBe(true);
    // The workers ran where the data's path does not exist, on the copy they fetched from Redis (hash-checked).
    for (const worker of workers) expect(existsSync(join(worker.cwd, data))).toBe(false);
    expect(workers.some((worker) => existsSync(join(worker.cwd, '.mandate/worker-cache', `${dataSha256}.csv`)))).toBe(true);
  });

  it('runs a walk-forward of 24 combinations with a worker SIGKILLed mid-job, equal to the local one', async () => {
    const localRun = sweep([...grid, ...walkForward, '--workers', '2', '--store', join(directory, 'local-wf.sqlite')]);
    const victim = await startWorker(redis.url);
    const queued = sweep([...grid, ...walkForward, '--queue', redis.url, '--store', join(directory, 'queue-wf.sqlite')]);
    const killed = await killMidJob(victim);
    const [local, remote] = await Promise.all([localRun, queued]);

    expect(remote.json).toEqual(local.json);
    expect(remote.json).toMatchObject({ kind: 'walk-forward', combinations: 24 });
    expect((remote.json.windows as unknown[]).length).toBe(2);
    expect(workers.some((worker) => worker.lines.includes(`start ${killed}`))).toBe(true);
    const stored = new Database(join(directory, 'queue-wf.sqlite'), { readonly: true });
    try {
      // Every train backtest once per window, one test per window.
      expect(stored.prepare("SELECT phase, count(*) AS n FROM sweep_results GROUP BY phase ORDER BY phase").all()).toEqual([
        { phase: 'test', n: 2 },
        { phase: 'train', n: 48 },
      ]);
    } finally {
      stored.close();
    }
  });

  it('reports a failing combination with its params and cause, and ends the sweep', async () => {
    const result = await runMandate(['sweep', '--strategy', 'test/redis/fixtures/fragile-band.ts', '--grid', 'period=12,13,14', '--data', data, ...week, '--queue', redis.url, '--store', join(directory, 'fragile.sqlite'), '--json']);
    expect(result.code).toBe(1);
    const error = JSON.parse(result.stdout.trim().split('\n').at(-1)!).error as { name: string; message: string; details: string };
    expect(error.name).toBe('SweepRunError');
    expect(error.message).toMatch(/"period":13/);
    expect(error.details).toMatch(/period 13 is unlucky/);
  });

  it('a worker refuses a job from another version, saying which', async () => {
    const connection = redisOptionsFromUrl(redis.url);
    const queue = new Queue<BacktestJobData>(backtestQueue.name, { connection, prefix: backtestQueue.prefix });
    const redisClient = new Redis(connection);
    try {
      const batch = 'sw-other-version.grid';
      await queue.add('backtest', {
        batch,
        task: { index: 0, strategy: 'trend', params: {}, data, dataHash: dataSha256, configDigest: '0x', from: undefined, to: undefined },
        data: { via: 'redis', hash: dataSha256, size: 0 },
        identity: { version: '0.0.0-other', lockHash: 'f'.repeat(64) },
      }, { jobId: `${batch}.0`, removeOnComplete: true, removeOnFail: true });
      let record: string | null = null;
      for (let i = 0; i < 200 && record === null; i++) {
        record = await redisClient.hget(batchKeys(batch).results, '0');
        if (record === null) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const decoded = deserialize(Buffer.from(record!, 'base64')) as BacktestJobRecord;
      expect('error' in decoded && decoded.error.name).toBe('QueueJobRefusedError');
      expect('error' in decoded && decoded.error.message).toMatch(new RegExp(`runs mandate ${packageIdentity().version} and refused a job from mandate 0\\.0\\.0-other`));
      expect('error' in decoded && decoded.error.message).toMatch(/npm ci/);
    } finally {
      await queue.close();
      redisClient.disconnect();
    }
  });
});

describe('interrupted sweeps', () => {
  const small = ['--strategy', 'trend', '--grid', 'fastPeriod=4,6', '--grid', 'slowPeriod=24,36', '--data', data, ...week];

  it('Redis gone: mandate sweep fails clearly with nothing saved, and --resume finishes it on another Redis', async () => {
    const store = join(directory, 'redis-gone.sqlite');
    const localRun = sweep([...small, '--workers', '1', '--store', join(directory, 'redis-gone-local.sqlite')]);
    const first = await startRedisServer();
    const waiting = spawnMandate(['sweep', ...small, '--queue', first.url, '--store', store, '--json']);
    running.push(waiting);
    const sweepId = /Sweep (sw-[0-9a-f-]+)/.exec(await waiting.line(/^Sweep sw-/))![1]!;
    // No worker: the jobs wait in Redis. Then Redis dies.
    const client = new Redis(redisOptionsFromUrl(first.url));
    for (let i = 0; i < 100 && (await client.llen(`${backtestQueue.prefix}:${backtestQueue.name}:wait`)) < 4; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    client.disconnect();
    await first.kill();
    const { code } = await waiting.exited;
    expect(code).toBe(1);
    expect(waiting.lines.join('\n')).toMatch(/Lost the connection to Redis at redis:\/\/127\.0\.0\.1:\d+/);

    const db = new Database(store, { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) FROM sweeps').pluck().get()).toBe(0);
      expect(db.prepare('SELECT count(*) FROM sweep_results').pluck().get()).toBe(0);
      expect(db.prepare('SELECT id FROM pending_sweeps').pluck().all()).toEqual([sweepId]);
    } finally {
      db.close();
    }

    const second = await startRedisServer();
    try {
      const worker = await startWorker(second.url);
      const resumed = await sweep(['--resume', sweepId, '--queue', second.url, '--store', store]);
      expect(resumed.json).toEqual((await localRun).json);
      worker.child.kill('SIGTERM');
      expect((await worker.exited).code).toBe(0);
      expect(worker.lines.join('\n')).toMatch(/SIGTERM: finishing running backtests/);
    } finally {
      await second.stop();
    }
  });

  it('a local sweep killed midway resumes from its checkpoints to the same results', async () => {
    const store = join(directory, 'local-killed.sqlite');
    const baseline = localGrid();
    const killedRun = spawnMandate(['sweep', ...grid, ...week, '--workers', '1', '--store', store, '--json']);
    running.push(killedRun);
    const sweepId = /Sweep (sw-[0-9a-f-]+)/.exec(await killedRun.line(/^Sweep sw-/))![1]!;
    let kept = 0;
    while (kept < 3) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const db = new Database(store, { readonly: true, timeout: 5000 });
      kept = db.prepare('SELECT count(*) FROM pending_results').pluck().get() as number;
      db.close();
    }
    killedRun.child.kill('SIGKILL');
    await killedRun.exited;

    const resumed = await sweep(['--resume', sweepId, '--store', store]);
    expect(resumed.json).toEqual((await baseline).json);
    const db = new Database(store, { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) FROM pending_sweeps').pluck().get()).toBe(0);
      expect(db.prepare('SELECT count(*) FROM sweep_results WHERE sweep_id = ?').pluck().get(sweepId)).toBe(24);
    } finally {
      db.close();
    }
  });
});

describe('rediss:// (TLS) with a password', () => {
  it('runs a bundled strategy file on a worker over TLS, equal to the local sweep; a wrong password is named', async () => {
    const redis = await startRedisServer({ tls: true, password: 'tls secret' });
    try {
      const env = { NODE_EXTRA_CA_CERTS: redis.caFile };
      const band = ['--strategy', 'strategies/examples/sma-band.ts#smaBand', '--grid', 'period=10,20', '--grid', 'bandBps=25,50', '--data', data, ...week];
      const localRun = sweep([...band, '--workers', '1', '--store', join(directory, 'band-local.sqlite')]);
      const worker = await startWorker(redis.url, env);
      expect(redis.url).toMatch(/^rediss:\/\/:tls%20secret@localhost:\d+$/);
      const remote = await sweep([...band, '--queue', redis.url, '--store', join(directory, 'band-queue.sqlite')], env);
      expect(remote.json).toEqual((await localRun).json);
      expect(remote.json.strategy).toBe('strategies/examples/sma-band.ts#smaBand');
      // The worker loaded the bundle from inside the package, where its imports resolve.
      expect(worker.lines.some((line) => /^done /.test(line))).toBe(true);

      const wrong = await runMandate(['sweep', ...band, '--queue', redis.url.replace('tls%20secret', 'nope'), '--store', join(directory, 'band-wrong.sqlite')], { env });
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toMatch(/Cannot use Redis at rediss:\/\/:\*\*\*@localhost:\d+/);
      expect(wrong.stderr).toMatch(/WRONGPASS|NOAUTH|invalid username-password/i);
      worker.child.kill('SIGTERM');
      await worker.exited;
    } finally {
      await redis.stop();
    }
  });
});
