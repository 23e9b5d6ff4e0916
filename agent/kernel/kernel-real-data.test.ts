/**
 * The kernel with real parts end to end, minus the chain: the real Chainlink ETH/USD history from
 * data/, the built-in trend strategy, the rules reasoner and a SQLite journal. The executor fills
 * at the oracle price (the chain and the pool simulator are tested where they live).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keccak256, toBytes } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStrategyInstance, trend } from '../../strategies/index.js';
import { decisionHash } from '../model/decision-hash.js';
import { openJournal } from '../journal/open-journal.js';
import { readChainlinkRounds } from '../market/csv/chainlink-rounds.js';
import { toAddress, type Address } from '../model/address.js';
import type { MarketEvent, OracleUpdate } from '../model/market-event.js';
import { createRoundValidator } from '../market/validate-round.js';
import { createRulesReasoner } from '../reasoning/rules-reasoner.js';
import { createVirtualClock } from '../model/clock.js';
import { createKernel } from './create-kernel.js';
import type { Executor, KernelStrategy, MarketSnapshot, RiskGate } from '../model/ports.js';

const feed = toAddress('0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419');
const weth = toAddress('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2');
const usdc = toAddress('0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48');
const market = { oracle: feed, poolFee: 500, base: { address: weth, decimals: 18, symbol: 'WETH' }, quote: { address: usdc, decimals: 6, symbol: 'USDC' } };

let events: OracleUpdate[] = [];
let rejectedRounds = 0;
let directory: string;

beforeAll(async () => {
  const { rounds } = await readChainlinkRounds('data/chainlink/eth-usd.csv');
  const validator = createRoundValidator();
  for (const round of rounds) {
    if (!validator.check(round, round.updatedAt === 0n ? 1n : round.updatedAt).ok) continue;
    const time = Number(round.updatedAt);
    events.push({ kind: 'oracle', feed, roundId: round.roundId, answer: round.answer, decimals: 8, updatedAt: round.updatedAt, time });
  }
  rejectedRounds = validator.stats().rejected;
  // Rounds are ordered by id; a replay is ordered by time, which the kernel enforces.
  events = events.filter((event, i) => i === 0 || event.time >= events[i - 1]!.time);
  directory = mkdtempSync(join(tmpdir(), 'mandate-kernel-'));
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Fills at the oracle price less 0.1 %, keeping balances: enough to let the rules size real trades. */
function oracleFillExecutor(state: () => MarketSnapshot): Executor & { trades: number } {
  const balances = new Map<Address, bigint>([
    [usdc, 100_000n * 10n ** 6n],
    [weth, 10n * 10n ** 18n],
  ]);
  const executor = {
    trades: 0,
    async balances() {
      return new Map(balances);
    },
    async execute(intent: Parameters<Executor['execute']>[0]) {
      const round = state().oracles.get(feed)!;
      const buying = intent.tokenIn === usdc;
      const atOracle = buying
        ? (intent.amountIn * 10n ** 20n) / round.answer
        : (intent.amountIn * round.answer) / 10n ** 20n;
      const amountOut = (atOracle * 999n) / 1000n;
      if (amountOut < intent.minAmountOut) return { ok: false as const, reason: 'TooLittleReceived' };
      balances.set(intent.tokenIn, balances.get(intent.tokenIn)! - intent.amountIn);
      balances.set(intent.tokenOut, balances.get(intent.tokenOut)! + amountOut);
      executor.trades += 1;
      return {
        ok: true as const,
        fill: {
          txHash: keccak256(toBytes(intent.decisionId)),
          block: BigInt(executor.trades),
          amountIn: intent.amountIn,
          amountOut,
          minAmountOutUsed: intent.minAmountOut,
          valueUsd: 0n,
          gasUsed: 120_000n,
          effectiveGasPrice: 10n ** 9n,
        },
      };
    },
  };
  return executor;
}

/** Allows buys of at most 400 USDC (the strategy asks for 500: every buy is denied) and any sell. */
const gate: RiskGate = {
  check: (intent) =>
    intent.tokenIn !== usdc || intent.amountIn <= 400n * 10n ** 6n
      ? { allowed: true }
      : { allowed: false, reason: 'TradeValueExceedsCap', args: [intent.amountIn, 400n * 10n ** 6n] },
};

