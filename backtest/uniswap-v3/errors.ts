import { MandateError } from '../../agent/model/base-error.js';

/**
 * A pool operation that the real Uniswap v3 contracts would revert. `reason` is the contract's own
 * revert string ('SPL', 'AS', 'T', 'R', 'LO', 'TLU', ...) or a library name ('mulDiv'), so a
 * simulated failure can be compared with an on-chain one.
 *
 * @example
 * try { swap(pool, { zeroForOne: true, amountSpecified: 0n }); }
 * catch (error) { if (error instanceof PoolMathError && error.reason === 'AS') console.log('zero amount'); }
 */
export class PoolMathError extends MandateError {
  override name = 'PoolMathError';
  readonly reason: string;

  constructor(reason: string, shortMessage: string, details: string) {
    super(shortMessage, { details });
    this.reason = reason;
  }
}
