import { Subject, from } from 'rxjs';
import { keccak256, toBytes } from 'viem';
import { afterEach, describe, expect, it } from 'vitest';
import { decisionIdFor, strategyIdFor } from '../model/decision-hash.js';
import { openJournal, type Journal } from '../journal/open-journal.js';
import { toAddress, type Address } from '../model/address.js';
import type { MarketEvent, OracleUpdate, PoolUpdate } from '../model/market-event.js';
import { createRulesReasoner } from '../reasoning/rules-reasoner.js';
import { createVirtualClock } from '../model/clock.js';
import { createKernel, type CreateKernelParameters } from './create-kernel.js';
import { KernelConfigError, KernelJournalError, MarketSourceFailedError } from './kernel-errors.js';
import type { ExecutionResult, Executor, KernelStrategy, MarketSnapshot, Reasoner, RiskGate, StrategyOutcome } from '../model/ports.js';
import type { RecordedDecision, TradeIntent } from '../model/decision.js';

const feed = toAddress('0x5f4ec3df9cbd43714fe2740f5e3616155c5b8419');
const pool = toAddress('0x88e6a0c2ddd26feeb64f039a2c41296fcb3f5640');
const weth = toAddress('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2');
const usdc = toAddress('0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48');
const t0 = 1_700_000_000;

function oracle(i: number, price: number, time = t0 + i * 60): OracleUpdate {
  return { kind: 'oracle', feed, roundId: BigInt(i + 1), answer: BigInt(price) * 10n ** 8n, decimals: 8, updatedAt: BigInt(time), time };
}

function poolUpdate(i: number, time = t0 + i * 60): PoolUpdate {
  return { kind: 'pool', pool, sqrtPriceX96: 2n ** 96n, tick: 0, liquidity: 10n ** 18n, block: BigInt(i), logIndex: 0, time };
}

/** Buys below `buyBelow`, sells above `sellAbove` (USD), on every oracle event that qualifies. */
function thresholdStrategy(id: string, buyBelow: number, sellAbove: number): KernelStrategy & { seen: MarketEvent[] } {
  const seen: MarketEvent[] = [];
  return {
    id,
    seen,
    onMarket(market) {
      const event = market.last!;
      seen.push(event);
      if (event.kind !== 'oracle') return undefined;
      const price = Number(event.answer / 10n ** 8n);
      if (price < buyBelow) return { strategyId: id, side: 'buy', strength: 0.5, reason: `${price} < ${buyBelow}`, time: event.time };
      if (price > sellAbove) return { strategyId: id, side: 'sell', strength: 0.5, reason: `${price} > ${sellAbove}`, time: event.time };
      return undefined;
    },
  };
}

const rules = (): Reasoner =>
  createRulesReasoner({
    market: { oracle: feed, poolFee: 500, base: { address: weth, decimals: 18 }, quote: { address: usdc, decimals: 6 } },
    maxTradeQuote: '1000',
    maxSlippageBps: 50,
  });

/** Allows trades up to `cap` base units in; the real policy mirror lives in agent/policy. */
function capGate(cap: bigint, seen: { intent: TradeIntent; time: number }[] = []): RiskGate {
  return {
    check(intent, at) {
      seen.push({ intent, time: at.time });
      return intent.amountIn <= cap ? { allowed: true } : { allowed: false, reason: 'TradeValueExceedsCap', args: [intent.amountIn, cap] };
    },
  };
}

type Deferred = { resolve: (result: ExecutionResult) => void; intent: TradeIntent };

/**
 * An executor that fills at the intent's minimum and keeps balances, optionally holding each trade until
 * the test releases it. It checks, at send time, that the decision is already journaled and pending.
 */
