import { ethereumPreset } from '../agent/chain/presets/ethereum.js';
import { sqrtPriceX96ToOraclePrice } from '../agent/chain/price/sqrt-price.js';
import { vaultPolicyFromRisk } from '../agent/config/vault-policy-from-risk.js';
import type { MarketSnapshot, RiskGate } from '../agent/model/ports.js';
import type { TradeIntent } from '../agent/model/decision.js';
import { toAddress, type Address, type Hex } from '../agent/model/address.js';
import type { OracleUpdate } from '../agent/model/market-event.js';
import { createPolicyGate, createPolicyState, decisionKey, verdictOf, type PolicyGate } from '../agent/policy/index.js';
import type { EvaluateTradeReturnType } from '../agent/policy/evaluate-trade.js';
import type { MandateConfig } from '../agent/config/config-schema.js';

/** What the simulated executor asks of a policy at fill time (agent/policy's PolicyGate has both). */
export type FillPolicy = {
  /** The vault's full evaluation at the fill: the floor it would use, or the error it would revert with. */
  evaluate?(intent: TradeIntent, at: { time: number }, snapshot?: MarketSnapshot): EvaluateTradeReturnType;
  /** The fill happened: the vault's state moves (allowance, cooldown, executed id). */
  recordExecuted?(intent: TradeIntent, at: { time: number }, snapshot?: MarketSnapshot): unknown;
};

export type CreateBacktestPolicyGateParameters = {
  market: {
    oracle?: Address | undefined;
    pool?: Address | undefined;
    base: { address: Address; decimals: number };
    quote: { address: Address; decimals: number };
  };
  /** The fee tiers of the pair's allowed pools. */
  fees: readonly number[];
  risk: MandateConfig['risk'];
  /** Price the base token from the pool (data without an oracle, e.g. a Uniswap events file). */
  poolPriced: boolean;
  /** What the quote token's feed answers, in USD. Default 1.00 (a USD stablecoin). */
  quoteUsd?: number | undefined;
  /** The kernel's snapshot. */
  snapshot: () => MarketSnapshot;
};

/**
 * The quote token's feed in the policy: mainnet USDC/USD, answered at exactly 1.00 (the data has no such feed).
 *
 * @example
 * decision.content.verdict.args?.includes(quoteFeed); // a denial about the quote token's oracle
 */
export const quoteFeed: Address = ethereumPreset.chainlink.usdcUsd.address;

/**
 * The vault's policy for a backtest: agent/policy's gate (evaluateTrade over in-memory vault state,
 * applyTrade after each fill) with the config's `risk` section, the market's two tokens and its pool. The
 * data replays the base token's feed; the quote token's feed, which the vault also reads, is not in the
 * data, so it answers 1.00 USD, always fresh (as the rules reasoner assumes). With `poolPriced`, the base
 * feed's rounds are the pool's price (same 8 decimals, updatedAt = the pool event's time). The vault is
 * "deployed" with a full allowance at the time of the first check.
 *
 * @example
 * const gate = createBacktestPolicyGate({ market, fees: [500], risk: config.risk, poolPriced: false, snapshot: () => kernel.market });
 */
export function createBacktestPolicyGate(parameters: CreateBacktestPolicyGateParameters): RiskGate & FillPolicy {
  const { market, fees, risk, poolPriced, snapshot } = parameters;
  const quoteAnswer = BigInt(Math.round((parameters.quoteUsd ?? 1) * 1e8));
  // The data prices the base in quote units; the vault's feeds price tokens in USD.
  const toUsd = (round: OracleUpdate): OracleUpdate => (quoteAnswer === 100_000_000n ? round : { ...round, answer: (round.answer * quoteAnswer) / 100_000_000n });
  const baseFeed = market.oracle ?? toAddress('0x00000000000000000000000000000000000ba5e0');
  const pair = { base: market.base, quote: market.quote, feedDecimals: 8 };

  /** The snapshot the vault's oracles would answer from: the replayed rounds plus the feeds the data lacks. */
  const withFeeds = (view: MarketSnapshot): MarketSnapshot => {
    const now = BigInt(view.last?.time ?? 0);
    const oracles = new Map(view.oracles);
    oracles.set(quoteFeed, {
      kind: 'oracle', feed: quoteFeed, roundId: now, answer: quoteAnswer, decimals: 8, updatedAt: now, time: Number(now),
    });
    if (poolPriced && market.pool !== undefined) {
      const slot0 = view.pools.get(market.pool);
      if (slot0 !== undefined) {
        const round: OracleUpdate = {
          kind: 'oracle',
          feed: baseFeed,
          roundId: slot0.block,
          answer: sqrtPriceX96ToOraclePrice(slot0.sqrtPriceX96, pair),
          decimals: 8,
          updatedAt: BigInt(slot0.time),
          time: slot0.time,
        };
        oracles.set(baseFeed, toUsd(round));
      }
    } else if (quoteAnswer !== 100_000_000n) {
      const round = view.oracles.get(baseFeed);
      if (round !== undefined) oracles.set(baseFeed, toUsd(round));
    }
    return { oracles, pools: view.pools, last: view.last };
  };

  let gate: PolicyGate | undefined;
  const feedsNow = () => withFeeds(snapshot());
  const gateAt = (time: number): PolicyGate =>
    (gate ??= createPolicyGate({
      state: createPolicyState({
        policy: vaultPolicyFromRisk(risk),
        tokens: [
          { address: market.base.address, feed: baseFeed, decimals: market.base.decimals, maxOracleAge: risk.maxOracleAgeSeconds },
          { address: market.quote.address, feed: quoteFeed, decimals: market.quote.decimals, maxOracleAge: risk.maxOracleAgeSeconds },
        ],
        pools: fees.map((fee) => ({ tokenA: market.base.address, tokenB: market.quote.address, fee })),
        deployedAt: time,
      }),
      market: feedsNow,
    }));

  // applyTrade copies the state's set of executed decision ids on every trade, which is quadratic over a
  // backtest of thousands of trades. The ids are kept here instead and the gate's state is handed back
  // without them; check 4 (DecisionAlreadyExecuted) is applied here, after checks 1–3, as the vault orders it.
  const executed = new Set<string>();
  const beforeCheck4 = new Set(['NotAgent', 'VaultPaused', 'DeadlineExpired']);
  const evaluate = (intent: TradeIntent, at: { time: number }, view: MarketSnapshot): EvaluateTradeReturnType => {
    const result = gateAt(at.time).evaluate(intent, at, view);
    if (!result.ok && beforeCheck4.has(result.error)) return result;
    if (executed.has(decisionKey(intent.decisionId))) return { ok: false, error: 'DecisionAlreadyExecuted', args: [intent.decisionId.toLowerCase() as Hex] };
    return result;
  };

  return {
    check: (intent, at) => verdictOf(evaluate(intent, at, feedsNow())),
    evaluate: (intent, at, view) => evaluate(intent, at, withFeeds(view ?? snapshot())),
    recordExecuted(intent, at, view) {
      const current = gateAt(at.time);
      const trade = current.recordExecuted(intent, at, withFeeds(view ?? snapshot()));
      executed.add(decisionKey(intent.decisionId));
      gate = createPolicyGate({ state: { ...current.state(), executedDecisions: new Set() }, market: feedsNow });
      return trade;
    },
  };
}
