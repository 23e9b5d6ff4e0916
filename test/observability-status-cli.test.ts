/**
 * `mandate status` end to end: the real CLI process reads a real telemetry server's /health and /metrics.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdDecision } from './support/journal-fixtures.js';
import { type AgentTelemetry, createAgentTelemetry } from '../agent/observability/index.js';

const run = promisify(execFile);
const mandate = join(import.meta.dirname, '..', 'bin/mandate.js');
let telemetry: AgentTelemetry;

beforeAll(async () => {
  telemetry = await createAgentTelemetry({ runId: 'status-cli', server: { port: 0 } });
  const content = holdDecision('status-cli', 1);
  telemetry.recordDecision({ content, hash: `0x${'1'.repeat(64)}`, completion: { outcome: 'hold', reason: 'nothing to do' } });
});
afterAll(async () => {
  await telemetry?.close();
});

describe('mandate status', () => {
  it('prints the health and figures of a running agent, readable or as JSON', async () => {
    const [human, json] = await Promise.all([
      run(process.execPath, [mandate, 'status', '--url', telemetry.url!]),
      run(process.execPath, [mandate, 'status', '--url', telemetry.url!, '--json']),
    ]);
    expect(human.stdout).toContain(`Agent status-cli at ${telemetry.url}: OK`);
    expect(human.stdout).toMatch(/decisions +1 \(hold 1\)/);
    const parsed = JSON.parse(json.stdout.trim().split('\n').at(-1)!) as { health: { status: string; decisions: number }; figures: { decisionsByOutcome: Record<string, number> } };
    expect(parsed.health).toMatchObject({ status: 'ok', decisions: 1 });
    expect(parsed.figures.decisionsByOutcome).toEqual({ hold: 1 });
  });

  it('says clearly when no agent answers', async () => {
    const failed = await run(process.execPath, [mandate, 'status', '--url', 'http://127.0.0.1:9', '--json']).then(
      () => undefined,
      (error: { code: number; stdout: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(JSON.parse(failed!.stdout.trim().split('\n').at(-1)!)).toMatchObject({ error: { name: 'AgentStatusError', message: 'No agent answered at http://127.0.0.1:9.' } });
  });
});
