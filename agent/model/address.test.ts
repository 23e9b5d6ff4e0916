import { getAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import { InvalidAddressError, isAddress, sortsBefore, toAddress, type Address } from './address.js';

const checksummed = '0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640';
/** A lower-case address spread over all 160 bits, from a small number. */
const spread = (i: number, multiplier: bigint) => `0x${(BigInt(i) * multiplier).toString(16).padStart(40, '0').slice(-40)}`;

describe('toAddress', () => {
  it('gives the EIP-55 form of an all-lower, all-upper or checksummed spelling', () => {
    expect(toAddress(checksummed.toLowerCase())).toBe(checksummed);
    expect(toAddress(`0x${checksummed.slice(2).toUpperCase()}`)).toBe(checksummed);
    expect(toAddress(checksummed)).toBe(checksummed);
    expect(toAddress('0x0000000000000000000000000000000000000000')).toBe('0x0000000000000000000000000000000000000000');
  });

  it('agrees with viem on random addresses', () => {
    for (let i = 1; i < 200; i++) {
      const lower = spread(i, 0x9e3779b97f4a7c15f39cc0605cedc834n);
      expect(toAddress(lower)).toBe(getAddress(lower));
    }
  });

  it('refuses a wrong checksum or a malformed value, naming it and what is accepted', () => {
    const typo = checksummed.replace('A0c2', 'a0C2');
    expect(() => toAddress(typo, 'chain.vault')).toThrow(InvalidAddressError);
    expect(() => toAddress(typo, 'chain.vault')).toThrow(/for chain\.vault[\s\S]*checksum does not match[\s\S]*accepted: 0x followed by 40 hex digits/);
    for (const bad of ['0x12', '88e6a0c2ddd26feeb64f039a2c41296fcb3f5640', `${checksummed}00`, '0xg8e6a0c2ddd26feeb64f039a2c41296fcb3f5640']) {
      expect(() => toAddress(bad)).toThrow(/not 0x followed by 40 hex digits/);
      expect(isAddress(bad)).toBe(false);
    }
    expect(isAddress(typo)).toBe(false);
    expect(isAddress(checksummed.toLowerCase())).toBe(true);
  });

  it('is the only way to an Address: plain strings and viem addresses do not type-check', () => {
    // @ts-expect-error a string literal is not a normalised address
    const literal: Address = '0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640';
    // @ts-expect-error neither is viem's Address
    const fromViem: Address = getAddress(checksummed);
    expect([literal, fromViem]).toEqual([checksummed, checksummed]);
  });
});

describe('sortsBefore', () => {
  it('orders by the address as a number, whatever the letter case', () => {
    const usdc = toAddress('0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48');
    const weth = toAddress('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2');
    const low = toAddress('0x00000000000000000000000000000000000000a0');
    const high = toAddress('0x00000000000000000000000000000000000000a1');
    expect(sortsBefore(usdc, weth)).toBe(true);
    expect(sortsBefore(weth, usdc)).toBe(false);
    // Checksummed, '…a0' sorts after '…A1' as a string, yet is the lower address.
    expect(high).toBe('0x00000000000000000000000000000000000000A1');
    expect(low > high).toBe(true);
    expect(sortsBefore(low, high)).toBe(true);
    expect(sortsBefore(usdc, usdc)).toBe(false);
    for (let i = 1; i < 300; i++) {
      const x = toAddress(spread(i, 0x9e3779b97f4a7c15f39cc0605cedc834n));
      const y = toAddress(spread(i, 0x7f4a7c15f39cc0605cedc8349e3779b9n));
      expect(sortsBefore(x, y)).toBe(BigInt(x) < BigInt(y));
    }
  });
});
