import { describe, expect, it } from 'vitest';
import type { TradeIntent } from '../model/decision.js';
import { toAddress, type Hex } from '../model/address.js';
import { applyPolicy, applyTrade, backtestAgent, createPolicyState } from './create-policy-state.js';
import { type EvaluateTradeContext, evaluateTrade } from './evaluate-trade.js';
import { InvalidPolicyError, PolicyViolationError } from './policy-errors.js';
import { verdictOf } from './verdict-of.js';

// The vault's own behaviour is proven case by case in test/policy-differential.test.ts; these pin the
// boundaries the IMandateVault.sol comment spells out, readable at a glance.

const USD = 10n ** 18n;
const usdc = toAddress('0x00000000000000000000000000000000000000c1');
const weth = toAddress('0x00000000000000000000000000000000000000e1');
const usdcFeed = toAddress('0x00000000000000000000000000000000000000f1');
const ethFeed = toAddress('0x00000000000000000000000000000000000000f2');
const T0 = 1_700_000_000n;

const state = createPolicyState({
  policy: {
    perTradeCapUsd: 1000n * USD,
    allowanceCapUsd: 2500n * USD,
    refillAmountUsd: 500n * USD,
    refillInterval: 3600,
    maxSlippageBps: 100,
    cooldown: 60,
    maxOracleAge: 3600,
    timelockDelay: 86_400,
  },
  tokens: [
    { address: usdc, feed: usdcFeed, decimals: 6 },
    { address: weth, feed: ethFeed, decimals: 18 },
  ],
  pools: [{ tokenA: weth, tokenB: usdc, fee: 500 }],
  deployedAt: T0,
});

const context = (now: bigint, overrides: Partial<EvaluateTradeContext> = {}): EvaluateTradeContext => ({
  now,
  caller: backtestAgent,
  oracleRounds: new Map([
    [usdcFeed, { answer: 100_000_000n, updatedAt: now }],
    [ethFeed, { answer: 2000_00000000n, updatedAt: now }],
  ]),
  feedDecimals: new Map([
    [usdcFeed, 8],
    [ethFeed, 8],
  ]),
  ...overrides,
});

let ids = 0;
const intent = (amountIn: bigint, overrides: Partial<TradeIntent> = {}): TradeIntent => ({
  decisionId: `0x${(++ids).toString(16).padStart(64, '0')}` as Hex,
  strategyId: `0x${'0'.repeat(64)}`,
  reasoningHash: `0x${'0'.repeat(64)}`,
  tokenIn: usdc,
  tokenOut: weth,
  fee: 500,
  amountIn,
  minAmountOut: 0n,
  deadline: T0 + 10_000n,
  ...overrides,
});

