import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createVirtualClock } from '../model/clock.js';
import { createLlmBudget } from './llm-budget.js';
import { openResponseCache, responseCacheKey } from './response-cache.js';

const directory = mkdtempSync(join(tmpdir(), 'mandate-cache-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const messages = [
  { role: 'system' as const, content: 'rules' },
  { role: 'user' as const, content: 'data' },
];

describe('response cache', () => {
  it('keys by model, prompt version and messages, and nothing else', () => {
    const key = responseCacheKey({ model: 'm', promptVersion: 'v1', messages });
    expect(key).toMatch(/^0x[0-9a-f]{64}$/);
    expect(responseCacheKey({ model: 'm', promptVersion: 'v1', messages: messages.map((m) => ({ ...m })) })).toBe(key);
    expect(responseCacheKey({ model: 'm2', promptVersion: 'v1', messages })).not.toBe(key);
    expect(responseCacheKey({ model: 'm', promptVersion: 'v2', messages })).not.toBe(key);
    expect(responseCacheKey({ model: 'm', promptVersion: 'v1', messages: [messages[0]!] })).not.toBe(key);
  });

  it('stores responses and daily usage in a file that survives reopening', () => {
    const path = join(directory, 'nested', 'cache.sqlite');
    const clock = createVirtualClock(1_000);
    const key = responseCacheKey({ model: 'm', promptVersion: 'v1', messages });
    const recording = openResponseCache({ path, mode: 'record', clock });
    recording.put(key, { model: 'm', promptVersion: 'v1', messages }, { content: '{"action":"hold"}', fallback: undefined, tokens: { prompt: 10, completion: 2 }, latencyMs: 12.5 });
    recording.usage.add('2026-11-24', 1, 12);
    recording.usage.add('2026-11-24', 2, 30);
    recording.close();

    const replaying = openResponseCache({ path, mode: 'replay', clock });
    expect(replaying.get(key)).toEqual({ content: '{"action":"hold"}', fallback: undefined, tokens: { prompt: 10, completion: 2 }, latencyMs: 12.5, recordedAt: 1_000 });
    expect(replaying.get(responseCacheKey({ model: 'other', promptVersion: 'v1', messages }))).toBeUndefined();
    expect(replaying.usage.used('2026-11-24')).toEqual({ calls: 3, tokens: 42 });
    expect(replaying.size()).toBe(1);
    replaying.close();
  });

  it('counts the daily budget per UTC day of its clock, shared through the store', () => {
    const clock = createVirtualClock(Date.parse('2026-11-24T23:59:00Z'));
    const cache = openResponseCache({ path: ':memory:', mode: 'off', clock });
    const limits = { callsPerRun: 100, callsPerDay: 2, tokensPerRun: 1_000, tokensPerDay: 1_000 };
    const first = createLlmBudget({ limits, clock, store: cache.usage });
    first.spendCall();
    first.spendCall();
    expect(first.exceeded()?.limit).toBe('callsPerDay');
    // Another run the same day sees the same daily count.
    expect(createLlmBudget({ limits, clock, store: cache.usage }).exceeded()?.limit).toBe('callsPerDay');
    clock.advanceTo(Date.parse('2026-11-25T00:00:01Z'));
    expect(first.exceeded()).toBeUndefined();
    expect(first.usage()).toEqual({ run: { calls: 2, tokens: 0 }, day: { calls: 0, tokens: 0 } });
    cache.close();
  });
});
