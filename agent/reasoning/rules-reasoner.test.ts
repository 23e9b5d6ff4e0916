import { keccak256, toBytes } from 'viem';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../model/canonical-json.js';
import { MarketState } from '../market/market-state.js';
import type { Signal, TradeProposal } from '../model/decision.js';
import { toAddress, type Address } from '../model/address.js';
import type { OracleUpdate } from '../model/market-event.js';
import { createRulesReasoner, RulesReasonerConfigError, InvalidSignalError, type RulesMarket } from './rules-reasoner.js';

const ethUsd = toAddress('0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419');
const usdcUsd = toAddress('0x8fFfFfd4AfB6115b954Bd326cbe7B4BA576818f6');
const weth = toAddress('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2');
const usdc = toAddress('0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48');

const market: RulesMarket = {
  oracle: ethUsd,
  poolFee: 500,
  base: { address: weth, decimals: 18, symbol: 'WETH' },
  quote: { address: usdc, decimals: 6, symbol: 'USDC' },
};

function round(feed: Address, answer: bigint, decimals = 8, time = 1_700_000_000): OracleUpdate {
  // Sources emit lower-case addresses; the reasoner is configured with checksummed ones.
  return { kind: 'oracle', feed, roundId: 1n, answer, decimals, updatedAt: BigInt(time), time };
}

function snapshot(...rounds: OracleUpdate[]) {
  const state = new MarketState();
  for (const r of rounds) state.apply(r);
  return state;
}

function signal(overrides: Partial<Signal> = {}): Signal {
  return { strategyId: 'test', side: 'buy', strength: 1, reason: 'test signal', time: 1_700_000_000, ...overrides };
}

const balances = (wethAmount: bigint, usdcAmount: bigint) =>
  new Map<Address, bigint>([
    [weth, wethAmount],
    [usdc, usdcAmount],
  ]);

