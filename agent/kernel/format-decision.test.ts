import { describe, expect, it } from 'vitest';
import { decisionIdFor, strategyIdFor } from '../model/decision-hash.js';
import { toAddress, type Hex } from '../model/address.js';
import { formatDecision } from './format-decision.js';
import type { DecisionContent, RecordedDecision } from '../model/decision.js';

const weth = toAddress('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2');
const usdc = toAddress('0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48');
const zero: Hex = `0x${'00'.repeat(32)}`;
const tokens = new Map([
  [weth, { symbol: 'WETH', decimals: 18 }],
  [usdc, { symbol: 'USDC', decimals: 6 }],
]);

const intent = {
  decisionId: decisionIdFor('run', 12),
  strategyId: strategyIdFor('eth-trend'),
  reasoningHash: zero,
  tokenIn: usdc,
  tokenOut: weth,
  fee: 500,
  amountIn: 500_000000n,
  minAmountOut: 0n,
  deadline: 0n,
};

function content(overrides: Partial<DecisionContent>): DecisionContent {
  return {
    id: decisionIdFor('run', 12),
    runId: 'run',
    seq: 12,
    time: 1_680_774_900,
    strategyId: 'eth-trend',
    signal: undefined,
    proposal: { action: 'trade', tokenIn: usdc, tokenOut: weth, fee: 500, amountIn: 500_000000n, minAmountOut: 0n, maxSlippageBps: 30, rationale: 'buy WETH with 500 USDC at oracle 1850' },
    reasoning: { reasoner: 'rules', model: 'rules-v1', promptVersion: 'rules-v1', inputsDigest: zero, rawOutput: '' },
    reasoningHash: zero,
    verdict: { allowed: true },
    intent,
    ...overrides,
  };
}

describe('formatDecision', () => {
  it('shows a trade with amounts in token units, the tx and the rationale', () => {
    const decision: RecordedDecision = {
      content: content({}),
      hash: zero,
      completion: {
        outcome: 'trade',
        fill: { txHash: `0x5c1e${'00'.repeat(28)}9a0b`, block: 1n, amountIn: 500_000000n, amountOut: 268_900_000_000_000_000n, minAmountOutUsed: 0n, valueUsd: 0n, gasUsed: 1n, effectiveGasPrice: 1n },
      },
    };
    expect(formatDecision(decision, { tokens })).toBe(
      '#12 2023-04-06 09:55:00Z eth-trend TRADE 500 USDC → 0.2689 WETH (tx 0x5c1e…9a0b): buy WETH with 500 USDC at oracle 1850',
    );
  });

  it('shows why a denial, hold or failure sent nothing; base units when the token is unknown', () => {
    const denied: RecordedDecision = {
      content: content({ verdict: { allowed: false, reason: 'TradeValueExceedsCap' } }),
      hash: zero,
      completion: { outcome: 'denied', reason: 'TradeValueExceedsCap' },
    };
    expect(formatDecision(denied, { tokens })).toBe('#12 2023-04-06 09:55:00Z eth-trend DENIED 500 USDC → WETH: TradeValueExceedsCap');
    expect(formatDecision(denied)).toBe(`#12 2023-04-06 09:55:00Z eth-trend DENIED 500000000 of ${usdc} → ${weth}: TradeValueExceedsCap`);
    const hold: RecordedDecision = {
      content: content({ proposal: { action: 'hold', rationale: 'nothing to sell' }, intent: undefined }),
      hash: zero,
      completion: { outcome: 'hold' },
    };
    expect(formatDecision(hold)).toBe('#12 2023-04-06 09:55:00Z eth-trend HOLD nothing to sell');
    const failed: RecordedDecision = { content: content({}), hash: zero, completion: { outcome: 'failed', reason: 'reverted: CooldownActive' } };
    expect(formatDecision(failed)).toBe('#12 2023-04-06 09:55:00Z eth-trend FAILED reverted: CooldownActive');
  });
});
