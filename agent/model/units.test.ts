import { parseUnits } from 'viem';
import { describe, expect, it } from 'vitest';
import { parseUnitsTruncated } from './units.js';

describe('parseUnitsTruncated', () => {
  it('is parseUnits for amounts that fit the decimals', () => {
    for (const [value, decimals] of [['0', 6], ['1000', 6], ['2500.5', 18], ['0.000001', 6], ['-12.34', 2], ['7', 0]] as const) {
      expect(parseUnitsTruncated(value, decimals)).toBe(parseUnits(value, decimals));
    }
  });

  it('cuts the digits beyond the decimals toward zero, where parseUnits rounds', () => {
    expect(parseUnits('1000.1234567', 6)).toBe(1000123457n);
    expect(parseUnitsTruncated('1000.1234567', 6)).toBe(1000123456n);
    expect(parseUnitsTruncated('0.9999999', 6)).toBe(999999n);
    expect(parseUnitsTruncated('-2297.502761069', 8)).toBe(-229750276106n);
    expect(parseUnitsTruncated('12.9', 0)).toBe(12n);
  });
});
