/**
 * Crash safety of `mandate run` (issue 7): the real CLI against a devnet, killed with SIGKILL at the four
 * named points (through the MANDATE_CRASH_AT test hook, agent/run/crash-hook.ts) and at seeded random
 * moments, restarted after each kill while the market driver keeps replaying rounds in this process. At
 * the end: one run (resumed every time), `mandate decisions verify` finds every decision verified and
 * committed, the vault's TradeExecuted events are exactly the journal's trades, and no decision id traded twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPublicClient, http, type PublicClient } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnvilInstance } from '../agent/chain/anvil.js';
import type { DevnetManifest } from '../agent/devnet/devnet-manifest.js';
import { runMarketDriver } from '../agent/devnet/market-driver.js';
import { createSeededRandom } from '../agent/devnet/seeded-random.js';
import { startRunDevnet } from './support/run-devnet-fixture.js';
import { openJournal } from '../agent/journal/open-journal.js';
import { getVaultEvents } from '../agent/chain/vault/vault-events.js';
import { systemClock } from '../agent/model/clock.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../..');
const mandate = join(repoRoot, 'bin/mandate.js');

let anvil: AnvilInstance;
let manifest: DevnetManifest;
let configPath: string;
let journalPath: string;

beforeAll(async () => {
  ({ anvil, manifest, configPath, journalPath } = await startRunDevnet('mandate-crash-'));
}, 120_000);

afterAll(async () => {
  await anvil?.stop();
});

type Agent = { child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; alive: () => boolean };

/** Starts `mandate run --devnet` and resolves once it is running (or has already died: a crash hook may fire at once). */
async function startRun(crashAt?: string): Promise<Agent> {
  const env = { ...process.env };
  delete env['MANDATE_CRASH_AT'];
  if (crashAt) env['MANDATE_CRASH_AT'] = crashAt;
  const child = spawn(process.execPath, [mandate, 'run', '--devnet', '--json', '--journal', journalPath, '--config', configPath], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let alive = true;
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => {
      alive = false;
      done({ code, signal });
    }),
  );
  await new Promise<void>((up) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('Ctrl-C or SIGTERM stops it')) up();
    });
    void exited.then(() => up());
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited, alive: () => alive };
}

const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** One replayed round, then time for the agent (polling every 100 ms) to act on it. */
async function driveRound(ms = 300): Promise<void> {
  await runMarketDriver({ manifest, maxRounds: 1 });
  await pause(ms);
}

function mandateJson(args: string[]): Promise<{ code: number | null; stdout: string; json: Record<string, any> }> {
  const child = spawn(process.execPath, [mandate, ...args, '--json', '--config', configPath], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((done) => child.once('exit', (code) => done({ code, stdout, json: JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, any> })));
}

describe('mandate run after kill -9', () => {
  it('resumes the interrupted run, reconciles it with the chain, and loses, repeats or leaves uncommitted no decision', async () => {
    let kills = 0;
    let reconciled = 0;
    const countReconciled = (agent: Agent) => {
      for (const match of agent.stderr().matchAll(/: (\d+) pending decisions reconciled with the chain/g)) reconciled += Number(match[1]);
    };
    // The named points, twice each: the hook kills the process the 1st (then the 2nd) time it gets there.
    for (const point of ['before-journal', 'after-journal', 'after-send', 'during-commit']) {
      for (const nth of [1, 2]) {
        const agent = await startRun(`${point}:${nth}`);
        for (let round = 0; agent.alive() && round < 40; round++) await driveRound();
        const { signal } = await agent.exited;
        expect(signal, `${point}:${nth} was not reached:\n${agent.stderr()}`).toBe('SIGKILL');
        countReconciled(agent);
        kills += 1;
      }
    }
    // Seeded random moments: a few rounds, then SIGKILL after a random delay, wherever the agent is.
    const random = createSeededRandom(7);
    for (let i = 0; i < 16; i++) {
      const agent = await startRun();
      expect(agent.alive(), agent.stderr()).toBe(true);
      const rounds = Math.floor(random.next() * 3);
      for (let round = 0; round < rounds; round++) await driveRound(Math.floor(random.next() * 200));
      await pause(Math.floor(random.next() * 250));
      agent.child.kill('SIGKILL');
      expect((await agent.exited).signal).toBe('SIGKILL');
      countReconciled(agent);
      kills += 1;
    }
    expect(kills).toBeGreaterThanOrEqual(20);
    // The named points leave journaled, unfinished decisions behind: restarts completed them from the chain.
    expect(reconciled).toBeGreaterThan(0);

    // The last run: a few more rounds, then a clean stop that flushes the batches.
    const last = await startRun();
    expect(last.alive(), last.stderr()).toBe(true);
    expect(last.stderr()).toContain('Resumed interrupted run');
    for (let round = 0; round < 3; round++) await driveRound();
    last.child.kill('SIGTERM');
    expect((await last.exited).code, last.stderr()).toBe(0);
    const summary = JSON.parse(last.stdout().trim().split('\n').at(-1)!) as Record<string, any>;
    expect(summary).toMatchObject({ status: 'completed', uncommitted: 0 });

    const check = openJournal({ path: journalPath, clock: systemClock });
    let journalTrades: string[];
    let total: number;
    try {
      // Every restart resumed the one run: decision ids continue its sequence.
      const runs = check.runs.list();
      expect(runs.map((run) => run.status)).toEqual(['completed']);
      expect(check.decisions.pending()).toEqual([]);
      expect(check.decisions.uncommitted({ vault: manifest.contracts.MandateVault })).toEqual([]);
      const all = check.decisions.list({ runId: runs[0]!.id });
      total = all.length;
      journalTrades = all.filter((decision) => decision.status === 'trade').map((decision) => decision.id);
    } finally {
      check.close();
    }
    expect(total).toBeGreaterThan(0);
    expect(journalTrades.length).toBeGreaterThan(0);

    const client = createPublicClient({ transport: http(anvil.rpcUrl) }) as PublicClient;
    const executed = (await getVaultEvents({ client, vault: manifest.contracts.MandateVault!, eventNames: ['TradeExecuted'], fromBlock: 0n })).map(
      (event) => event.args.decisionId,
    );
    expect(new Set(executed).size).toBe(executed.length);
    expect([...executed].sort()).toEqual([...journalTrades].sort());

    const verify = await mandateJson(['decisions', 'verify', '--devnet', '--journal', journalPath]);
    expect(verify.code).toBe(0);
    expect(verify.json).toMatchObject({ decisions: total, verified: total, mismatched: 0, uncommitted: 0 });
  }, 300_000);
});
