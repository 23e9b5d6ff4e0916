import { describe, expect, it } from 'vitest';
import { addressSchema, dateSchema, decimalAmountSchema, rpcUrlSchema } from './config-fields.js';
import { didYouMean } from '../model/did-you-mean.js';

// The USDC/WETH 0.05 % pool of data/, in its EIP-55 form.
const POOL = '0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640';

describe('addressSchema', () => {
  it('accepts a checksummed address unchanged', () => {
    expect(addressSchema.parse(POOL)).toBe(POOL);
  });

  it('accepts an all-lowercase address and returns it checksummed', () => {
    expect(addressSchema.parse(POOL.toLowerCase())).toBe(POOL);
  });

  it('rejects mixed case with a wrong checksum and says the checksum is wrong', () => {
    const flipped = POOL.replace('88e6A', '88E6a');
    const result = addressSchema.safeParse(flipped);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/wrong EIP-55 checksum/);
  });

  it('rejects strings that are not 20-byte hex', () => {
    for (const bad of ['0x1234', POOL.slice(2), `${POOL}00`, '0xZZe6a0c2ddd26feeb64f039a2c41296fcb3f5640']) {
      const result = addressSchema.safeParse(bad);
      expect(result.error?.issues[0]?.message, bad).toMatch(/is not an address/);
    }
  });
});

describe('decimalAmountSchema', () => {
  const usd = decimalAmountSchema('USD');

  it('canonicalises decimal strings and whole numbers to decimal strings', () => {
    expect(usd.parse('0012.50')).toBe('12.5');
    expect(usd.parse('1000')).toBe('1000');
    expect(usd.parse('0.000000000000000001')).toBe('0.000000000000000001');
    expect(usd.parse(2500)).toBe('2500');
    expect(usd.parse('0')).toBe('0');
  });

  it('rejects negative amounts as numbers and as strings', () => {
    for (const bad of [-1, '-1', '-0.5']) {
      expect(usd.safeParse(bad).error?.issues[0]?.message, String(bad)).toBe('must not be negative');
    }
  });

  it('rejects fractional numbers because a float cannot hold money exactly', () => {
    expect(usd.safeParse(0.1).error?.issues[0]?.message).toMatch(/decimal string/);
  });

  it('rejects what is not a plain decimal', () => {
    for (const bad of ['1e6', '1,000', 'abc', '', '.5', '1.']) {
      expect(usd.safeParse(bad).success, bad).toBe(false);
    }
    expect(usd.safeParse(`1.${'1'.repeat(19)}`).error?.issues[0]?.message).toMatch(/more than 18 decimal places/);
  });
});

describe('rpcUrlSchema and dateSchema', () => {
  it('accepts http(s) and ws(s) URLs only', () => {
    for (const good of ['http://127.0.0.1:8545', 'https://rpc.example.org/v2/key', 'wss://rpc.example.org']) {
      expect(rpcUrlSchema.safeParse(good).success, good).toBe(true);
    }
    for (const bad of ['ftp://example.org', 'localhost:8545', 'not a url']) {
      expect(rpcUrlSchema.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('accepts real YYYY-MM-DD dates only', () => {
    expect(dateSchema.safeParse('2023-10-01').success).toBe(true);
    expect(dateSchema.safeParse('2023-13-01').success).toBe(false);
    expect(dateSchema.safeParse('2023-02-30').success).toBe(false);
    expect(dateSchema.safeParse('1 Oct 2023').success).toBe(false);
  });
});

describe('didYouMean', () => {
  it('suggests the closest known name for a typo, case-insensitively', () => {
    expect(didYouMean('maxTradeUSD', ['maxTradeUsd', 'cooldownSeconds'])).toBe('maxTradeUsd');
    expect(didYouMean('trnd', ['trend', 'dca', 'mean-reversion'])).toBe('trend');
    expect(didYouMean('mean-revertion', ['trend', 'dca', 'mean-reversion'])).toBe('mean-reversion');
  });

  it('suggests nothing for an unrelated word', () => {
    expect(didYouMean('banana', ['trend', 'dca'])).toBeUndefined();
  });
});
