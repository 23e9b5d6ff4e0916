/**
 * Reusable zod field schemas for the config: addresses, money amounts, URLs. Each carries a description,
 * which is what a ConfigError says is accepted when the value is wrong.
 */
import { z } from 'zod';
import { toAddress, type Address } from '../model/address.js';

const ADDRESS_FORMAT = /^0x[0-9a-fA-F]{40}$/;

/**
 * An EVM address. Mixed case must carry a correct EIP-55 checksum (a wrong one usually means a typo);
 * all-lowercase is accepted as "no checksum". The output is always checksummed.
 *
 * @example
 * addressSchema.parse('0x88e6a0c2ddd26feeb64f039a2c41296fcb3f5640'); // '0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640'
 */
export const addressSchema = z
  .string()
  .transform((value, ctx): Address => {
    if (!ADDRESS_FORMAT.test(value)) {
      ctx.addIssue({ code: 'custom', message: 'is not an address (0x followed by 40 hex digits)' });
      return z.NEVER;
    }
    try {
      return toAddress(value);
    } catch {
      // The format is right, so toAddress refused the mixed-case spelling's checksum.
      ctx.addIssue({
        code: 'custom',
        message: 'has a wrong EIP-55 checksum (its upper/lower case letters do not match the address; check it for a typo)',
      });
      return z.NEVER;
    }
  })
  .describe('a 0x-prefixed 20-byte address, EIP-55 checksummed or all lowercase');

const DECIMAL_FORMAT = /^\d+(\.\d+)?$/;
const MAX_FRACTION_DIGITS = 18;

/**
 * A non-negative money amount, kept as a canonical decimal string so no float ever touches it.
 * Integers may be given as numbers (`1000`); fractions must be strings (`'2500.50'`) because `0.1` is not
 * exact as a float. Convert with viem's `parseUnits(amount, decimals)` where a bigint is needed.
 *
 * @example
 * decimalAmountSchema('USD').parse(1000); // '1000'
 * decimalAmountSchema('USD').parse('0012.50'); // '12.5'
 */
export function decimalAmountSchema(unit: string) {
  return z
    .union([z.string(), z.number()])
    .transform((value, ctx): string => {
      if (typeof value === 'number') {
        if (!Number.isFinite(value)) {
          ctx.addIssue({ code: 'custom', message: 'is not a finite number' });
          return z.NEVER;
        }
        if (value < 0) {
          ctx.addIssue({ code: 'custom', message: 'must not be negative' });
          return z.NEVER;
        }
        if (!Number.isSafeInteger(value)) {
          ctx.addIssue({
            code: 'custom',
            message: 'is a fractional or very large number; write it as a decimal string so no precision is lost',
          });
          return z.NEVER;
        }
        return String(value);
      }
      const text = value.trim();
      if (/^-\s*\d/.test(text)) {
        ctx.addIssue({ code: 'custom', message: 'must not be negative' });
        return z.NEVER;
      }
      if (!DECIMAL_FORMAT.test(text)) {
        ctx.addIssue({ code: 'custom', message: 'is not a plain decimal number' });
        return z.NEVER;
      }
      const [whole = '0', fraction = ''] = text.split('.');
      if (fraction.length > MAX_FRACTION_DIGITS) {
        ctx.addIssue({ code: 'custom', message: `has more than ${MAX_FRACTION_DIGITS} decimal places` });
        return z.NEVER;
      }
      const canonicalWhole = whole.replace(/^0+(?=\d)/, '');
      const canonicalFraction = fraction.replace(/0+$/, '');
      return canonicalFraction ? `${canonicalWhole}.${canonicalFraction}` : canonicalWhole;
    })
    .describe(`a non-negative amount in ${unit}: a decimal string like "1000" or "2500.50" (whole numbers may also be plain numbers)`);
}

/**
 * An RPC endpoint: http(s) or ws(s). It often embeds an API key, so the CLI redacts its path when printing.
 *
 * @example
 * rpcUrlSchema.parse('https://mainnet.example.org/v2/key');
 */
export const rpcUrlSchema = z
  .string()
  .refine(
    (value) => {
      try {
        return ['http:', 'https:', 'ws:', 'wss:'].includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: 'is not an http(s) or ws(s) URL' },
  )
  .describe('an http://, https://, ws:// or wss:// URL of a JSON-RPC endpoint');

/**
 * A whole number in [min, max], described for error messages.
 *
 * @example
 * integerSchema(0, 64, 'blocks').default(2);
 */
export function integerSchema(min: number, max: number, meaning: string) {
  return z
    .number()
    .int()
    .min(min)
    .max(max)
    .describe(`a whole number from ${min} to ${max === Number.MAX_SAFE_INTEGER ? 'any size' : max} (${meaning})`);
}

/**
 * Basis points: 0 to 10,000 (100 %).
 *
 * @example
 * bpsSchema('slippage requested per trade').default(50);
 */
export function bpsSchema(meaning: string) {
  return integerSchema(0, 10_000, `basis points: ${meaning}; 100 = 1 %`);
}

/**
 * A calendar date, YYYY-MM-DD.
 *
 * @example
 * dateSchema.parse('2023-10-01');
 */
export const dateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'is not a YYYY-MM-DD date' })
  .refine(
    (value) => {
      // Date.parse rolls 2023-02-30 over to March; a round trip catches that.
      const time = Date.parse(`${value}T00:00:00Z`);
      return !Number.isNaN(time) && new Date(time).toISOString().startsWith(value);
    },
    { message: 'is not a real calendar date' },
  )
  .describe('a date as YYYY-MM-DD');
