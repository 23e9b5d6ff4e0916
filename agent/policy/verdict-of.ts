import type { Verdict } from '../model/decision.js';
import type { EvaluateTradeReturnType } from './evaluate-trade.js';

/**
 * The kernel's Verdict for an evaluation: allowed, or denied with the vault's custom error name as the
 * reason and its arguments.
 *
 * @example
 * verdictOf(evaluateTrade(state, intent, context)); // { allowed: false, reason: 'VaultPaused', args: [] }
 */
export function verdictOf(evaluation: EvaluateTradeReturnType): Verdict {
  return evaluation.ok ? { allowed: true } : { allowed: false, reason: evaluation.error, args: evaluation.args };
}
