import { describe, expect, it } from 'vitest';
import { retryAfterMs } from './retry-after.js';

describe('retryAfterMs', () => {
  it('reads delay-seconds and HTTP dates against the clock', () => {
    expect(retryAfterMs('2', 0)).toBe(2_000);
    expect(retryAfterMs('0.5', 0)).toBe(500);
    expect(retryAfterMs(new Date(1_004_000).toUTCString(), 1_000_000)).toBe(4_000);
    expect(retryAfterMs('Thu, 01 Jan 1970 00:00:00 GMT', 5_000)).toBe(0);
  });

  it('ignores absent and unreadable values', () => {
    expect(retryAfterMs(undefined, 0)).toBeUndefined();
    expect(retryAfterMs('', 0)).toBeUndefined();
    expect(retryAfterMs('soon', 0)).toBeUndefined();
    expect(retryAfterMs('-3', 0)).toBeUndefined();
  });
});
