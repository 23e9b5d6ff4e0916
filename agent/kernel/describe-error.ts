/**
 * One line for an error in a decision's reason: viem's and Mandate's short message plus details, or the
 * message of anything else.
 *
 * @example
 * describeError(new MandateError('Nope.', { details: 'Because.' })); // 'Nope. Because.'
 */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const short = (error as { shortMessage?: unknown }).shortMessage;
    const details = (error as { details?: unknown }).details;
    const head = typeof short === 'string' ? short : error.message;
    return typeof details === 'string' && details.length > 0 && !head.includes(details) ? `${head} ${details}` : head;
  }
  return String(error);
}
