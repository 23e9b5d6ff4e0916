import type { MarketSnapshot, RiskGate } from '../model/ports.js';
import type { TradeIntent } from '../model/decision.js';
import type { Address } from '../model/address.js';
import { applyTrade } from './create-policy-state.js';
import { type EvaluateTradeContext, type EvaluateTradeReturnType, type OracleReading, type TradeAllowed, evaluateTrade } from './evaluate-trade.js';
import type { PolicyState } from './policy-state.js';
import { verdictOf } from './verdict-of.js';

export type CreatePolicyGateParameters = {
  /** The vault as deployed, e.g. `createPolicyState({ policy: vaultPolicyFromRisk(config.risk), ... })`. */
  state: PolicyState;
  /** Where the oracle rounds come from: the kernel's market snapshot (`() => kernel.market`). */
  market: () => MarketSnapshot;
  /** msg.sender of every trade; default the state's agent (a backtest is always its own agent). */
  caller?: Address | undefined;
};

/** A RiskGate over in-memory vault state, which learns of executed trades from the executor. */
export type PolicyGate = RiskGate & {
  /** The full evaluation (value, floor, minAmountOutUsed) or the denial. */
  evaluate(intent: TradeIntent, at: { time: number }, snapshot?: MarketSnapshot): EvaluateTradeReturnType;
  /**
   * The executor filled `intent` at `at.time`: charges the allowance, starts the cooldown, marks the id.
   * Throws PolicyViolationError if the vault would have refused it at that time (a simulator bug).
   */
  recordExecuted(intent: TradeIntent, at: { time: number }, snapshot?: MarketSnapshot): TradeAllowed;
  /** The vault's state as of the last recorded trade. */
  state(): PolicyState;
};

/**
 * The backtest risk gate: `evaluateTrade` over in-memory vault state, pricing with the oracle rounds in the
 * kernel's market snapshot (each round's decimals are the feed's `decimals()`), and `applyTrade` after each
 * fill, so a backtest denies exactly what the vault would have denied at that time.
 *
 * @example
 * const gate = createPolicyGate({ state: createPolicyState({ policy: vaultPolicyFromRisk(config.risk), tokens, pools, deployedAt }), market: () => kernel.market });
 * gate.check(intent, { time }); // { allowed: false, reason: 'CooldownActive', args: [last, readyAt] }
 */
export function createPolicyGate(parameters: CreatePolicyGateParameters): PolicyGate {
  let state = parameters.state;
  const context = (time: number, snapshot: MarketSnapshot): EvaluateTradeContext => ({
    now: BigInt(time),
    caller: parameters.caller ?? state.agent,
    ...oracleContextFromMarket(snapshot, state),
  });
  return {
    check(intent, at) {
      return verdictOf(evaluateTrade(state, intent, context(at.time, parameters.market())));
    },
    evaluate(intent, at, snapshot = parameters.market()) {
      return evaluateTrade(state, intent, context(at.time, snapshot));
    },
    recordExecuted(intent, at, snapshot = parameters.market()) {
      const applied = applyTrade(state, intent, context(at.time, snapshot));
      state = applied.state;
      return applied.trade;
    },
    state: () => state,
  };
}

/**
 * The feeds' latest rounds and decimals as `evaluateTrade` wants them, from a market snapshot (the latest
 * OracleUpdate per feed). Only the feeds of the state's tokens are looked up.
 *
 * @example
 * const verdict = evaluateTrade(state, intent, { now, caller, ...oracleContextFromMarket(kernel.market, state) });
 */
export function oracleContextFromMarket(
  snapshot: MarketSnapshot,
  state: Pick<PolicyState, 'tokens'>,
): Pick<EvaluateTradeContext, 'oracleRounds' | 'feedDecimals'> {
  const oracleRounds = new Map<Address, OracleReading>();
  const feedDecimals = new Map<Address, number>();
  for (const token of state.tokens.values()) {
    const round = snapshot.oracles.get(token.feed);
    if (round === undefined) continue;
    oracleRounds.set(token.feed, { answer: round.answer, updatedAt: round.updatedAt });
    feedDecimals.set(token.feed, round.decimals);
  }
  return { oracleRounds, feedDecimals };
}
