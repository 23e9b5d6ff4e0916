/**
 * `mandate demo --reasoner llm --json`, end to end: the real CLI as a child process, its LLM reasoner pointed
 * (OPENAI_BASE_URL, OPENAI_API_KEY=test) at the scripted OpenAI-compatible server from test/support, running in
 * this process over real HTTP. The script follows each strategy signal with a valid trade, so the demo must
 * ask the server, trade through the vault, and verify every decision against the chain.
 *
 * The config is the repo's agent.config.ts written out as JSON with one change: the LLM response cache (which
 * also keeps the daily call budget) lives in a fresh temp file, so neither an earlier run's answers nor its
 * spent daily budget can change this run. `--reasoner-cache off` makes every decision ask the server.
 * Two days of the replay keep it to seconds.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import repoConfig from '../agent.config.js';
import { startOpenAiServer, type OpenAiServer } from './support/openai-server.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../..');
let server: OpenAiServer | undefined;
afterAll(async () => server?.close());

describe('mandate demo --reasoner llm', () => {
  it('asks the model over HTTP, trades what it answers through the vault, and verifies every decision', async () => {
    server = await startOpenAiServer({ steps: [{ auto: 'follow-signal', fraction: 0.01 }], repeatLast: true });
    const dir = mkdtempSync(join(tmpdir(), 'mandate-llm-demo-'));
    const journal = join(dir, 'journal.sqlite');
    const configPath = join(dir, 'agent.config.json');
    const config = repoConfig as any;
    writeFileSync(
      configPath,
      JSON.stringify({ ...config, reasoner: { ...config.reasoner, use: 'rules', llm: { ...config.reasoner.llm, cachePath: join(dir, 'llm-cache.sqlite') } } }),
    );

    const args = [join(repoRoot, 'bin/mandate.js'), 'demo', '--json', '--days', '2', '--journal', journal, '--config', configPath, '--reasoner', 'llm', '--reasoner-cache', 'off'];
    const child = spawn(process.execPath, args, {
      cwd: repoRoot,
      env: { ...process.env, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolveExit) => child.once('exit', resolveExit));
    expect(code, stderr.slice(-2000)).toBe(0);

    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const summary = JSON.parse(lines[0]!) as Record<string, any>;
    expect(summary).toMatchObject({ chainId: 31337, days: 2, mismatched: 0, uncommitted: 0, agent: { status: 'completed' } });
    expect(summary.decisions).toBeGreaterThan(0);
    expect(summary.trades).toBeGreaterThan(0);
    expect(summary.verified).toBe(summary.decisions);

    // The server was asked, through @langchain/openai, once per decision (cache off, no retries needed).
    expect(server.requests.length).toBeGreaterThan(0);
    expect(server.requests.every((r) => r.path === '/v1/chat/completions' && r.headers.authorization === 'Bearer test')).toBe(true);

    // Every decision was the model's, none a fallback to the rules reasoner, and every trade is one it answered.
    const db = new Database(journal, { readonly: true });
    try {
      const rows = db.prepare('SELECT status, reasoner, model, fallback, reasoning_json FROM decisions').all() as Array<Record<string, any>>;
      expect(rows).toHaveLength(summary.decisions);
      for (const row of rows) {
        expect(row.reasoner).toBe('llm');
        expect(row.fallback).toBeNull();
        expect(row.model).toBe(config.reasoner.llm.model);
      }
      expect(server.requests.length).toBeGreaterThanOrEqual(rows.length); // one per decision, more only if one was retried
      const outputs = rows.filter((r) => r.status === 'trade').map((r) => JSON.parse(r.reasoning_json).rawOutput as string);
      expect(outputs).toHaveLength(summary.trades);
      for (const output of outputs) expect(JSON.parse(output)).toMatchObject({ action: 'trade', rationale: expect.stringMatching(/^scripted: follow the (buy|sell) signal$/) });
    } finally {
      db.close();
    }
  }, 300_000);
});
