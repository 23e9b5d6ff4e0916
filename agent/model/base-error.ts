/**
 * The one error base class of Mandate, shaped like viem's: a short message a user can act on, optional
 * details (what was wrong, what is accepted), and the cause chain.
 *
 * Subclass it once per failure a user must tell apart, and set `name` so `instanceof` and logs agree.
 *
 * @example
 * class StaleOracleError extends MandateError {
 *   override name = 'StaleOracleError';
 *   constructor(feed: string, age: number, maxAge: number) {
 *     super(`Oracle ${feed} is stale.`, { details: `Last update ${age}s ago; at most ${maxAge}s is accepted.` });
 *   }
 * }
 */
export type MandateErrorParameters = {
  /** What exactly was wrong and what would be accepted. */
  details?: string | undefined;
  /** Extra lines shown under the message (for example the offending value). */
  metaMessages?: string[] | undefined;
  /** The error that caused this one. */
  cause?: unknown;
};

export class MandateError extends Error {
  override name = 'MandateError';
  /** The one-line summary, without details or meta messages. */
  readonly shortMessage: string;
  readonly details: string | undefined;
  readonly metaMessages: string[] | undefined;

  constructor(shortMessage: string, parameters: MandateErrorParameters = {}) {
    const causeDetails =
      parameters.details ??
      (parameters.cause instanceof MandateError
        ? parameters.cause.details
        : parameters.cause instanceof Error
          ? parameters.cause.message
          : undefined);
    const message = [
      shortMessage,
      ...(parameters.metaMessages?.length ? ['', ...parameters.metaMessages] : []),
      ...(causeDetails ? ['', `Details: ${causeDetails}`] : []),
    ].join('\n');
    super(message, parameters.cause === undefined ? undefined : { cause: parameters.cause });
    this.shortMessage = shortMessage;
    this.details = causeDetails;
    this.metaMessages = parameters.metaMessages;
  }

  /** Walks the cause chain and returns the deepest cause, or the first one `predicate` accepts. */
  walk(predicate?: (error: unknown) => boolean): unknown {
    let current: unknown = this;
    while (current) {
      if (predicate?.(current)) return current;
      const next: unknown = current instanceof Error ? current.cause : undefined;
      if (!next) return predicate ? undefined : current;
      current = next;
    }
    return undefined;
  }
}
