/**
 * Backtest/live parity (issue 5, honesty checks): the same strategy on the same replayed prices makes the
 * same decisions in a backtest and in a live run on the devnet.
 *
 * Live: runDemo, i.e. `mandate demo` — anvil, the devnet and its vault, the market driver replaying the first
 * `days` of data/chainlink/eth-usd.csv with the agent in lockstep — with one strategy: a trend
 * (SMA 3/8) on the ETH/USD oracle, the rules reasoner, the repo config's policy and execution settings.
 * Backtest: runBacktest on the same CSV up to the same last round (what `mandate backtest --strategy trend
 * --data <csv> --to <t>` runs), the same strategy id and params, the same risk and execution settings.
 *
 * Why this setup makes parity exact: the trend reads only its ETH/USD oracle events (the live run's pool
 * swaps and USDC/USD rounds are ignored by the strategy), which are the same CSV rounds in both, validated
 * by the same rules; the rules reasoner prices at that oracle (the devnet's USDC/USD is exactly 1, the
 * backtest has no quote oracle: the same price); and the decision time is the round's time, not a block's.
 *
 * Identical, for every decision: time, strategy, the signal (side, strength and the strategy's reason with
 * its moving averages), the action, the tokens (by symbol: the devnet deploys its own WETH/USDC, the backtest
 * uses mainnet's addresses), the pool fee, the slippage, the verdict and the outcome; for buys also amountIn
 * and minAmountOut to the base unit.
 *
 * What may differ, and why: a sell is sized as `maxTradeSizeUsd` of WETH at the oracle, capped by what the
 * vault holds. The devnet vault starts with WETH and USDC; the backtest starts with all of its capital in USDC
 * and holds only the WETH its own buys filled, so a backtest sell is min(the live amount, its WETH balance):
 * the test checks exactly that, with the balance computed from the backtest's fills. Fills (amountOut, price
 * impact, gas) differ too: the simulated pool is anchored to the oracle, the devnet pool is a real Uniswap v3
 * pool moved by the driver's arbitrage and seeded noise swaps; they are not compared.
 *
 * The policy: in the first test it never binds. A binding cooldown or allowance would deny the live and the
 * backtest runs at the same times, but a denied buy followed by an allowed sell finds no WETH in the backtest
 * (it starts without any), and from then on the two portfolios, not the decision logic, differ. The second
 * test makes the vault's per-trade cap bind on every trade (the agent sizes at 6000 USD, the vault allows
 * 5000): every live decision is denied TradeValueExceedsCap, the backtest's buys are denied identically (same
 * amounts, same reason), and its sells are holds ("nothing to sell": it never traded, so it has no WETH).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import repoConfig from '../agent.config.js';
import { defaultReplayCsvPath, loadReplayRounds } from '../agent/devnet/replay-rounds.js';
import { validateConfig } from '../agent/config/index.js';
import type { RecordedDecision } from '../agent/model/decision.js';
import { runDemo } from '../agent/venues/live/run-demo.js';
import { backtestMarket } from '../backtest/backtest-market.js';
import { runBacktest } from '../backtest/run-backtest.js';
import { type Address } from '../agent/model/address.js';

const days = 6;
const strategy = { id: 'eth-trend', use: 'trend', params: { fastPeriod: 3, slowPeriod: 8 }, poolFee: 500 } as const;

/** What must be the same in both runs, with tokens by symbol. */
function comparable(decision: RecordedDecision, symbol: (address: Address) => string) {
  const { content, completion } = decision;
  const proposal = content.proposal;
  return {
    time: content.time,
    strategyId: content.strategyId,
    signal: content.signal && { side: content.signal.side, strength: content.signal.strength, sizeQuote: content.signal.sizeQuote, reason: content.signal.reason },
    action: proposal.action,
    ...(proposal.action === 'trade'
      ? { tokenIn: symbol(proposal.tokenIn), tokenOut: symbol(proposal.tokenOut), fee: proposal.fee, maxSlippageBps: proposal.maxSlippageBps }
      : {}),
    verdict: content.verdict.allowed ? 'allowed' : content.verdict.reason,
    outcome: completion.outcome,
  };
}

/** Runs the live demo and the backtest with the given risk/execution settings; returns both decision lists. */
async function runBoth(settings: { risk: any; execution: any }, days: number) {
  const dir = mkdtempSync(join(tmpdir(), 'mandate-parity-'));
  const raw = repoConfig as any;
  const config = validateConfig({ ...raw, ...settings, strategies: [strategy] }, { mode: 'devnet' });

  const live: RecordedDecision[] = [];
  const liveSymbols = new Map<Address, string>();
  const demo = await runDemo({
    config,
    days,
    reasoner: { reasoner: 'rules' },
    journalPath: join(dir, 'live.sqlite'),
    log: pino({ level: 'silent' }),
    onDecision: (decision, agent) => {
      live.push(decision);
      for (const [address, token] of agent.tokens) if (token.symbol !== undefined) liveSymbols.set(address, token.symbol);
    },
  });
  expect(demo).toMatchObject({ mismatched: 0, uncommitted: 0, agent: { status: 'completed', strategyErrors: 0 } });
  expect(demo.verified).toBe(demo.decisions);

  // The rounds the driver replayed: the valid rounds of the CSV up to the first round's time + days.
  const { rounds } = await loadReplayRounds(defaultReplayCsvPath);
  const until = Number(rounds[0]!.updatedAt) + days * 86_400;
  const replayedTimes = new Set(rounds.filter((r) => Number(r.updatedAt) <= until).map((r) => Number(r.updatedAt)));

  const backtest: RecordedDecision[] = [];
  const result = await runBacktest({
    strategy: strategy.use,
    params: strategy.params,
    strategyId: strategy.id,
    data: defaultReplayCsvPath,
    to: until,
    settings: { risk: settings.risk, execution: settings.execution, backtest: raw.backtest },
    journalPath: join(dir, 'backtest.sqlite'),
    onDecision: (decision) => backtest.push(decision),
  });
  // The backtest saw exactly the replayed rounds (the same all-zero round rejected by both).
  expect(result.summary.events).toBe(replayedTimes.size);
  expect(result.source.stats.rejectedByReason).toEqual(demo.rejectedByReason);
  for (const decision of live) expect(replayedTimes.has(decision.content.time)).toBe(true);

  const liveSymbol = (address: Address) => liveSymbols.get(address) ?? address;
  const backtestSymbol = (address: Address) =>
    address === backtestMarket.base.address ? backtestMarket.base.symbol! : address === backtestMarket.quote.address ? backtestMarket.quote.symbol! : address;
  return { live, backtest, liveSymbol, backtestSymbol };
}

