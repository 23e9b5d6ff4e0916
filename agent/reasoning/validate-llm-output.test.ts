import { describe, expect, it } from 'vitest';
import { MarketState } from '../market/market-state.js';
import { toAddress, type Address } from '../model/address.js';
import type { OracleUpdate } from '../model/market-event.js';
import type { ReasonerMarket } from './reasoner-market.js';
import { validateLlmOutput } from './validate-llm-output.js';

const ethUsd = toAddress('0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419');
const usdcUsd = toAddress('0x8fFfFfd4AfB6115b954Bd326cbe7B4BA576818f6');
const weth = toAddress('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2');
const usdc = toAddress('0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48');

const market: ReasonerMarket = {
  oracle: ethUsd,
  quoteOracle: usdcUsd,
  poolFee: 500,
  base: { address: weth, decimals: 18, symbol: 'WETH' },
  quote: { address: usdc, decimals: 6, symbol: 'USDC' },
};
const policy = { maxTradeUsd: '1000', maxSlippageBps: 100 };

function round(feed: Address, answer: bigint, decimals = 8): OracleUpdate {
  return { kind: 'oracle', feed, roundId: 1n, answer, decimals, updatedAt: 1n, time: 1 };
}

function snapshot(...rounds: OracleUpdate[]) {
  const state = new MarketState();
  for (const r of rounds) state.apply(r);
  return state;
}

const prices = snapshot(round(ethUsd, 2_000n * 10n ** 8n), round(usdcUsd, 99_000_000n)); // ETH 2000 USD, USDC 0.99 USD
const balances = new Map<Address, bigint>([
  [weth, 2n * 10n ** 18n],
  [usdc, 5_000n * 10n ** 6n],
]);
const validate = (raw: string, snap = prices) => validateLlmOutput({ rawOutput: raw, market, policy, snapshot: snap, balances });
const sell = (amountIn: string, extra: object = {}) =>
  JSON.stringify({ action: 'trade', tokenIn: weth.toLowerCase(), tokenOut: usdc.toUpperCase().replace('0X', '0x'), fee: 500, amountIn, maxSlippageBps: 100, rationale: 'take profit', confidence: 0.7, ...extra });

describe('validateLlmOutput', () => {
  it('accepts any address casing, returns checksummed addresses and prices minAmountOut with both feeds', () => {
    const result = validate(sell((4n * 10n ** 17n).toString())); // 0.4 WETH = 800 USD
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    // 0.4 × 2000 / 0.99 = 808.080808 USDC (808080808 units, rounded down), less 1 %, rounded down again.
    expect(result.proposal).toEqual({
      action: 'trade', tokenIn: weth, tokenOut: usdc, fee: 500, amountIn: 4n * 10n ** 17n, minAmountOut: 799_999_999n, maxSlippageBps: 100, rationale: 'take profit',
    });
  });

  it('prices the cap at the oracle: 0.5 WETH = 1000 USD passes, one wei more does not', () => {
    expect(validate(sell((5n * 10n ** 17n).toString())).ok).toBe(true);
    const over = validate(sell((5n * 10n ** 17n + 10n ** 12n).toString()));
    expect(over.ok ? undefined : over.error.reason).toBe('LlmTradeValueExceedsCap');
  });

  it('accepts a hold with the trade fields set to null, and JSON inside a Markdown fence', () => {
    const held = validate('```json\n{"action":"hold","tokenIn":null,"tokenOut":null,"fee":null,"amountIn":null,"maxSlippageBps":null,"rationale":"wait","confidence":0.5}\n```');
    expect(held).toMatchObject({ ok: true, proposal: { action: 'hold', rationale: 'wait' } });
  });

  it('refuses what cannot be traded, with the reason', () => {
    const reasonOf = (raw: string, snap = prices) => {
      const result = validate(raw, snap);
      return result.ok ? 'ok' : result.error.reason;
    };
    expect(reasonOf('')).toBe('LlmMalformedOutput');
    expect(reasonOf('{"action":"hold"}')).toBe('LlmSchemaViolation');
    expect(reasonOf(sell('1', { confidence: 2 }))).toBe('LlmSchemaViolation');
    expect(reasonOf(sell('1', { tokenOut: weth }))).toBe('LlmTokenNotAllowed');
    expect(reasonOf(sell('1', { tokenIn: 'WETH' }))).toBe('LlmTokenNotAllowed');
    expect(reasonOf(sell('1', { fee: 3000 }))).toBe('LlmPoolNotAllowed');
    expect(reasonOf(sell(' 1'))).toBe('LlmInvalidAmount');
    expect(reasonOf(sell('0x10'))).toBe('LlmInvalidAmount');
    expect(reasonOf(sell((2n ** 256n).toString()))).toBe('LlmInvalidAmount');
    expect(reasonOf(sell((3n * 10n ** 18n).toString()))).toBe('LlmInsufficientBalance');
    expect(reasonOf(sell('1', { maxSlippageBps: -1 }))).toBe('LlmSlippageTooHigh');
    expect(reasonOf(sell('1'), snapshot(round(ethUsd, 2_000n * 10n ** 8n)))).toBe('LlmNoOraclePrice');
  });

  it('keeps the raw output on the error', () => {
    const result = validate('{"action": nope}');
    expect(result.ok ? undefined : result.error.rawOutput).toBe('{"action": nope}');
  });
});