describe('evaluateTrade', () => {
  it('prices with floors and applies the slippage floor to minAmountOut', () => {
    const verdict = evaluateTrade(state, intent(1000n * 10n ** 6n), context(T0));
    // 1000 USDC at 1 USD = 1000 USD = 0.5 WETH at 2000; floor 1 % lower.
    expect(verdict).toMatchObject({ ok: true, valueUsd: 1000n * USD, oracleOut: 5n * 10n ** 17n, oracleFloor: 495n * 10n ** 15n, minAmountOutUsed: 495n * 10n ** 15n });
    expect(evaluateTrade(state, intent(1n, { minAmountOut: 10n ** 30n }), context(T0))).toMatchObject({ ok: true, minAmountOutUsed: 10n ** 30n });
  });

  it('allows exactly the cap and denies a unit above it, with the value and the cap', () => {
    expect(evaluateTrade(state, intent(1000n * 10n ** 6n), context(T0)).ok).toBe(true);
    expect(evaluateTrade(state, intent(1000n * 10n ** 6n + 1n), context(T0))).toEqual({
      ok: false,
      error: 'TradeValueExceedsCap',
      args: [1000n * USD + 10n ** 12n, 1000n * USD],
    });
  });

  it('follows the step refill and the cooldown after trades', () => {
    let s = state;
    for (let i = 0n; i < 2n; i++) s = applyTrade(s, intent(1000n * 10n ** 6n), context(T0 + i * 60n)).state;
    // 2500 - 2000 = 500 left; a refill step is a whole hour from the anchor (deploy time).
    expect(evaluateTrade(s, intent(600n * 10n ** 6n), context(T0 + 3599n))).toMatchObject({ error: 'TradeValueExceedsAllowance', args: [600n * USD, 500n * USD] });
    expect(evaluateTrade(s, intent(600n * 10n ** 6n), context(T0 + 3600n)).ok).toBe(true);
    // The cooldown counts from the last trade (T0 + 60): a trade AT readyAt passes.
    expect(evaluateTrade(s, intent(1n), context(T0 + 119n))).toEqual({ ok: false, error: 'CooldownActive', args: [T0 + 60n, T0 + 120n] });
    expect(evaluateTrade(s, intent(1n), context(T0 + 120n)).ok).toBe(true);
    // The refill never passes the cap, and a used decision id is refused.
    const used = intent(1n, { deadline: T0 + 10n ** 6n });
    s = applyTrade(s, used, context(T0 + 100_000n)).state;
    expect(evaluateTrade(s, used, context(T0 + 200_000n))).toEqual({ ok: false, error: 'DecisionAlreadyExecuted', args: [used.decisionId] });
    expect(s.allowanceUsd).toBe(2500n * USD - 10n ** 12n);
  });

  it('checks in the vault order: caller, pause, deadline, tokens, pool, amount, oracles', () => {
    const stranger = toAddress('0x0000000000000000000000000000000000000bad');
    const late = context(T0 + 20_000n);
    expect(evaluateTrade({ ...state, paused: true }, intent(0n), context(T0, { caller: stranger }))).toMatchObject({ error: 'NotAgent', args: [stranger] });
    expect(evaluateTrade({ ...state, paused: true }, intent(0n), late)).toMatchObject({ error: 'VaultPaused' });
    expect(evaluateTrade(state, intent(0n, { tokenIn: stranger }), late)).toMatchObject({ error: 'DeadlineExpired', args: [T0 + 10_000n, T0 + 20_000n] });
    expect(evaluateTrade(state, intent(0n, { tokenOut: stranger }), context(T0))).toMatchObject({ error: 'TokenNotAllowed', args: [stranger] });
    expect(evaluateTrade(state, intent(0n, { fee: 3000 }), context(T0))).toMatchObject({ error: 'PoolNotAllowed', args: [usdc, weth, 3000] });
    expect(evaluateTrade(state, intent(0n, { tokenOut: usdc }), context(T0))).toMatchObject({ error: 'PoolNotAllowed' });
    expect(evaluateTrade(state, intent(0n), context(T0))).toMatchObject({ error: 'ZeroAmountIn', args: [] });
    const stale = context(T0 + 3601n, { oracleRounds: new Map([[usdcFeed, { answer: 1n, updatedAt: T0 }], [ethFeed, { answer: -1n, updatedAt: T0 }]]) });
    expect(evaluateTrade(state, intent(1n), stale)).toMatchObject({ error: 'OracleStale', args: [usdcFeed, T0, 3600, T0 + 3601n] });
    const wethFirst = intent(1n, { tokenIn: weth, tokenOut: usdc });
    expect(evaluateTrade(state, wethFirst, stale)).toMatchObject({ error: 'OracleAnswerInvalid', args: [ethFeed, -1n] });
  });

  it('reports a feed it was given no round for, and a time before the allowance anchor, as values', () => {
    expect(evaluateTrade(state, intent(1n), context(T0, { oracleRounds: new Map() }))).toMatchObject({ error: 'OracleUnreadable', args: [usdcFeed] });
    expect(evaluateTrade(state, intent(1n), context(T0 - 1n))).toMatchObject({ error: 'Panic', args: [0x11n] });
  });

  it('turns into a kernel verdict or an error', () => {
    const denied = evaluateTrade(state, intent(0n), context(T0));
    expect(verdictOf(denied)).toEqual({ allowed: false, reason: 'ZeroAmountIn', args: [] });
    expect(() => applyTrade(state, intent(0n), context(T0))).toThrow(PolicyViolationError);
  });

  it('settles the refill before a policy change and clamps to the new cap', () => {
    const spent = applyTrade(state, intent(1000n * 10n ** 6n), context(T0 + 10n)).state;
    const tighter = applyPolicy(spent, { ...spent.policy, allowanceCapUsd: 1200n * USD }, T0 + 7300n);
    // 1500 + two steps of 500 = 2500, clamped to 1200; the anchor moves two whole steps.
    expect([tighter.allowanceUsd, tighter.allowanceUpdatedAt]).toEqual([1200n * USD, T0 + 7200n]);
    expect(() => applyPolicy(state, { ...state.policy, refillInterval: 0 }, T0)).toThrow(InvalidPolicyError);
  });
});
