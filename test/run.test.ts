/**
 * `mandate run --devnet` end to end, as an operator runs it: a devnet with its vault started here, the real
 * CLI as a child process, the market driver replaying real rounds into the chain while the agent trades,
 * SIGTERM, then the journal read back and `mandate decisions verify|list|show|prove` as child processes.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnvilInstance } from '../agent/chain/anvil.js';
import type { DevnetManifest } from '../agent/devnet/devnet-manifest.js';
import { runMarketDriver } from '../agent/devnet/market-driver.js';
import { startRunDevnet } from './support/run-devnet-fixture.js';
import { openJournal } from '../agent/journal/open-journal.js';
import { systemClock } from '../agent/model/clock.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../..');
const mandate = join(repoRoot, 'bin/mandate.js');

let anvil: AnvilInstance;
let manifest: DevnetManifest;
let configPath: string;
let journalPath: string;

beforeAll(async () => {
  ({ anvil, manifest, configPath, journalPath } = await startRunDevnet('mandate-run-'));
}, 120_000);

afterAll(async () => {
  await anvil?.stop();
});

/** Runs a mandate command to completion; returns its exit code, stdout and the parsed last JSON line. */
function mandateJson(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; json: Record<string, any> }> {
  const child = spawn(process.execPath, [mandate, ...args, '--json', '--config', configPath], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolveRun) =>
    child.once('exit', (code) => resolveRun({ code, stdout, stderr, json: JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, any> })),
  );
}

describe('mandate run --devnet', () => {
  it('trades the replayed market, stops cleanly on SIGTERM, and leaves a journal the chain verifies', async () => {
    const agent = spawn(process.execPath, [mandate, 'run', '--devnet', '--json', '--config', configPath], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    agent.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolveExit) => agent.once('exit', (code) => resolveExit(code)));
    await new Promise<void>((resolveUp, reject) => {
      agent.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('Ctrl-C or SIGTERM stops it')) resolveUp();
      });
      void exited.then((code) => reject(new Error(`mandate run exited early with ${code}:\n${stderr}`)));
    });

    // A day of real rounds, a short pause after each so the agent (polling every 100 ms) trades on the
    // market as it was; whatever it decides, every decision must be journaled, committed and verifiable.
    await runMarketDriver({ manifest, maxRounds: 28, onRound: () => new Promise((resolveRound) => setTimeout(resolveRound, 250)) });
    agent.kill('SIGTERM');
    expect(await exited).toBe(0);
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, any>;
    expect(summary).toMatchObject({ status: 'completed', chainId: manifest.chainId, uncommitted: 0 });
    expect(summary.trades).toBeGreaterThan(0);
    expect(summary.decisions).toBe(summary.trades + summary.holds + summary.denied + summary.failed + summary.superseded);
    expect(summary.decisions - summary.trades).toBeGreaterThan(0);
    expect(summary.batches).toBeGreaterThan(0);
    // Every decision is printed as a readable line before the summary.
    expect(stderr.match(/^#\d+ \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ (oracle-gap|hourly-dca|dust-dca) (TRADE|HOLD|DENIED|FAILED|SUPERSEDED) /gm)?.length).toBe(summary.decisions);

    // The journal is complete: the run ended, nothing pending, every non-trade decision in a committed batch.
    const check = openJournal({ path: journalPath, clock: systemClock });
    try {
      const run = check.runs.get(summary.runId)!;
      expect(run).toMatchObject({ status: 'completed', mode: 'live', chainId: manifest.chainId });
      expect(check.decisions.pending(summary.runId)).toEqual([]);
      expect(check.decisions.uncommitted({ vault: manifest.contracts.MandateVault })).toEqual([]);
      expect(check.decisions.counts(summary.runId).trade).toBe(summary.trades);
    } finally {
      check.close();
    }

    const verify = await mandateJson(['decisions', 'verify', '--devnet']);
    expect(verify.code).toBe(0);
    expect(verify.json).toMatchObject({ decisions: summary.decisions, verified: summary.decisions, mismatched: 0, uncommitted: 0, unchecked: 0 });

    const list = await mandateJson(['decisions', 'list', '--limit', '1000']);
    expect(list.json.count).toBe(summary.decisions);
    const denied = list.json.decisions.find((d: { status: string }) => d.status !== 'trade');
    const trade = list.json.decisions.find((d: { status: string }) => d.status === 'trade');

    const shown = await mandateJson(['decisions', 'show', trade.id.slice(0, 14)]);
    expect(shown.json).toMatchObject({ id: trade.id, status: 'trade', reasoning: { reasoner: 'rules', promptVersion: 'rules-v1' } });
    expect(shown.json.fill.txHash).toBe(trade.txHash);
    expect(shown.json.reasoningHash).toMatch(/^0x[0-9a-f]{64}$/);

    const proof = await mandateJson(['decisions', 'prove', denied.id, '--devnet']);
    expect(proof.json).toMatchObject({ decisionId: denied.id, kind: 'batch', batchStatus: 'committed', locallyValid: true, verifiedOnChain: true });
    const tradeProof = await mandateJson(['decisions', 'prove', trade.id, '--devnet']);
    expect(tradeProof.json).toMatchObject({ kind: 'trade', txHash: trade.txHash, verifiedOnChain: true });
  }, 240_000);
});
