import { describe, expect, it } from 'vitest';
import type { Address } from '../model/address.js';
import type { Signal, TradeProposal } from '../model/decision.js';
import { signalProblem, tradeProposalProblem } from './validate-signal.js';

const signal: Signal = { strategyId: 's', side: 'buy', strength: 0.5, reason: 'r', time: 1 };
const weth = '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2' as Address;
const usdc = '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48' as Address;
const proposal: TradeProposal = { action: 'trade', tokenIn: usdc, tokenOut: weth, fee: 500, amountIn: 1n, minAmountOut: 0n, maxSlippageBps: 50, rationale: 'r' };

describe('signalProblem', () => {
  it('accepts a well-formed signal and names what is wrong with a bad one', () => {
    expect(signalProblem(signal)).toBeUndefined();
    expect(signalProblem({ ...signal, side: 'hodl' as 'buy' })).toBe('side "hodl" (accepted: "buy", "sell")');
    expect(signalProblem({ ...signal, strength: 1.5 })).toMatch(/^strength 1.5/);
    expect(signalProblem({ ...signal, strength: Number.NaN })).toMatch(/^strength NaN/);
    expect(signalProblem({ ...signal, time: Number.POSITIVE_INFINITY })).toMatch(/^time Infinity/);
    expect(signalProblem({ ...signal, sizeQuote: '1e3' })).toMatch(/^sizeQuote "1e3"/);
  });
});

describe('tradeProposalProblem', () => {
  it('accepts a well-formed proposal and names what is wrong with a bad one', () => {
    expect(tradeProposalProblem(proposal)).toBeUndefined();
    expect(tradeProposalProblem({ ...proposal, tokenIn: '0x12' as Address })).toBe('tokenIn 0x12 is not an address');
    expect(tradeProposalProblem({ ...proposal, tokenIn: weth.toLowerCase() as Address })).toBe('tokenIn equals tokenOut');
    expect(tradeProposalProblem({ ...proposal, fee: 2 ** 24 })).toMatch(/is not a uint24/);
    expect(tradeProposalProblem({ ...proposal, amountIn: 0n })).toBe('amountIn 0 is not a positive bigint');
    expect(tradeProposalProblem({ ...proposal, minAmountOut: -1n })).toMatch(/not a non-negative bigint/);
    expect(tradeProposalProblem({ ...proposal, amountIn: 2n ** 256n })).toBe('an amount does not fit a uint256');
  });
});
