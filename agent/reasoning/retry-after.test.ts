import { describe, expect, it } from 'vitest';
import { callWithRetry, isRetryable } from './call-with-retry.js';
import { retryAfterHeader } from './retry-after.js';

const clock = { now: () => 1_000_000 };
const httpError = (status: number, headers: Record<string, string> = {}) => Object.assign(new Error(`HTTP ${status}`), { status, headers: new Headers(headers) });

describe('retryAfterHeader', () => {
  it('finds the header on SDK errors (Headers) and plain records', () => {
    expect(retryAfterHeader(httpError(429, { 'Retry-After': '7' }))).toBe('7');
    expect(retryAfterHeader({ headers: { 'retry-after': '3' } })).toBe('3');
    expect(retryAfterHeader(new Error('no headers'))).toBeUndefined();
  });
});

describe('callWithRetry', () => {
  const policy = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 250, maxRetryAfterMs: 10_000 };

  it('backs off exponentially up to the cap, and prefers Retry-After', async () => {
    const waits: number[] = [];
    const failures = [httpError(500), httpError(502), httpError(429, { 'retry-after': '1' })];
    const result = await callWithRetry({
      policy,
      clock,
      sleep: async (ms) => void waits.push(ms),
      call: async (attempt) => {
        const failure = failures[attempt - 1];
        if (failure) throw failure;
        return 'ok';
      },
    });
    expect(result).toEqual({ ok: true, value: 'ok', attempts: 4 });
    expect(waits).toEqual([100, 200, 1_000]);
  });

  it('gives up on a Retry-After longer than it honours, and on errors not worth repeating', async () => {
    const tooLong = await callWithRetry({ policy, clock, sleep: async () => undefined, call: async () => { throw httpError(429, { 'retry-after': '3600' }); } });
    expect(tooLong).toMatchObject({ ok: false, attempts: 1, stoppedBecause: expect.stringMatching(/3600000 ms exceeds/) });
    const unauthorized = await callWithRetry({ policy, clock, sleep: async () => undefined, call: async () => { throw httpError(401); } });
    expect(unauthorized).toMatchObject({ ok: false, attempts: 1 });
  });

  it('classifies errors', () => {
    expect(isRetryable(httpError(429))).toBe(true);
    expect(isRetryable(httpError(503))).toBe(true);
    expect(isRetryable(httpError(400))).toBe(false);
    expect(isRetryable(Object.assign(new Error('Request timed out.'), { name: 'TimeoutError' }))).toBe(true);
    expect(isRetryable(new TypeError('bug'))).toBe(false);
  });
});
