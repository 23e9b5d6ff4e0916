/**
 * The wait a `Retry-After` header asks for, in milliseconds: either delay-seconds ("3") or an HTTP date
 * ("Wed, 21 Oct 2026 07:28:00 GMT", measured from `nowMs`). Undefined when absent or unreadable; a date in
 * the past means 0.
 *
 * @example
 * retryAfterMs('2', 0); // 2000
 * retryAfterMs('Thu, 01 Jan 1970 00:00:05 GMT', 1_000); // 4000
 */
export function retryAfterMs(header: string | null | undefined, nowMs: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const value = header.trim();
  if (value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  // HTTP dates start with the day name; anything else ("-3", "soon") is unreadable, not a date: V8's
  // Date.parse would read "-3" as the year -3.
  if (!/^[A-Za-z]{3}/.test(value)) return undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
