import type { MarketSnapshot, RiskGate } from '../../model/ports.js';
import { oracleContextFromMarket } from '../../policy/create-policy-gate.js';
import type { VaultRiskGate } from '../../policy/create-vault-risk-gate.js';
import { accrueAllowance, evaluateTrade, type EvaluateTradeContext, type OracleReading } from '../../policy/evaluate-trade.js';
import { decisionKey, type PolicyState } from '../../policy/policy-state.js';
import { verdictOf } from '../../policy/verdict-of.js';
import type { Address, Hex } from '../../model/address.js';

export type InFlightRiskGate = RiskGate & {
  /**
   * The executor finished a trade: failed (forgotten: the chain never saw it) or filled at `blockTime`, the
   * timestamp the vault charged the allowance and started the cooldown at (later than the decision's time
   * when chain time runs ahead of the market events).
   */
  settle(decisionId: Hex, filled: boolean, blockTime?: number | undefined): void;
  /** Trades allowed and not yet reflected in the vault snapshot. */
  readonly inFlight: number;
};

/**
 * The live vault risk gate, aware of the trades it just allowed. The vault gate reads the chain, which
 * learns of a trade only once it is mined; two strategies signalling on the same event would both pass
 * (cooldown not started yet) and the second would revert on-chain. This wrapper applies every allowed,
 * not-yet-seen trade to the chain snapshot (allowance spent, cooldown started, id used) before checking
 * the next, so the second is denied with CooldownActive, as the vault would. Prices come from the newer of
 * the gate's feed reads and the kernel's market snapshot (the rounds the decision was made on).
 *
 * @example
 * const gate = withInFlightTrades(await createVaultRiskGate({ ... }), caller, () => kernel.market);
 * kernel.decisions$.subscribe((d) => d.content.intent && gate.settle(d.content.id, d.completion.outcome === 'trade'));
 */
export function withInFlightTrades(gate: VaultRiskGate, caller: Address, market: () => MarketSnapshot): InFlightRiskGate {
  // Allowed trades by decision key: the USD value the vault will charge and the time it charges it at.
  const pending = new Map<string, { valueUsd: bigint; time: number; filled: boolean }>();

  function context(state: PolicyState, time: number): EvaluateTradeContext {
    const base = gate.snapshot().oracles;
    const seen = oracleContextFromMarket(market(), state);
    const oracleRounds = new Map<Address, OracleReading>(base.oracleRounds);
    const feedDecimals = new Map<Address, number>(base.feedDecimals);
    for (const [feed, round] of seen.oracleRounds) {
      const current = oracleRounds.get(feed);
      if (current === undefined || round.updatedAt > current.updatedAt) {
        oracleRounds.set(feed, round);
        feedDecimals.set(feed, seen.feedDecimals.get(feed)!);
      }
    }
    return { now: BigInt(time), caller, oracleRounds, feedDecimals, sequencer: base.sequencer };
  }

  function effectiveState(): PolicyState {
    let state = gate.snapshot().state;
    for (const [key, entry] of pending) {
      if (state.executedDecisions.has(key)) {
        if (entry.filled) pending.delete(key); // the snapshot has it now
        continue;
      }
      state = charged(state, key, entry.valueUsd, entry.time);
    }
    return state;
  }

  return {
    check(intent, at) {
      const state = effectiveState();
      const evaluation = evaluateTrade(state, intent, context(state, at.time));
      if (evaluation.ok) pending.set(decisionKey(intent.decisionId), { valueUsd: evaluation.valueUsd, time: at.time, filled: false });
      return verdictOf(evaluation);
    },
    settle(decisionId, filled, blockTime) {
      const key = decisionKey(decisionId);
      if (!filled) pending.delete(key);
      else {
        const entry = pending.get(key);
        if (entry) {
          entry.filled = true;
          if (blockTime !== undefined && blockTime > entry.time) entry.time = blockTime;
        }
      }
    },
    get inFlight() {
      return pending.size;
    },
  };
}

/**
 * The state after the vault executes a trade worth `valueUsd` at `time`: the allowance refilled to then and
 * charged, the cooldown started, the id used. Applied directly rather than by re-evaluating the trade, whose
 * checks (oracle freshness, deadline) were passed at its own time and need not pass against today's rounds.
 */
function charged(state: PolicyState, key: string, valueUsd: bigint, time: number): PolicyState {
  const now = BigInt(time);
  const accrued = accrueAllowance(state, now < state.allowanceUpdatedAt ? state.allowanceUpdatedAt : now);
  const allowance = accrued.ok ? accrued.allowance : state.allowanceUsd;
  const executedDecisions = new Set(state.executedDecisions);
  executedDecisions.add(key);
  return {
    ...state,
    allowanceUsd: allowance > valueUsd ? allowance - valueUsd : 0n,
    allowanceUpdatedAt: accrued.ok ? accrued.anchor : state.allowanceUpdatedAt,
    lastTradeAt: now > state.lastTradeAt ? now : state.lastTradeAt,
    executedDecisions,
  };
}
