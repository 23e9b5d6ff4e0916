import { MandateError } from '../model/base-error.js';
import type { PolicyErrorArg, PolicyErrorName, TradeDenied } from './evaluate-trade.js';

/**
 * A trade the vault's policy refuses, for callers that prefer a throw to the `{ ok: false }` value that
 * `evaluateTrade` and the risk gate return. `error` and `args` are the vault's custom error and arguments.
 *
 * @example
 * const verdict = evaluateTrade(state, intent, context);
 * if (!verdict.ok) throw new PolicyViolationError(verdict);
 */
export class PolicyViolationError extends MandateError {
  override name = 'PolicyViolationError';
  readonly error: PolicyErrorName;
  readonly args: readonly PolicyErrorArg[];

  constructor(denied: Pick<TradeDenied, 'error' | 'args'>, options: { cause?: unknown } = {}) {
    super(`The vault's policy denies this trade: ${denied.error}.`, {
      details: `${denied.error}(${denied.args.map(String).join(', ')})`,
      cause: options.cause,
    });
    this.error = denied.error;
    this.args = denied.args;
  }
}

/**
 * A policy or token setup the vault itself would refuse to hold (refillInterval 0, slippage above 100 %,
 * more than 36 decimals, a pool of a token with itself...), named with the field and value.
 *
 * @example
 * createPolicyState({ ...setup, policy: { ...policy, refillInterval: 0 } }); // throws InvalidPolicyError
 */
export class InvalidPolicyError extends MandateError {
  override name = 'InvalidPolicyError';
  constructor(field: string, value: unknown, expected: string) {
    super(`Invalid vault policy: ${field}.`, { details: `${field} is ${String(value)}; expected ${expected}.` });
  }
}
