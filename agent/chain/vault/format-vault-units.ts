/**
 * Formats a vault USD amount (18 decimals) as dollars and cents, rounded down, with thousands separators.
 * Rounding down matches the vault, whose divisions all floor.
 *
 * @example
 * formatUsd18(6_012_339n * 10n ** 15n); // '$6,012.33'
 */
export function formatUsd18(value: bigint): string {
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const dollars = magnitude / 10n ** 18n;
  const cents = (magnitude % 10n ** 18n) / 10n ** 16n;
  const grouped = dollars.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}$${grouped}.${cents.toString().padStart(2, '0')}`;
}

/**
 * Formats a unix time in seconds as an ISO 8601 UTC string without milliseconds.
 *
 * @example
 * formatUnixTime(1_706_558_123n); // '2024-01-29T19:55:23Z'
 */
export function formatUnixTime(seconds: bigint | number): string {
  const ms = Number(seconds) * 1000;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return `${seconds.toString()} (unix seconds)`;
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/**
 * Formats a whole number of seconds with thousands separators.
 *
 * @example
 * formatSeconds(4500n); // '4,500 s'
 */
export function formatSeconds(seconds: bigint | number): string {
  return `${seconds.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')} s`;
}

/**
 * Formats a Uniswap v3 fee tier (hundredths of a basis point) as a percentage.
 *
 * @example
 * formatFeeTier(500); // '0.05%'
 */
export function formatFeeTier(fee: number): string {
  return `${(fee / 10_000).toString()}%`;
}
