import { describe, expect, it } from 'vitest';
import { configSchema } from '../agent/config/config-schema.js';
import { MarketState } from '../agent/market/market-state.js';
import type { TradeIntent } from '../agent/model/decision.js';
import { backtestMarket } from './backtest-market.js';
import { createBacktestPolicyGate } from './backtest-policy-gate.js';

const risk = configSchema.parse({}).risk;
const market = { oracle: backtestMarket.oracle, pool: backtestMarket.pool, base: backtestMarket.base, quote: backtestMarket.quote };
const now = 1_704_067_200;

function setup() {
  const state = new MarketState();
  state.apply({ kind: 'oracle', feed: market.oracle!, roundId: 1n, answer: 200_000_000_000n, decimals: 8, updatedAt: BigInt(now - 60), time: now - 60 });
  const gate = createBacktestPolicyGate({ market, fees: [500], risk, poolPriced: false, snapshot: () => state });
  const intent = (id: number, usdc: bigint, deadline = now + 120): TradeIntent => ({
    decisionId: `0x${id.toString(16).padStart(64, '0')}`,
    strategyId: `0x${'00'.repeat(32)}`,
    reasoningHash: `0x${'00'.repeat(32)}`,
    tokenIn: market.quote.address,
    tokenOut: market.base.address,
    fee: 500,
    amountIn: usdc * 10n ** 6n,
    minAmountOut: 0n,
    deadline: BigInt(deadline),
  });
  return { gate, intent };
}

describe('backtest policy gate (agent/policy with the feeds the data lacks)', () => {
  it('allows a trade within the policy and prices the vault floor from the replayed oracle and USDC at 1.00', () => {
    const { gate, intent } = setup();
    expect(gate.check(intent(1, 1000n), { time: now })).toEqual({ allowed: true });
    const evaluation = gate.evaluate!(intent(1, 1000n), { time: now });
    expect(evaluation.ok && evaluation.valueUsd).toBe(1000n * 10n ** 18n);
    // 1000 USDC at 2000 USD/ETH = 0.5 WETH, less the vault's 1 % slippage.
    expect(evaluation.ok && evaluation.minAmountOutUsed).toBe((5n * 10n ** 17n * 9900n) / 10_000n);
  });

  it('denies in the vault order: cap, then cooldown after a fill, a reused decision id only after the deadline check', () => {
    const { gate, intent } = setup();
    expect(gate.check(intent(1, 6000n), { time: now })).toMatchObject({ allowed: false, reason: 'TradeValueExceedsCap' });
    gate.recordExecuted!(intent(2, 1000n), { time: now });
    expect(gate.check(intent(3, 1000n), { time: now + 10 })).toMatchObject({ allowed: false, reason: 'CooldownActive' });
    expect(gate.check(intent(2, 1000n, now + 1000), { time: now + 400 })).toMatchObject({ allowed: false, reason: 'DecisionAlreadyExecuted' });
    expect(gate.check(intent(2, 1000n, now), { time: now + 400 })).toMatchObject({ allowed: false, reason: 'DeadlineExpired' });
    expect(gate.check(intent(4, 1000n, now + 10_000), { time: now + 5000 })).toMatchObject({ allowed: false, reason: 'OracleStale' });
  });
});