describe('backtest/live parity', () => {
  it('a trend on the replayed ETH/USD rounds decides the same in a backtest and on the devnet', async () => {
    const raw = repoConfig as any;
    const { live, backtest, liveSymbol, backtestSymbol } = await runBoth({ risk: raw.risk, execution: raw.execution }, days);

    // Enough decisions, of both sides, for the comparison to mean something.
    expect(live.length).toBeGreaterThanOrEqual(10);
    expect(new Set(live.map((d) => d.content.signal?.side))).toEqual(new Set(['buy', 'sell']));
    expect(live.every((d) => d.completion.outcome === 'trade')).toBe(true);
    expect(backtest.map((d) => comparable(d, backtestSymbol))).toEqual(live.map((d) => comparable(d, liveSymbol)));
    // Amounts: buys identical to the base unit; sells the live amount capped by the backtest's WETH.
    let backtestWeth = 0n;
    for (const [index, liveDecision] of live.entries()) {
      const backtestDecision = backtest[index]!;
      const liveProposal = liveDecision.content.proposal;
      const backtestProposal = backtestDecision.content.proposal;
      if (liveProposal.action !== 'trade' || backtestProposal.action !== 'trade') continue;
      const buy = liveSymbol(liveProposal.tokenIn) === 'USDC';
      if (buy) {
        expect({ index, amountIn: backtestProposal.amountIn, minAmountOut: backtestProposal.minAmountOut }).toEqual({
          index,
          amountIn: liveProposal.amountIn,
          minAmountOut: liveProposal.minAmountOut,
        });
      } else {
        const capped = liveProposal.amountIn < backtestWeth ? liveProposal.amountIn : backtestWeth;
        expect({ index, amountIn: backtestProposal.amountIn }).toEqual({ index, amountIn: capped });
        if (capped === liveProposal.amountIn) expect(backtestProposal.minAmountOut).toBe(liveProposal.minAmountOut);
        else expect(backtestProposal.minAmountOut).toBeLessThan(liveProposal.minAmountOut);
      }
      const completion = backtestDecision.completion;
      if (completion.outcome === 'trade') backtestWeth += buy ? completion.fill.amountOut : -completion.fill.amountIn;
    }
  }, 300_000);

  it('a policy that binds denies the same decisions for the same reason in both', async () => {
    // The agent sizes trades at 6000 USD, above the vault's 5000 USD cap: the in-flight gate live and the
    // backtest's gate must both refuse every buy with the vault's own error. Nothing trades in either run, so
    // the backtest never holds WETH: its sell signals become holds ("nothing to sell") where the live vault's
    // WETH sells are refused by the same cap; every signal, and every buy whole, must still be the same.
    const raw = repoConfig as any;
    const { live, backtest, liveSymbol, backtestSymbol } = await runBoth({ risk: raw.risk, execution: { ...raw.execution, maxTradeSizeUsd: '6000' } }, 3);
    expect(live.length).toBeGreaterThanOrEqual(4);
    expect(live.map((d) => d.content.verdict)).toEqual(live.map(() => expect.objectContaining({ allowed: false, reason: 'TradeValueExceedsCap' })));
    expect(live.every((d) => d.completion.outcome === 'denied')).toBe(true);
    expect(backtest).toHaveLength(live.length);
    const signalOf = (d: RecordedDecision) => ({ time: d.content.time, strategyId: d.content.strategyId, signal: d.content.signal });
    expect(backtest.map(signalOf)).toEqual(live.map(signalOf));
    const buys = live.flatMap((d, index) => (d.content.signal?.side === 'buy' ? [index] : []));
    expect(buys.length).toBeGreaterThanOrEqual(2);
    for (const [index, decision] of live.entries()) {
      const backtestDecision = backtest[index]!;
      if (decision.content.signal?.side === 'buy') {
        expect(comparable(backtestDecision, backtestSymbol)).toEqual(comparable(decision, liveSymbol));
        const liveProposal = decision.content.proposal;
        const backtestProposal = backtestDecision.content.proposal;
        if (liveProposal.action !== 'trade' || backtestProposal.action !== 'trade') throw new Error(`decision ${index}: a buy that is not a trade`);
        expect([backtestProposal.amountIn, backtestProposal.minAmountOut]).toEqual([liveProposal.amountIn, liveProposal.minAmountOut]);
      } else {
        expect(backtestDecision.completion.outcome).toBe('hold');
        expect(backtestDecision.content.proposal.rationale).toMatch(/^nothing to sell: the vault holds no WETH /);
      }
    }
  }, 300_000);
});