async function replayHistory(path: string, extra: KernelStrategy[] = []) {
  const runId = 'eth-usd-trend';
  const clock = createVirtualClock(0);
  const journal = openJournal({ path, clock, durability: 'normal' });
  journal.runs.start({ id: runId, configDigest: '0x00', mode: 'backtest' });
  const strategy = createStrategyInstance(trend, { id: 'eth-trend', params: { fastPeriod: 12, slowPeriod: 48, sizeQuote: '500' }, market });
  let kernelState: MarketSnapshot | undefined;
  const executor = oracleFillExecutor(() => kernelState!);
  const kernel = createKernel({
    runId,
    strategies: [strategy, ...extra],
    reasoner: createRulesReasoner({ market, maxTradeQuote: '800', maxSlippageBps: 30 }),
    riskGate: gate,
    executor,
    journal: journal.decisions,
    clock,
    tradeDeadlineSeconds: 600,
  });
  kernelState = kernel.market;
  const summary = await kernel.replay(events);
  return { summary, journal, executor, clock };
}

describe('kernel on the real ETH/USD Chainlink history', () => {
  it('replays every valid round once, in time order, and journals each signal as exactly one decision', async () => {
    expect(rejectedRounds).toBeGreaterThanOrEqual(1); // the all-zero round at the end of the file
    const { summary, journal, executor, clock } = await replayHistory(join(directory, 'a.sqlite'));
    try {
      expect(summary.events).toBe(events.length);
      expect(summary.outOfOrder).toBe(0);
      expect(summary.signals).toBeGreaterThan(10);
      expect(summary.decisions).toBe(summary.signals);
      expect(summary.superseded).toBe(0);
      expect(summary.trades).toBe(executor.trades);
      expect(summary.trades).toBeGreaterThan(0);
      expect(summary.denied).toBeGreaterThan(0);
      expect(journal.decisions.list({ status: 'denied' }).every((d) => d.content.intent?.tokenIn === usdc)).toBe(true);
      expect(summary.trades + summary.holds + summary.denied + summary.failed).toBe(summary.decisions);
      expect(clock.now()).toBe(events.at(-1)!.time * 1000);

      const decisions = journal.decisions.list({ runId: 'eth-usd-trend' });
      expect(decisions).toHaveLength(summary.decisions);
      const eventTimes = new Set(events.map((e) => e.time));
      for (const decision of decisions) {
        // Each decision's hash recomputes from its content, and its time is that of a real round.
        expect(decisionHash(decision.content)).toBe(decision.hash);
        expect(eventTimes.has(decision.time)).toBe(true);
        if (decision.content.intent) expect(decision.content.intent.deadline).toBe(BigInt(decision.time + 600));
      }
      expect(decisions.map((d) => d.seq)).toEqual(decisions.map((_, i) => i));
    } finally {
      journal.close();
    }
  });

  it('gives the same decisions, hash for hash, on a second replay (backtests are reproducible)', async () => {
    const first = await replayHistory(':memory:');
    const second = await replayHistory(':memory:');
    try {
      const hashes = (j: typeof first.journal) => j.decisions.list().map((d) => `${d.status}:${d.hash}`);
      expect(hashes(second.journal)).toEqual(hashes(first.journal));
    } finally {
      first.journal.close();
      second.journal.close();
    }
  });

  it('never shows a strategy a round before its turn (lookahead guard on real data)', async () => {
    let index = 0;
    let violations = 0;
    const guard: KernelStrategy = {
      id: 'lookahead-guard',
      onMarket(snapshot: MarketSnapshot) {
        const expected: MarketEvent = events[index]!;
        const latest = snapshot.oracles.get(feed);
        if (snapshot.last !== expected || latest !== expected) violations += 1;
        index += 1;
        return undefined;
      },
    };
    const { journal } = await replayHistory(':memory:', [guard]);
    journal.close();
    expect(index).toBe(events.length);
    expect(violations).toBe(0);
  });
});