describe('createRulesReasoner', () => {
  const reasoner = createRulesReasoner({ market, maxTradeQuote: '1000', maxSlippageBps: 50 });

  it('buys strength × max size of the base token, with minAmountOut from the oracle less slippage', async () => {
    const { proposal } = await reasoner.propose({
      signal: signal({ side: 'buy', strength: 0.5 }),
      market: snapshot(round(ethUsd, 2000_00000000n)),
      balances: balances(0n, 10_000_000000n),
    });
    // 500 USDC at 2000 USD/ETH = 0.25 WETH; less 0.5 % = 0.24875 WETH.
    expect(proposal).toEqual({
      action: 'trade',
      tokenIn: usdc,
      tokenOut: weth,
      fee: 500,
      amountIn: 500_000000n,
      minAmountOut: 248_750_000_000_000_000n,
      maxSlippageBps: 50,
      rationale: expect.stringContaining('buy WETH with 500 USDC at oracle 2000'),
    });
  });

  it('sells sizeQuote worth of the base token, capped by the vault balance', async () => {
    const sell = createRulesReasoner({ market, maxTradeQuote: '5000', maxSlippageBps: 100 });
    const { proposal } = await sell.propose({
      signal: signal({ side: 'sell', sizeQuote: '1000' }),
      market: snapshot(round(ethUsd, 2500_00000000n)),
      balances: balances(300_000_000_000_000_000n, 0n),
    });
    // 1000 USD = 0.4 WETH but the vault holds 0.3: sell 0.3 WETH for 750 USDC, at least 742.5 after 1 %.
    expect(proposal).toMatchObject({ action: 'trade', tokenIn: weth, tokenOut: usdc, amountIn: 300_000_000_000_000_000n, minAmountOut: 742_500000n });
  });

  it('never trades more than maxTradeQuote, whatever sizeQuote asks', async () => {
    const { proposal } = await reasoner.propose({
      signal: signal({ sizeQuote: '250000.5' }),
      market: snapshot(round(ethUsd, 2000_00000000n)),
      balances: balances(0n, 1_000_000_000000n),
    });
    expect((proposal as TradeProposal).amountIn).toBe(1000_000000n);
  });

  it('scales by strength exactly, without floats reaching the amount', async () => {
    const { proposal } = await reasoner.propose({
      signal: signal({ strength: 0.333333 }),
      market: snapshot(round(ethUsd, 2000_00000000n)),
      balances: balances(0n, 1_000_000_000000n),
    });
    expect((proposal as TradeProposal).amountIn).toBe(333_333000n);
  });

  it('spends at most what the vault holds of the quote token', async () => {
    const { proposal } = await reasoner.propose({
      signal: signal({ strength: 1 }),
      market: snapshot(round(ethUsd, 2000_00000000n)),
      balances: balances(0n, 120_000000n),
    });
    expect(proposal).toMatchObject({ amountIn: 120_000000n, minAmountOut: 59_700_000_000_000_000n });
  });

  it('holds with a rationale when there is nothing to sell, nothing to spend, or no price yet', async () => {
    const withPrice = snapshot(round(ethUsd, 2000_00000000n));
    const nothingToSell = await reasoner.propose({ signal: signal({ side: 'sell' }), market: withPrice, balances: balances(0n, 5_000000n) });
    expect(nothingToSell.proposal).toEqual({ action: 'hold', rationale: expect.stringContaining('nothing to sell: the vault holds no WETH') });
    const nothingToSpend = await reasoner.propose({ signal: signal({ side: 'buy' }), market: withPrice, balances: new Map() });
    expect(nothingToSpend.proposal).toEqual({ action: 'hold', rationale: expect.stringContaining('nothing to spend') });
    const noPrice = await reasoner.propose({ signal: signal(), market: new MarketState(), balances: balances(1n, 1n) });
    expect(noPrice.proposal).toEqual({ action: 'hold', rationale: expect.stringContaining(`no price yet from oracle ${ethUsd}`) });
    const zero = await reasoner.propose({ signal: signal({ strength: 0 }), market: withPrice, balances: balances(1n, 1n) });
    expect(zero.proposal.action).toBe('hold');
  });

  it('takes decimals from the configured market (WBTC 8 / DAI 18), never assuming 18 or 6', async () => {
    const wbtc = toAddress('0x2260FAC5E5542a773Aa44fBCfeDf7C193bc2C599');
    const dai = toAddress('0x6B175474E89094C44Da98b954EedeAC495271d0F');
    const btcUsd = toAddress('0xF4030086522a5bEEa4988F8cA5B36dbC97BeE88c');
    const btc = createRulesReasoner({
      market: { oracle: btcUsd, poolFee: 3000, base: { address: wbtc, decimals: 8 }, quote: { address: dai, decimals: 18 } },
      maxTradeQuote: '1000',
      maxSlippageBps: 0,
    });
    const { proposal } = await btc.propose({
      signal: signal(),
      market: snapshot(round(btcUsd, 40_000_00000000n)),
      balances: new Map([[dai, 10n ** 22n]]),
    });
    // 1000 DAI at 40,000 = 0.025 WBTC = 2,500,000 satoshi.
    expect(proposal).toMatchObject({ tokenIn: dai, tokenOut: wbtc, fee: 3000, amountIn: 10n ** 21n, minAmountOut: 2_500_000n });
  });

  it('prices the quote token through its own oracle when one is configured', async () => {
    const depegged = createRulesReasoner({ market: { ...market, quoteOracle: usdcUsd }, maxTradeQuote: '1000', maxSlippageBps: 0 });
    const { proposal } = await depegged.propose({
      signal: signal(),
      // USDC at 0.5 USD: 1000 USDC = 500 USD = 0.25 WETH at 2000 USD.
      market: snapshot(round(ethUsd, 2000_00000000n), round(usdcUsd, 50_000000n)),
      balances: balances(0n, 10_000_000000n),
    });
    expect(proposal).toMatchObject({ amountIn: 1000_000000n, minAmountOut: 250_000_000_000_000_000n });
    const missing = await depegged.propose({ signal: signal(), market: snapshot(round(ethUsd, 2000_00000000n)), balances: balances(0n, 1n) });
    expect(missing.proposal).toEqual({ action: 'hold', rationale: expect.stringContaining('no price yet from quote oracle') });
  });

  it('records rules-v1 reasoning: a digest of exactly its inputs and the canonical proposal', async () => {
    const input = { signal: signal({ strength: 0.5 }), market: snapshot(round(ethUsd, 2000_00000000n)), balances: balances(0n, 10_000_000000n) };
    const first = await reasoner.propose(input);
    const again = await reasoner.propose(input);
    expect(first.reasoning).toMatchObject({ reasoner: 'rules', model: 'rules-v1', promptVersion: 'rules-v1' });
    expect(first.reasoning.rawOutput).toBe(canonicalJson(first.proposal));
    expect(again.reasoning).toEqual(first.reasoning);
    expect(first.reasoning.inputsDigest).toMatch(/^0x[0-9a-f]{64}$/);
    const richer = await reasoner.propose({ ...input, balances: balances(0n, 20_000_000000n) });
    expect(richer.reasoning.inputsDigest).not.toBe(first.reasoning.inputsDigest);
    expect(richer.proposal).toEqual(first.proposal);
    expect(first.reasoning.inputsDigest).not.toBe(keccak256(toBytes(canonicalJson(first.proposal))));
  });

  it('digests exactly keccak256(canonicalJson({signal, oracle, quoteOracle, balances, config})), as it always has', async () => {
    const input = { signal: signal({ strength: 0.5 }), market: snapshot(round(ethUsd, 2000_00000000n)), balances: balances(0n, 10_000_000000n) };
    const byHand = canonicalJson({
      signal: input.signal,
      oracle: { feed: ethUsd, roundId: 1n, answer: 2000_00000000n, decimals: 8, updatedAt: 1_700_000_000n },
      quoteOracle: null,
      balances: { base: 0n, quote: 10_000_000000n },
      config: { market: { oracle: ethUsd, poolFee: 500, base: market.base, quote: market.quote }, maxTradeQuote: '1000', maxSlippageBps: 50, promptVersion: 'rules-v1' },
    });
    expect((await reasoner.propose(input)).reasoning.inputsDigest).toBe(keccak256(toBytes(byHand)));
    // Pinned (the value the reasoner gave before its digest was optimised, for a round whose feed is the
    // normalised address sources now emit): it must never change.
    expect(keccak256(toBytes(byHand))).toBe('0xa7766dc94235152862bd0917846eb5cf57c0c27ad48bc0619713fb75db5b8af0');
  });

  it('rejects unusable options and signals with errors that name the value', async () => {
    expect(() => createRulesReasoner({ market, maxTradeQuote: '1000', maxSlippageBps: 20_000 })).toThrow(RulesReasonerConfigError);
    expect(() => createRulesReasoner({ market, maxTradeQuote: '1e3', maxSlippageBps: 10 })).toThrow(/maxTradeQuote[\s\S]*"1e3"/);
    expect(() =>
      createRulesReasoner({ market: { ...market, quote: { address: usdc, decimals: Number.NaN } }, maxTradeQuote: '1', maxSlippageBps: 1 }),
    ).toThrow(/market\.quote\.decimals/);
    await expect(
      reasoner.propose({ signal: signal({ strength: 1.5 }), market: new MarketState(), balances: new Map() }),
    ).rejects.toThrow(InvalidSignalError);
    await expect(
      reasoner.propose({ signal: signal({ sizeQuote: '-5' }), market: new MarketState(), balances: new Map() }),
    ).rejects.toThrow(/sizeQuote[\s\S]*"-5"/);
  });
});