function recordingExecutor(journal: Journal | undefined, options: { manual?: boolean; fail?: (intent: TradeIntent) => ExecutionResult | 'throw' | undefined } = {}) {
  const balances = new Map<Address, bigint>([
    [weth, 10n ** 18n],
    [usdc, 100_000n * 10n ** 6n],
  ]);
  const executed: TradeIntent[] = [];
  const statusAtSend: string[] = [];
  const waiting: Deferred[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const executor: Executor = {
    async balances() {
      return new Map(balances);
    },
    async execute(intent) {
      executed.push(intent);
      statusAtSend.push(journal?.decisions.get(intent.decisionId)?.status ?? 'missing');
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        const failure = options.fail?.(intent);
        if (failure === 'throw') throw new Error('RPC connection reset');
        if (failure !== undefined) return failure;
        if (options.manual) {
          const outcome = await new Promise<ExecutionResult>((resolve) => waiting.push({ resolve, intent }));
          if (!outcome.ok) return outcome;
        }
        balances.set(intent.tokenIn, balances.get(intent.tokenIn)! - intent.amountIn);
        balances.set(intent.tokenOut, balances.get(intent.tokenOut)! + intent.minAmountOut);
        return {
          ok: true,
          fill: {
            txHash: keccak256(toBytes(intent.decisionId)),
            block: BigInt(executed.length),
            amountIn: intent.amountIn,
            amountOut: intent.minAmountOut,
            minAmountOutUsed: intent.minAmountOut,
            valueUsd: 0n,
            gasUsed: 150_000n,
            effectiveGasPrice: 1n,
          },
        };
      } finally {
        inFlight -= 1;
      }
    },
  };
  const okFill = { ok: true } as unknown as ExecutionResult;
  return {
    executor,
    executed,
    statusAtSend,
    waiting,
    balances,
    get maxInFlight() {
      return maxInFlight;
    },
    /** Lets the oldest held trade fill. */
    release() {
      const next = waiting.shift();
      if (next === undefined) throw new Error('no trade is waiting');
      next.resolve(okFill);
    },
  };
}

const journals: Journal[] = [];
afterEach(() => {
  for (const journal of journals.splice(0)) journal.close();
});

function startJournal(runId: string, clock = createVirtualClock(t0 * 1000)): Journal {
  const journal = openJournal({ path: ':memory:', clock });
  journals.push(journal);
  journal.runs.start({ id: runId, configDigest: '0x00', mode: 'backtest' });
  return journal;
}

