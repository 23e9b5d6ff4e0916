/**
 * `mandate demo --json`, the real CLI as `npm start` runs it: a fresh devnet with its vault, the first days
 * of the real ETH/USD replay, the agent from agent.config.ts with the rules reasoner, offline. It must trade,
 * the vault's policy must bind at least once, and every decision must verify against the chain.
 *
 * The default 14-day replay takes about a minute and a half on a busy 2-core machine; MANDATE_DEMO_DAYS
 * runs a shorter replay when CI time matters (4 days still trades and still meets the policy).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../..');
const days = process.env.MANDATE_DEMO_DAYS;

describe('mandate demo', () => {
  it('replays the market, trades, is denied by the policy at least once, and verifies every decision', async () => {
    const journal = join(mkdtempSync(join(tmpdir(), 'mandate-demo-')), 'journal.sqlite');
    const args = [join(repoRoot, 'bin/mandate.js'), 'demo', '--json', '--journal', journal, ...(days ? ['--days', days] : [])];
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolveExit) => child.once('exit', resolveExit));
    expect(code, stderr.slice(-2000)).toBe(0);

    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1); // under --json stdout is the summary alone; decisions go to stderr
    const summary = JSON.parse(lines[0]!) as Record<string, any>;
    expect(summary).toMatchObject({ chainId: 31337, days: days ? Number(days) : 14, mismatched: 0, uncommitted: 0, agent: { status: 'completed' } });
    expect(summary.trades).toBeGreaterThan(0);
    expect(summary.denied).toBeGreaterThan(0);
    expect(summary.verified).toBe(summary.decisions);
    expect(summary.decisions).toBe(summary.trades + summary.holds + summary.denied + summary.failed + summary.superseded);
    expect(typeof summary.pnlUsd).toBe('number');
    expect(summary.rounds).toBeGreaterThan(0);
    expect(summary.rejectedRounds).toBeGreaterThanOrEqual(1); // the shared file's all-zero round
    // One readable line per decision on stderr.
    expect(stderr.match(/^#\d+ \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \S+ (TRADE|HOLD|DENIED|FAILED|SUPERSEDED) /gm)?.length).toBe(summary.decisions);
  }, 600_000);
});
