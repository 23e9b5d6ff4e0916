import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff-delay.js';

describe('backoffDelay', () => {
  it('doubles per attempt from the initial delay when there is no jitter', () => {
    const delays = [1, 2, 3, 4].map((attempt) => backoffDelay(attempt, { initialMs: 100, jitter: 0 }));
    expect(delays).toEqual([100, 200, 400, 800]);
  });

  it('never exceeds the cap, however many failures', () => {
    expect(backoffDelay(60, { initialMs: 100, maxMs: 5_000, jitter: 0 })).toBe(5_000);
    expect(backoffDelay(1_000, { maxMs: 5_000 }, () => 0.999_999)).toBeLessThanOrEqual(5_000);
  });

  it('draws the delay from [delay × (1 − jitter), delay]', () => {
    const options = { initialMs: 1_000, jitter: 0.4 };
    expect(backoffDelay(1, options, () => 0)).toBe(600);
    expect(backoffDelay(1, options, () => 0.5)).toBe(800);
    expect(backoffDelay(1, options, () => 0.999_999)).toBe(1_000);
  });
});
