import { MandateError } from '../../agent/model/base-error.js';

/**
 * A sweep's inputs are unusable; details name the input, the value and what is accepted.
 *
 * @example
 * throw new SweepInputError('workers', '0', 'a whole number ≥ 1 is accepted');
 */
export class SweepInputError extends MandateError {
  override name = 'SweepInputError';
  constructor(input: string, got: string, accepted: string) {
    super(`Invalid sweep input "${input}".`, { details: `Got ${got}; ${accepted}.` });
  }
}

/**
 * One backtest of a sweep failed in its worker; the sweep stops (a failure there is a bug, not a result).
 *
 * @example
 * throw new SweepRunError({ fastPeriod: 5 }, 'StrategyParamsError', 'Invalid param');
 */
export class SweepRunError extends MandateError {
  override name = 'SweepRunError';
  constructor(params: Record<string, unknown>, errorName: string, message: string) {
    super(`A sweep backtest failed with params ${JSON.stringify(params)}.`, { details: `${errorName}: ${message}` });
  }
}

/**
 * A sweep worker thread stopped (or could not start) without reporting an error of a backtest: out of
 * memory, a broken install, a crash in native code.
 *
 * @example
 * throw new SweepWorkerError(1);
 */
export class SweepWorkerError extends MandateError {
  override name = 'SweepWorkerError';
  constructor(exitCode: number) {
    super('A sweep worker thread stopped unexpectedly.', {
      details: `It exited with code ${exitCode} while backtests were pending; a worker exits only when the sweep closes it.`,
    });
  }
}
