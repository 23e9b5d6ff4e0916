import { MandateError } from './base-error.js';
import { keccak256Hex } from './keccak.js';

export type { Hex } from './hex.js';

declare const addressBrand: unique symbol;

/**
 * A 20-byte address in its one normal form, EIP-55 checksummed. Addresses are normalised once, where they
 * enter (config, CSV, RPC, CLI flags) with {@link toAddress}; everything downstream compares them with
 * `===` and keys maps by them, never lower-casing or re-checksumming. The type is branded, so only
 * toAddress makes one: a string literal or viem's `Address` does not type-check where this one is expected.
 */
export type Address = `0x${string}` & { readonly [addressBrand]: true };

/**
 * Not an address: the value, and what is accepted.
 *
 * @example
 * toAddress('0x12'); // throws InvalidAddressError
 */
export class InvalidAddressError extends MandateError {
  override name = 'InvalidAddressError';
  constructor(value: unknown, what: string | undefined, reason: string) {
    super(`Invalid address${what === undefined ? '' : ` for ${what}`}: ${JSON.stringify(String(value))}.`, {
      details: `${reason}; accepted: 0x followed by 40 hex digits, in one case or correctly EIP-55 checksummed.`,
    });
  }
}

const hexAddress = /^0x[0-9a-fA-F]{40}$/;
// Sources hand the same few addresses over and over: normalising each spelling once keeps edges cheap.
const normalised = new Map<string, Address>();

/**
 * Normalises an address to its EIP-55 checksummed form. All-lower or all-upper hex is accepted as is; a
 * mixed-case spelling must carry a correct checksum (that is what catches a mistyped digit).
 *
 * @example
 * toAddress('0x88e6a0c2ddd26feeb64f039a2c41296fcb3f5640'); // '0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640'
 * toAddress(value, 'chain.vault'); // the error names the config key
 */
export function toAddress(value: string, what?: string): Address {
  const known = normalised.get(value);
  if (known !== undefined) return known;
  if (typeof value !== 'string' || !hexAddress.test(value)) throw new InvalidAddressError(value, what, 'not 0x followed by 40 hex digits');
  const digits = value.slice(2);
  const lower = digits.toLowerCase();
  const checksummed = checksum(lower);
  const mixed = digits !== lower && digits !== digits.toUpperCase();
  if (mixed && checksummed !== value) throw new InvalidAddressError(value, what, `the EIP-55 checksum does not match (the checksummed form is ${checksummed})`);
  if (normalised.size >= 10_000) normalised.clear();
  normalised.set(value, checksummed);
  return checksummed;
}

/** Whether `value` is an address in any accepted spelling (see {@link toAddress}). */
export function isAddress(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    toAddress(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * True when `a` sorts before `b` as Uniswap orders pool tokens (by address as a number), i.e. `a` is token0.
 *
 * @example
 * sortsBefore(toAddress('0x5FbDB2315678afecb367f032d93F642f64180aa3'), toAddress('0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512')); // true
 */
export function sortsBefore(a: Address, b: Address): boolean {
  // Digit by digit, without allocating (strategies price pool events with it): `| 0x20` folds A-F onto
  // a-f, which the EIP-55 checksum capitalises, and leaves 0-9 below them, as their values are.
  for (let i = 2; i < 42; i++) {
    const x = a.charCodeAt(i) | 0x20;
    const y = b.charCodeAt(i) | 0x20;
    if (x !== y) return x < y;
  }
  return false;
}

/** The zero address, normalised. */
export const zeroAddress = '0x0000000000000000000000000000000000000000' as Address;

function checksum(lowerDigits: string): Address {
  const hash = keccak256Hex(lowerDigits);
  let out = '0x';
  for (let i = 0; i < 40; i++) {
    const char = lowerDigits[i]!;
    out += parseInt(hash[i + 2]!, 16) >= 8 ? char.toUpperCase() : char;
  }
  return out as Address;
}
