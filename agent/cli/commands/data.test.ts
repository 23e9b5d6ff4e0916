import { describe, expect, it } from 'vitest';
import { basePreset, ethereumPreset } from '../../chain/presets/index.js';
import { DataFetchOptionError, resolveFeed } from './data.js';

describe('resolveFeed', () => {
  it("takes a pair of the chain's preset, however it is spelled, or an address", () => {
    for (const pair of ['ETH/USD', 'eth/usd', 'ETH-USD', 'ETH / USD']) {
      expect(resolveFeed(pair, { manifest: undefined, preset: ethereumPreset, chainId: 1 })).toEqual({ address: '0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419', pair: 'ETH/USD' });
    }
    expect(resolveFeed('USDC/USD', { manifest: undefined, preset: basePreset, chainId: 8453 }).address).toBe(basePreset.chainlink.usdcUsd.address);
    expect(resolveFeed('0x5f4ec3df9cbd43714fe2740f5e3616155c5b8419', { manifest: undefined, preset: undefined, chainId: 31337 })).toEqual({
      address: '0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419',
      pair: undefined,
    });
  });

  it('names the pairs it knows, or says to give an address where there is no preset', () => {
    const unknown = (() => {
      try {
        return resolveFeed('BTC/USD', { manifest: undefined, preset: ethereumPreset, chainId: 1 });
      } catch (error) {
        return error as DataFetchOptionError;
      }
    })() as DataFetchOptionError;
    expect(unknown).toBeInstanceOf(DataFetchOptionError);
    expect(unknown.shortMessage).toBe('Unknown feed "BTC/USD" on the ethereum preset.');
    expect(unknown.details).toMatch(/Pairs: ETH\/USD, USDC\/USD; or the feed's proxy address/);
    expect(() => resolveFeed('ETH/USD', { manifest: undefined, preset: undefined, chainId: 31337 })).toThrow(/chain 31337, which has no preset/);
  });
});
