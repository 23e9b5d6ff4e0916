/**
 * Zod pieces shared by strategy params, so every strategy spells the same idea the same way.
 */
import { z } from 'zod';

/**
 * A positive amount in quote units as a decimal string ('250', '0.5'): money is never a float param.
 *
 * @example
 * z.object({ amountQuote: decimalAmount().default('100') });
 */
export function decimalAmount() {
  return z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'a decimal string such as "100" or "0.5"')
    .refine((value) => Number(value) > 0, 'an amount greater than 0');
}

/**
 * Where a price-driven strategy reads its price: the Chainlink feed or the pool's sqrtPriceX96.
 *
 * @example
 * z.object({ priceSource: priceSource() });
 */
export function priceSource() {
  return z.enum(['oracle', 'pool']).default('oracle').describe('where the price comes from: oracle or pool');
}

/**
 * A signal strength in 0..1.
 *
 * @example
 * z.object({ strength: strength(1) });
 */
export function strength(defaultValue: number) {
  return z.number().min(0).max(1).default(defaultValue).describe('signal strength 0..1 (the reasoner scales size by it)');
}
