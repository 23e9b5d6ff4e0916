import { keccak256, stringToHex } from 'viem';
import type { DecisionContent, Fill, TradeIntent } from '../../agent/model/decision.js';
import { toAddress, type Hex } from '../../agent/model/address.js';
import { decisionIdFor, reasoningHash, strategyIdFor } from '../../agent/model/decision-hash.js';

/**
 * Realistic decision contents for the journal's tests (not used at runtime).
 *
 * @example
 * const content = holdDecision('run-1', 0);
 */
export const usdc = toAddress('0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48');
export const weth = toAddress('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2');
export const vault = toAddress('0x5FbDB2315678afecb367f032d93F642f64180aa3');

function reasoning(output: string) {
  const inputsDigest = keccak256(stringToHex(`inputs:${output}`));
  return {
    record: {
      reasoner: 'rules' as const,
      model: 'rules',
      promptVersion: 'rules-v1',
      inputsDigest,
      rawOutput: output,
      tokens: { prompt: 120, completion: 30 },
      latencyMs: 0.4,
    },
    hash: reasoningHash({ model: 'rules', promptVersion: 'rules-v1', inputsDigest, output }),
  };
}

/** A hold decision (no intent). */
export function holdDecision(runId: string, seq: number, time = 1_700_000_000 + seq * 60): DecisionContent {
  const { record, hash } = reasoning('{"action":"hold"}');
  return {
    id: decisionIdFor(runId, seq),
    runId,
    seq,
    time,
    strategyId: 'trend',
    signal: { strategyId: 'trend', side: 'buy', strength: 0.25, reason: 'weak cross', time },
    proposal: { action: 'hold', rationale: 'signal too weak' },
    reasoning: record,
    reasoningHash: hash,
    verdict: { allowed: true },
    intent: undefined,
  };
}

/** A trade the risk gate allowed: 1,000 USDC for WETH through the 0.05% pool. */
export function tradeDecision(runId: string, seq: number, time = 1_700_000_000 + seq * 60): DecisionContent {
  const { record, hash } = reasoning('{"action":"trade","amountIn":"1000000000"}');
  const intent: TradeIntent = {
    decisionId: decisionIdFor(runId, seq),
    strategyId: strategyIdFor('trend'),
    reasoningHash: hash,
    tokenIn: usdc,
    tokenOut: weth,
    fee: 500,
    amountIn: 1_000_000_000n,
    minAmountOut: 490_000_000_000_000_000n,
    deadline: BigInt(time + 300),
  };
  return {
    ...holdDecision(runId, seq, time),
    proposal: {
      action: 'trade',
      tokenIn: usdc,
      tokenOut: weth,
      fee: 500,
      amountIn: intent.amountIn,
      minAmountOut: intent.minAmountOut,
      maxSlippageBps: 50,
      rationale: 'fast MA crossed above slow',
    },
    reasoning: record,
    reasoningHash: hash,
    intent,
  };
}

/** A trade the risk gate denied with the vault's error and its arguments. */
export function deniedDecision(runId: string, seq: number): DecisionContent {
  const trade = tradeDecision(runId, seq);
  return { ...trade, verdict: { allowed: false, reason: 'TradeValueExceedsCap', args: [5_000n * 10n ** 18n, 1_000n * 10n ** 18n] } };
}

/** The fill of tradeDecision. */
export function fillFor(seq: number): Fill {
  return {
    txHash: keccak256(stringToHex(`tx-${seq}`)),
    block: 100n + BigInt(seq),
    amountIn: 1_000_000_000n,
    amountOut: 495_000_000_000_000_000n,
    minAmountOutUsed: 490_000_000_000_000_000n,
    valueUsd: 1_000n * 10n ** 18n,
    gasUsed: 150_000n,
    effectiveGasPrice: 1_000_000_000n,
  };
}

export const txHashFor = (label: string): Hex => keccak256(stringToHex(label));
