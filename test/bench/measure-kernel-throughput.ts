import { toAddress } from '../../agent/model/address.js';
import type { OracleUpdate } from '../../agent/model/market-event.js';
import { createVirtualClock } from '../../agent/model/clock.js';
import { createKernel } from '../../agent/kernel/create-kernel.js';
import type { DecisionJournal, Executor, KernelStrategy, Reasoner, RiskGate } from '../../agent/model/ports.js';

export type MeasureKernelThroughputParameters = {
  /** How many oracle events to push. Default 10,000,000. */
  events?: number | undefined;
  /** The strategies to run; default one trivial strategy that reads every price and never signals. */
  strategies?: readonly KernelStrategy[] | undefined;
};

export type KernelThroughput = {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  /** What the strategies computed, so the work cannot be optimised away (and tests can check it ran). */
  checksum: number;
};

const feed = toAddress('0x5f4ec3df9cbd43714fe2740f5e3616155c5b8419');

/**
 * Measures the kernel's synchronous hot path: event → MarketState → strategies, with no signal, as a
 * backtest drives it (a tight loop over `kernel.onEvent`). Events are created in the loop, as a streaming
 * source would, so memory stays flat whatever the count. Reported by `npm run bench`; never asserted in
 * tests (the machines are shared).
 *
 * @example
 * const { eventsPerSecond } = measureKernelThroughput({ events: 1_000_000 });
 */
export function measureKernelThroughput(parameters: MeasureKernelThroughputParameters = {}): KernelThroughput {
  const count = parameters.events ?? 10_000_000;
  let checksum = 0;
  const trivial: KernelStrategy = {
    id: 'trivial',
    onMarket(market) {
      const last = market.last;
      if (last !== undefined && last.kind === 'oracle') checksum = (checksum + (last.time & 0xff) + last.decimals) | 0;
      return undefined;
    },
  };
  const kernel = createKernel({
    runId: 'throughput',
    strategies: parameters.strategies ?? [trivial],
    // The kernel names the reasoner in decisions that were never reasoned; nothing else may touch it.
    reasoner: { name: 'rules', propose: () => (unused as { propose(): never }).propose() } as Reasoner,
    riskGate: unused as RiskGate,
    executor: unused as Executor,
    journal: unused as DecisionJournal,
    clock: createVirtualClock(0),
    tradeDeadlineSeconds: 60,
  });
  const start = 1_700_000_000;
  const began = performance.now();
  for (let i = 0; i < count; i++) {
    const time = start + i;
    const event: OracleUpdate = {
      kind: 'oracle',
      feed,
      roundId: 0n,
      answer: 200_000_000_000n,
      decimals: 8,
      updatedAt: 0n,
      time,
    };
    if (kernel.onEvent(event) !== undefined) throw new Error('the throughput strategies must not signal');
  }
  const seconds = (performance.now() - began) / 1000;
  return { events: kernel.summary().events, seconds, eventsPerSecond: Math.round(count / seconds), checksum };
}

/** Stands in for the parts a no-signal run never touches; any use is a bug in the measurement. */
const unused = new Proxy(
  {},
  {
    get(_target, key) {
      throw new Error(`measureKernelThroughput: nothing should touch ${String(key)} when no strategy signals`);
    },
  },
);

/**
 * The kernel throughput figure for `npm run bench` (the shape of test/bench's Benchmark).
 *
 * @example
 * benchmarks.push(kernelThroughputBenchmark);
 */
export const kernelThroughputBenchmark = {
  name: 'kernel-throughput',
  description: 'kernel hot path: 10M oracle events through MarketState and a trivial strategy, no signals',
  async run(): Promise<Record<string, unknown>> {
    measureKernelThroughput({ events: 200_000 }); // warm-up, so the JIT has compiled the loop
    const result = measureKernelThroughput({ events: 10_000_000 });
    return { ...result, targetEventsPerSecond: 2_000_000 };
  },
};

