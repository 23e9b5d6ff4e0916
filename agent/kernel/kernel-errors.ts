import { MandateError } from '../model/base-error.js';

/**
 * The kernel was given options it cannot run with (duplicate strategy ids, a bad deadline...).
 *
 * @example
 * throw new KernelConfigError('strategies', '"trend" twice', 'each strategy instance needs a unique id');
 */
export class KernelConfigError extends MandateError {
  override name = 'KernelConfigError';
  /** The option that is wrong. */
  readonly option: string;
  constructor(option: string, got: string, accepted: string) {
    super(`Invalid kernel option "${option}".`, { details: `Got ${got}; ${accepted}.` });
    this.option = option;
  }
}

/**
 * The journal could not record or complete a decision. The kernel stops: a trade must never be sent
 * without its decision on record, so continuing blind would be worse than stopping.
 *
 * @example
 * throw new KernelJournalError('0xabc…', cause);
 */
export class KernelJournalError extends MandateError {
  override name = 'KernelJournalError';
  readonly decisionId: string;
  constructor(decisionId: string, cause: unknown) {
    super(`The journal failed on decision ${decisionId}; the agent stopped.`, { cause });
    this.decisionId = decisionId;
  }
}

/**
 * `market$` errored. Work already started was finished and journaled before this was raised.
 *
 * @example
 * throw new MarketSourceFailedError(cause);
 */
export class MarketSourceFailedError extends MandateError {
  override name = 'MarketSourceFailedError';
  constructor(cause: unknown) {
    super('The market source failed; the kernel stopped after finishing the work in progress.', { cause });
  }
}