/** Yields to the event loop until `condition` holds; never asserts on time. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  if (!condition()) throw new Error('condition never became true');
}

function kernelFor(overrides: Omit<Partial<CreateKernelParameters>, 'journal'> & { journal: Journal; executor: Executor }) {
  return createKernel({
    runId: 'run-1',
    strategies: [thresholdStrategy('thresholds', 1900, 2100)],
    reasoner: rules(),
    riskGate: capGate(10n ** 30n),
    clock: createVirtualClock(t0 * 1000),
    tradeDeadlineSeconds: 300,
    ...overrides,
    journal: overrides.journal.decisions,
  });
}

describe('createKernel: replay (lockstep, as backtests drive it)', () => {
  const prices = [2000, 1850, 2000, 2150, 2050, 1800, 2200];

  it('turns signals into journaled trades, recorded before they are sent, with deterministic ids', async () => {
    const journal = startJournal('run-1');
    const exec = recordingExecutor(journal);
    const clock = createVirtualClock(0);
    const gateCalls: { intent: TradeIntent; time: number }[] = [];
    const kernel = kernelFor({ journal, executor: exec.executor, clock, riskGate: capGate(10n ** 30n, gateCalls) });
    const published: RecordedDecision[] = [];
    let completed = false;
    kernel.decisions$.subscribe({ next: (d) => published.push(d), complete: () => (completed = true) });

    const summary = await kernel.replay(prices.map((p, i) => oracle(i, p)));

    expect(summary).toMatchObject({ events: 7, signals: 4, reasonerCalls: 4, decisions: 4, trades: 4, holds: 0, denied: 0, failed: 0, superseded: 0, nextSeq: 4 });
    expect(exec.statusAtSend).toEqual(['pending', 'pending', 'pending', 'pending']);
    const stored = journal.decisions.list({ runId: 'run-1' });
    expect(stored.map((d) => d.status)).toEqual(['trade', 'trade', 'trade', 'trade']);
    expect(stored.map((d) => d.id)).toEqual([0, 1, 2, 3].map((seq) => decisionIdFor('run-1', seq)));
    expect(exec.executed.map((i) => i.decisionId)).toEqual(stored.map((d) => d.id));
    expect(exec.executed.map((i) => [i.tokenIn, i.tokenOut])).toEqual([
      [usdc, weth],
      [weth, usdc],
      [usdc, weth],
      [weth, usdc],
    ]);
    // Buy 500 USDC at 1850: 0.270270270270270270 WETH at the oracle, at least 0.268918918918918918 after 0.5 %.
    expect(exec.executed[0]).toMatchObject({ amountIn: 500_000000n, minAmountOut: 268_918_918_918_918_918n });
    expect(exec.executed[0]!.strategyId).toBe(strategyIdFor('thresholds'));
    // The virtual clock followed event time: deadline and risk checks use the time of the signalling event.
    expect(gateCalls.map((c) => c.time)).toEqual([t0 + 60, t0 + 180, t0 + 300, t0 + 360]);
    expect(exec.executed.map((i) => i.deadline)).toEqual([t0 + 60, t0 + 180, t0 + 300, t0 + 360].map((t) => BigInt(t + 300)));
    expect(published.map((d) => d.hash)).toEqual(stored.map((d) => d.hash));
    expect(published[0]!.content.reasoning).toMatchObject({ reasoner: 'rules', model: 'rules-v1' });
    expect(exec.executed[0]!.reasoningHash).toBe(published[0]!.content.reasoningHash);
    expect(completed).toBe(true);
    expect(clock.now()).toBe((t0 + 360) * 1000);
  });

  it('gives identical decisions, byte for byte, when the same events are replayed again', async () => {
    const hashesOf = async () => {
      const journal = startJournal('run-1');
      const kernel = kernelFor({ journal, executor: recordingExecutor(journal).executor });
      await kernel.replay(prices.map((p, i) => oracle(i, p)));
      return journal.decisions.list().map((d) => d.hash);
    };
    const first = await hashesOf();
    expect(first).toHaveLength(4);
    expect(await hashesOf()).toEqual(first);
  });

  it('continues the sequence from firstSeq, so a resumed run never reuses a decision id', async () => {
    const journal = startJournal('run-1');
    const exec = recordingExecutor(journal);
    const kernel = kernelFor({ journal, executor: exec.executor, firstSeq: 40 });
    const summary = await kernel.replay([oracle(0, 1800)]);
    expect(exec.executed[0]!.decisionId).toBe(decisionIdFor('run-1', 40));
    expect(summary.nextSeq).toBe(41);
  });

  it('journals denials with the risk gate reason and sends nothing', async () => {
    const journal = startJournal('run-1');
    const exec = recordingExecutor(journal);
    const kernel = kernelFor({ journal, executor: exec.executor, riskGate: capGate(100n) });
    const summary = await kernel.replay([oracle(0, 1800)]);
    expect(summary).toMatchObject({ decisions: 1, denied: 1, trades: 0 });
    expect(exec.executed).toEqual([]);
    const [decision] = journal.decisions.list();
    expect(decision).toMatchObject({ status: 'denied', reason: 'TradeValueExceedsCap' });
    expect(decision!.content.verdict).toEqual({ allowed: false, reason: 'TradeValueExceedsCap', args: ['500000000', '100'] });
    expect(decision!.content.intent?.amountIn).toBe(500_000000n);
  });

  it('journals holds with their rationale and no intent', async () => {
    const journal = startJournal('run-1');
    const exec = recordingExecutor(journal);
    exec.balances.set(weth, 0n);
    const kernel = kernelFor({ journal, executor: exec.executor });
    const summary = await kernel.replay([oracle(0, 2200)]);
    expect(summary).toMatchObject({ decisions: 1, holds: 1 });
    const [decision] = journal.decisions.list();
    expect(decision!.status).toBe('hold');
    expect(decision!.reason).toContain('nothing to sell');
    expect(decision!.content.intent).toBeUndefined();
  });

  it('records a failed or reverted trade as a failed decision with its reason, and keeps going', async () => {
    const journal = startJournal('run-1');
    let calls = 0;
    const exec = recordingExecutor(journal, {
      fail: () => {
        calls += 1;
        if (calls === 1) return { ok: false, reason: 'reverted: CooldownActive(1700000120)', txHash: `0x${'ab'.repeat(32)}` };
        if (calls === 2) return 'throw';
        return undefined;
      },
    });
    const kernel = kernelFor({ journal, executor: exec.executor });
    const summary = await kernel.replay([oracle(0, 1800), oracle(1, 1800), oracle(2, 1800)]);
    expect(summary).toMatchObject({ decisions: 3, failed: 2, trades: 1 });
    const stored = journal.decisions.list();
    expect(stored.map((d) => d.status)).toEqual(['failed', 'failed', 'trade']);
    expect(stored[0]).toMatchObject({ reason: 'reverted: CooldownActive(1700000120)', txHash: `0x${'ab'.repeat(32)}` });
    expect(stored[1]!.reason).toBe('RPC connection reset');
  });

  it('turns a reasoner that throws into a failed decision for that signal only', async () => {
    const journal = startJournal('run-1');
    const exec = recordingExecutor(journal);
    const inner = rules();
    let calls = 0;
    const flaky: Reasoner = {
      name: 'llm',
      propose: (input) => {
        calls += 1;
        return calls === 1 ? Promise.reject(new Error('model endpoint returned 500')) : inner.propose(input);
      },
    };
    const kernel = kernelFor({ journal, executor: exec.executor, reasoner: flaky });
    const summary = await kernel.replay([oracle(0, 1800), oracle(1, 1800)]);
    expect(summary).toMatchObject({ decisions: 2, failed: 1, trades: 1, reasonerCalls: 2 });
    const [failed] = journal.decisions.list();
    expect(failed).toMatchObject({ status: 'failed', reason: 'ReasonerFailed: model endpoint returned 500' });
    expect(failed!.content.signal).toMatchObject({ side: 'buy' });
    expect(failed!.content.reasoning).toMatchObject({ reasoner: 'llm', model: 'none' });
  });

  it('records a reasoner rejection as a denied decision with the raw output, never a trade', async () => {
    const journal = startJournal('run-1');
    const exec = recordingExecutor(journal);
    const inner = rules();
    const rejecting: Reasoner = {
      name: 'llm',
      async propose(input) {
        const output = await inner.propose(input);
        return { ...output, reasoning: { ...output.reasoning, rawOutput: '{"tokenIn":"0xdead"}' }, rejection: { reason: 'TokenNotAllowed', details: 'tokenIn 0xdead is not on the allow-list' } };
      },
    };
    const kernel = kernelFor({ journal, executor: exec.executor, reasoner: rejecting });
    await kernel.replay([oracle(0, 1800)]);
    expect(exec.executed).toEqual([]);
    const [decision] = journal.decisions.list();
    expect(decision).toMatchObject({ status: 'denied', reason: 'TokenNotAllowed: tokenIn 0xdead is not on the allow-list' });
    expect(decision!.content.verdict).toEqual({ allowed: false, reason: 'TokenNotAllowed' });
    expect(decision!.content.reasoning.rawOutput).toBe('{"tokenIn":"0xdead"}');
  });

  it('denies a malformed trade proposal instead of building an intent from it', async () => {
    const journal = startJournal('run-1');
    const exec = recordingExecutor(journal);
    const broken: Reasoner = {
      name: 'llm',
      async propose() {
        return {
          proposal: { action: 'trade', tokenIn: usdc, tokenOut: weth, fee: 500, amountIn: -5n, minAmountOut: 0n, maxSlippageBps: 50, rationale: 'x' },
          reasoning: { reasoner: 'llm', model: 'm', promptVersion: 'p', inputsDigest: `0x${'00'.repeat(32)}`, rawOutput: '{}' },
        };
      },
    };
    const kernel = kernelFor({ journal, executor: exec.executor, reasoner: broken });
    const summary = await kernel.replay([oracle(0, 1800)]);
    expect(summary.denied).toBe(1);
    expect(exec.executed).toEqual([]);
    expect(journal.decisions.list()[0]!.reason).toContain('amountIn -5 is not a positive bigint');
  });

  it('records malformed reasoner output as that decision failing, never a trade and never a stopped agent', async () => {
    const journal = startJournal('run-1');
    const exec = recordingExecutor(journal);
    const digest: `0x${string}` = `0x${'11'.repeat(32)}`;
    const outputs = [
      // A model name that is not a string: the reasoning cannot be hashed.
      { proposal: { action: 'hold', rationale: 'x' }, reasoning: { reasoner: 'llm', model: Number.NaN, promptVersion: 'p', inputsDigest: digest, rawOutput: '' } },
      // Amounts that are not bigint: denied, journaled as a hold naming the problem.
      { proposal: { action: 'trade', tokenIn: usdc, tokenOut: weth, fee: 500, amountIn: Number.NaN, minAmountOut: 0n, maxSlippageBps: 50, rationale: 'x' }, reasoning: { reasoner: 'llm', model: 'm', promptVersion: 'p', inputsDigest: digest, rawOutput: '{"amountIn":NaN}' } },
      { proposal: { action: 'trade', tokenIn: usdc, tokenOut: weth, fee: 500, amountIn: 1.5, minAmountOut: 0n, maxSlippageBps: 50, rationale: 'x' }, reasoning: { reasoner: 'llm', model: 'm', promptVersion: 'p', inputsDigest: digest, rawOutput: '{"amountIn":1.5}' } },
      // A latency the journal cannot encode: replaced by a failed decision that says so.
      { proposal: { action: 'hold', rationale: 'x' }, reasoning: { reasoner: 'llm', model: 'm', promptVersion: 'p', inputsDigest: digest, rawOutput: '', latencyMs: Number.POSITIVE_INFINITY } },
    ];
    const malformed: Reasoner = { name: 'llm', propose: async () => outputs.shift() as never };
    const kernel = kernelFor({ journal, executor: exec.executor, reasoner: malformed });
    const summary = await kernel.replay([0, 1, 2, 3].map((i) => oracle(i, 1800)));
    expect(exec.executed).toEqual([]);
    expect(summary).toMatchObject({ decisions: 4, failed: 2, denied: 2 });
    const stored = journal.decisions.list();
    expect(stored.map((d) => d.status)).toEqual(['failed', 'denied', 'denied', 'failed']);
    expect(stored[3]!.reason).toMatch(/^UnencodableDecision: Cannot encode \$\.reasoning\.latencyMs/);
    expect(stored[3]!.id).toBe(decisionIdFor('run-1', 3));
    expect(stored[0]!.reason).toMatch(/^InvalidReasoning: Cannot encode \$\.model/);
    expect(stored[1]!.reason).toBe('InvalidProposal: amountIn NaN is not a positive bigint');
    expect(stored[2]!.reason).toBe('InvalidProposal: amountIn 1.5 is not a positive bigint');
    expect(stored[2]!.content.proposal).toEqual({ action: 'hold', rationale: 'invalid trade proposal: amountIn 1.5 is not a positive bigint' });
    expect(stored[2]!.content.reasoning.rawOutput).toBe('{"amountIn":1.5}');
  });

  it('turns a throwing or invalid strategy into one failed decision per streak, counted, and keeps the others running', async () => {
    const journal = startJournal('run-1');
    const exec = recordingExecutor(journal);
    const flaky: KernelStrategy = {
      id: 'flaky',
      onMarket(market) {
        const i = Number((market.last as OracleUpdate).roundId) - 1;
        if (i <= 2) throw new Error(`bad state at ${i}`);
        if (i === 4) return { strategyId: 'flaky', side: 'buy', strength: Number.NaN, reason: 'nan', time: market.last!.time };
        return undefined;
      },
    };
    const healthy = thresholdStrategy('healthy', 1900, 2100);
    const kernel = kernelFor({ journal, executor: exec.executor, strategies: [flaky, healthy] });
    const summary = await kernel.replay([0, 1, 2, 3, 4, 5].map((i) => oracle(i, i === 5 ? 1800 : 2000)));
    expect(summary).toMatchObject({ events: 6, strategyErrors: 4, failed: 2, trades: 1 });
    expect(healthy.seen).toHaveLength(6);
    const failed = journal.decisions.list({ status: 'failed' });
    expect(failed.map((d) => d.reason)).toEqual([
      'StrategyFailed: onMarket threw: bad state at 0',
      'StrategyFailed: invalid signal: strength NaN (accepted: a number from 0 to 1)',
    ]);
    expect(failed[0]!.content.signal).toBeUndefined();
  });

  it('stops with KernelJournalError, sending nothing, when the journal cannot record', async () => {
    const journal = startJournal('other-run');
    const exec = recordingExecutor(journal);
    // run-1 was never started in this journal: the store refuses its decisions.
    const kernel = kernelFor({ journal, executor: exec.executor });
    await expect(kernel.replay([oracle(0, 1800), oracle(1, 1800)])).rejects.toThrow(KernelJournalError);
    expect(exec.executed).toEqual([]);
  });

  it('refuses duplicate strategy ids and a non-positive deadline', () => {
    const journal = startJournal('run-1');
    const exec = recordingExecutor(journal);
    const a = thresholdStrategy('same', 1, 2);
    expect(() => kernelFor({ journal, executor: exec.executor, strategies: [a, a] })).toThrow(KernelConfigError);
    expect(() => kernelFor({ journal, executor: exec.executor, tradeDeadlineSeconds: 0 })).toThrow(/tradeDeadlineSeconds/);
  });

  it('accepts an async iterable of events or of batches (a streamed CSV source)', async () => {
    const journal = startJournal('run-1');
    const exec = recordingExecutor(journal);
    const kernel = kernelFor({ journal, executor: exec.executor });
    const events = prices.map((p, i) => oracle(i, p));
    async function* stream() {
      yield events[0]!;
      yield events.slice(1, 4);
      yield events.slice(4);
    }
    const progress: number[] = [];
    const summary = await kernel.replay(stream(), { onProgress: (n) => progress.push(n), progressEvery: 3 });
    expect(summary).toMatchObject({ events: 7, trades: 4 });
    expect(exec.executed.map((i) => i.deadline)).toEqual([1, 3, 5, 6].map((i) => BigInt(t0 + i * 60 + 300)));
    expect(progress).toEqual([3, 6]);
  });
});

describe('createKernel: market state and lookahead', () => {
  it('applies each event to the state before anything downstream sees it', async () => {
    const journal = startJournal('run-1');
    const exec = recordingExecutor(journal);
    const checks: boolean[] = [];
    const observer: KernelStrategy = {
      id: 'observer',
      onMarket(market) {
        const last = market.last!;
        checks.push(last.kind === 'oracle' ? market.oracles.get(last.feed) === last : market.pools.get(last.pool) === last);
        return undefined;
      },
    };
    const kernel = kernelFor({ journal, executor: exec.executor, strategies: [observer] });
    const publishedConsistent: boolean[] = [];
    kernel.events$.subscribe((market) => {
      const last = market.last!;
      publishedConsistent.push(last.kind === 'oracle' ? market.oracles.get(last.feed) === last : market.pools.get(last.pool) === last);
    });
    const events: MarketEvent[] = [oracle(0, 2000), poolUpdate(1), oracle(2, 2010), poolUpdate(3)];
    await kernel.replay(events);
    expect(checks).toEqual([true, true, true, true]);
    expect(publishedConsistent).toEqual([true, true, true, true]);
    expect(kernel.market.last).toBe(events[3]);
  });

  it('shows each strategy exactly the events so far, in order, never one ahead (lookahead guard)', async () => {
    const journal = startJournal('run-1');
    const exec = recordingExecutor(journal);
    const events: MarketEvent[] = [];
    for (let i = 0; i < 200; i++) events.push(i % 3 === 0 ? poolUpdate(i) : oracle(i, 1900 + (i % 17) * 10));
    const violations: string[] = [];
    let calls = 0;
    const peeker: KernelStrategy = {
      id: 'peeker',
      onMarket(market: MarketSnapshot) {
        const expected = events[calls];
        if (market.last !== expected) violations.push(`call ${calls}: last is not event ${calls}`);
        for (const seen of [...market.oracles.values(), ...market.pools.values()]) {
          if (seen.time > expected!.time) violations.push(`call ${calls}: saw time ${seen.time} > ${expected!.time}`);
        }
        calls += 1;
        // Signals now and then, so asynchronous work interleaves with the replay.
        return calls % 25 === 0 ? { strategyId: 'peeker', side: 'buy', strength: 0.1, reason: 'tick', time: expected!.time } : undefined;
      },
    };
    const kernel = kernelFor({ journal, executor: exec.executor, strategies: [peeker] });
    const summary = await kernel.replay(events);
    expect(calls).toBe(200);
    expect(violations).toEqual([]);
    expect(summary.signals).toBe(8);
  });

  it('drops and counts an event older than the one before it', async () => {
    const journal = startJournal('run-1');
    const exec = recordingExecutor(journal);
    const strategy = thresholdStrategy('t', 0, 1e9);
    const kernel = kernelFor({ journal, executor: exec.executor, strategies: [strategy] });
    const summary = await kernel.replay([oracle(0, 2000, t0 + 60), oracle(1, 2000, t0), oracle(2, 2000, t0 + 60)]);
    expect(summary).toMatchObject({ events: 2, outOfOrder: 1, firstEventTime: t0 + 60, lastEventTime: t0 + 60 });
    expect(strategy.seen.map((e) => (e as OracleUpdate).roundId)).toEqual([1n, 3n]);
  });
});

describe('createKernel: run (live) and backpressure', () => {
  it('keeps one signal in progress and one waiting per strategy, recording each replaced one as superseded', async () => {
    const journal = startJournal('run-1');
    const exec = recordingExecutor(journal, { manual: true });
    const market$ = new Subject<MarketEvent>();
    const kernel = kernelFor({ journal, executor: exec.executor, market$, strategies: [thresholdStrategy('burst', 1900, 2100)] });
    const done = kernel.run();
    await until(() => market$.observed);

    // A burst of 10 buy signals while the first trade is still being sent.
    for (let i = 0; i < 10; i++) market$.next(oracle(i, 1800 + i));
    await until(() => exec.waiting.length === 1);
    expect(exec.executed).toHaveLength(1);
    expect(journal.decisions.counts('run-1')).toMatchObject({ pending: 1, superseded: 8 });
    // Market events kept flowing into the state while the trade was held.
    expect((kernel.market.last as OracleUpdate).roundId).toBe(10n);

    exec.release();
    await until(() => exec.waiting.length === 1 && exec.executed.length === 2);
    // The waiting slot held the newest signal: the 10th event's.
    expect(journal.decisions.get(exec.executed[1]!.decisionId)!.content.signal?.reason).toBe('1809 < 1900');
    exec.release();
    market$.complete();
    const summary = await done;

    expect(summary).toMatchObject({ events: 10, signals: 10, decisions: 10, trades: 2, superseded: 8, reasonerCalls: 2 });
    expect(exec.maxInFlight).toBe(1);
    const superseded = journal.decisions.list({ status: 'superseded' });
    expect(superseded.map((d) => d.content.signal?.reason)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((i) => `${1800 + i} < 1900`));
    expect(superseded[0]!.reason).toContain('Superseded: a newer signal from burst');
    // Every decision got its own id from the one sequence.
    expect(new Set(journal.decisions.list().map((d) => d.seq)).size).toBe(10);
  });

  it('runs strategies in separate lanes: a busy one does not supersede another', async () => {
    const journal = startJournal('run-1');
    const exec = recordingExecutor(journal, { manual: true });
    const market$ = new Subject<MarketEvent>();
    const kernel = kernelFor({
      journal,
      executor: exec.executor,
      market$,
      strategies: [thresholdStrategy('a', 1900, 2100), thresholdStrategy('b', 1900, 2100)],
    });
    const done = kernel.run();
    await until(() => market$.observed);
    market$.next(oracle(0, 1800));
    await until(() => exec.waiting.length === 2);
    exec.release();
    exec.release();
    market$.complete();
    expect(await done).toMatchObject({ trades: 2, superseded: 0 });
  });

  it('resolves run() when a synchronous market$ completes, after the work it started', async () => {
    const journal = startJournal('run-1');
    const exec = recordingExecutor(journal);
    const kernel = kernelFor({ journal, executor: exec.executor, market$: from([oracle(0, 1800), oracle(1, 2000), oracle(2, 2000)]) });
    expect(await kernel.run()).toMatchObject({ events: 3, trades: 1 });
  });

  it('stops taking events on stop() and still completes the decision in progress', async () => {
    const journal = startJournal('run-1');
    const exec = recordingExecutor(journal, { manual: true });
    const market$ = new Subject<MarketEvent>();
    const kernel = kernelFor({ journal, executor: exec.executor, market$ });
    const done = kernel.run();
    await until(() => market$.observed);
    market$.next(oracle(0, 1800));
    await until(() => exec.waiting.length === 1);
    kernel.stop();
    market$.next(oracle(1, 1800));
    exec.release();
    const summary = await done;
    expect(summary).toMatchObject({ events: 1, trades: 1 });
    expect(journal.decisions.counts('run-1').pending).toBe(0);
  });

  it('rejects run() with MarketSourceFailedError when market$ errors, after finishing the trade in progress', async () => {
    const journal = startJournal('run-1');
    const exec = recordingExecutor(journal, { manual: true });
    const market$ = new Subject<MarketEvent>();
    const kernel = kernelFor({ journal, executor: exec.executor, market$ });
    const done = kernel.run();
    await until(() => market$.observed);
    market$.next(oracle(0, 1800));
    await until(() => exec.waiting.length === 1);
    market$.error(new Error('websocket closed'));
    exec.release();
    await expect(done).rejects.toThrow(MarketSourceFailedError);
    expect(journal.decisions.counts('run-1')).toMatchObject({ trade: 1, pending: 0 });
  });

  it('takes no event at all when stopped before it started', async () => {
    const journal = startJournal('run-1');
    const exec = recordingExecutor(journal);
    const kernel = kernelFor({ journal, executor: exec.executor, market$: from([oracle(0, 1800)]) });
    const done = kernel.run();
    kernel.stop();
    expect(await done).toMatchObject({ events: 0, decisions: 0 });
  });

  it('hands the vault balances to strategies that take them', async () => {
    const journal = startJournal('run-1');
    const exec = recordingExecutor(journal);
    const received: ReadonlyMap<string, bigint>[] = [];
    const strategy = { ...thresholdStrategy('t', 1900, 2100), setBalances: (b: ReadonlyMap<string, bigint>) => received.push(b) };
    const kernel = kernelFor({ journal, executor: exec.executor, strategies: [strategy] });
    await kernel.replay([oracle(0, 1800)]);
    // At start, before the signal's reasoning, and after the trade.
    expect(received).toHaveLength(3);
    expect(received[2]!.get(usdc)).toBe(100_000n * 10n ** 6n - 500_000000n);
  });
});

describe('createKernel: outcomes and resumable strategy state', () => {
  /** A threshold strategy that records, per market event, the outcomes it had heard by then. */
  function listening(id: string, buyBelow: number, sellAbove: number) {
    const inner = thresholdStrategy(id, buyBelow, sellAbove);
    const heard: StrategyOutcome[] = [];
    const heardBeforeEvent: number[] = [];
    let saved: unknown;
    const strategy: KernelStrategy = {
      id,
      onMarket(market) {
        heardBeforeEvent.push(heard.length);
        return inner.onMarket(market);
      },
      onOutcome: (outcome) => heard.push(outcome),
      saveState: () => ({ seen: inner.seen.length }),
      loadState: (state) => (saved = state),
    };
    return { strategy, heard, heardBeforeEvent, loaded: () => saved };
  }

  it('tells each strategy the outcome of its own decisions before the next market event (lockstep)', async () => {
    const journal = startJournal('run-1');
    const exec = recordingExecutor(journal, { fail: (intent) => (intent.tokenIn === weth ? { ok: false, reason: 'Too little received' } : undefined) });
    const buyer = listening('buyer', 1900, 99_999);
    const seller = listening('seller', 0, 2100);
    const kernel = kernelFor({ journal, executor: exec.executor, strategies: [buyer.strategy, seller.strategy] });
    await kernel.replay([oracle(0, 1800), oracle(1, 2000), oracle(2, 2200), oracle(3, 2000)]);

    expect(buyer.heard.map((o) => [o.outcome, o.signal?.side])).toEqual([['trade', 'buy']]);
    expect(buyer.heard[0]!.fill).toEqual({ tokenIn: usdc, tokenOut: weth, amountIn: 500_000000n, amountOut: exec.executed[0]!.minAmountOut });
    expect(seller.heard.map((o) => [o.outcome, o.reason])).toEqual([['failed', 'Too little received']]);
    // Heard before the event after the one that signalled.
    expect(buyer.heardBeforeEvent).toEqual([0, 1, 1, 1]);
    expect(seller.heardBeforeEvent).toEqual([0, 0, 0, 1]);
    const stored = journal.decisions.list();
    expect(stored.map((d) => d.trigger)).toEqual([`o:${feed}:1`, `o:${feed}:3`]);
  });

  it('on resume, tells a strategy the recorded outcome of a signal it already decided instead of deciding twice', async () => {
    const journal = startJournal('run-1');
    const exec = recordingExecutor(journal);
    const first = listening('buyer', 1900, 99_999);
    await kernelFor({ journal, executor: exec.executor, strategies: [first.strategy] }).replay([oracle(0, 1800), oracle(1, 1850)]);
    expect(journal.decisions.list()).toHaveLength(2);

    // The restarted run reads both events again, then a new one.
    const decided = new Map(journal.decisions.decidedSignals('run-1').map((d) => [`${d.strategyId} ${d.trigger}`, d]));
    const second = listening('buyer', 1900, 99_999);
    const kernel = kernelFor({
      journal,
      executor: exec.executor,
      strategies: [second.strategy],
      firstSeq: journal.decisions.nextSeq('run-1'),
      decided: (strategyId, trigger) => {
        const known = decided.get(`${strategyId} ${trigger}`);
        return known && { decisionId: known.id, outcome: 'trade', signal: known.content.signal, reason: undefined, fill: undefined };
      },
    });
    const summary = await kernel.replay([oracle(0, 1800), oracle(1, 1850), oracle(2, 1700)]);
    expect(summary).toMatchObject({ signals: 3, alreadyDecided: 2, decisions: 1, nextSeq: 3 });
    expect(second.heard.map((o) => o.decisionId)).toEqual(journal.decisions.list().map((d) => d.id));
    expect(exec.executed).toHaveLength(3);
  });

  it('applies events through the checkpoint block to the market only: restored strategies already saw them', async () => {
    const journal = startJournal('run-1');
    const strategy = thresholdStrategy('t', 1900, 2100);
    const atBlock = (i: number, price: number, block: bigint): OracleUpdate => ({ ...oracle(i, price), block });
    const kernel = kernelFor({ journal, executor: recordingExecutor(journal).executor, strategies: [strategy], seenThroughBlock: 10n });
    const summary = await kernel.replay([atBlock(0, 1800, 10n), atBlock(1, 1850, 11n)]);
    expect(strategy.seen.map((event) => event.block)).toEqual([11n]);
    expect(kernel.market.oracles.size).toBe(1);
    expect(summary).toMatchObject({ events: 2, signals: 1 });
  });

  it('saves and loads the states of the strategies that keep one', async () => {
    const journal = startJournal('run-1');
    const a = listening('a', 0, 99_999);
    const plain = thresholdStrategy('plain', 0, 99_999);
    const kernel = kernelFor({ journal, executor: recordingExecutor(journal).executor, strategies: [a.strategy, plain] });
    await kernel.replay([oracle(0, 2000), oracle(1, 2000)]);
    expect(kernel.saveStrategyStates()).toEqual({ a: { seen: 2 } });
    kernel.loadStrategyStates({ a: { seen: 7 }, plain: { ignored: true } });
    expect(a.loaded()).toEqual({ seen: 7 });
  });
});
