/**
 * Reads the `Retry-After` header from an error thrown by the OpenAI SDK (a `Headers` object) or anything
 * carrying plain header records; undefined when there is none.
 *
 * @example
 * retryAfterHeader(error); // '2'
 */
export function retryAfterHeader(error: unknown): string | undefined {
  const headers = (error as { headers?: unknown } | undefined)?.headers;
  if (headers === undefined || headers === null || typeof headers !== 'object') return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get('retry-after') ?? undefined;
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    if (name.toLowerCase() === 'retry-after' && typeof value === 'string') return value;
  }
  return undefined;
}
