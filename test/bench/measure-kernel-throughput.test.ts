import { describe, expect, it } from 'vitest';
import { measureKernelThroughput } from './measure-kernel-throughput.js';
import type { KernelStrategy } from '../../agent/model/ports.js';

describe('measureKernelThroughput', () => {
  it('pushes every event through the state and the strategies (the figure itself is reported by npm run bench)', () => {
    let calls = 0;
    const counting: KernelStrategy = {
      id: 'counting',
      onMarket: (market) => {
        if (market.last?.time !== 1_700_000_000 + calls) throw new Error('events out of order');
        calls += 1;
        return undefined;
      },
    };
    const result = measureKernelThroughput({ events: 10_000, strategies: [counting] });
    expect(result.events).toBe(10_000);
    expect(calls).toBe(10_000);
    expect(result.eventsPerSecond).toBeGreaterThan(0);
  });

  it('refuses strategies that signal: the measure is of the no-signal hot path', () => {
    const signalling: KernelStrategy = {
      id: 'signalling',
      onMarket: (market) => ({ strategyId: 'signalling', side: 'buy', strength: 1, reason: 'always', time: market.last!.time }),
    };
    expect(() => measureKernelThroughput({ events: 10, strategies: [signalling] })).toThrow(/must not signal/);
  });
});
