import { parseUnits } from 'viem';

/**
 * viem's parseUnits, except that digits beyond `decimals` are cut (toward zero) instead of rounded: an
 * amount from a config or a signal never becomes more than it says. Validate the text first where it is
 * user input (viem accepts '', '.' and '-' as zero).
 *
 * @example
 * parseUnitsTruncated('1000.1234567', 6); // 1000123456n (parseUnits would round to 1000123457n)
 */
export function parseUnitsTruncated(value: string, decimals: number): bigint {
  const point = value.indexOf('.');
  if (point === -1 || value.length - point - 1 <= decimals) return parseUnits(value, decimals);
  return parseUnits(value.slice(0, decimals === 0 ? point : point + 1 + decimals), decimals);
}
