import { createRequire } from 'node:module';
import { getAddress, isAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import type { Address } from '../../model/address.js';
import { arbitrumPreset, basePreset, chainPresets, ethereumPreset, getChainPreset, getChainPresetById, uniswapV3PoolAddress, type ChainPreset } from './index.js';

// v3-sdk's ESM build breaks under Node, so load its CommonJS build.
const require = createRequire(import.meta.url);
const { computePoolAddress, POOL_INIT_CODE_HASH } = require('@uniswap/v3-sdk') as typeof import('@uniswap/v3-sdk');
const { Token } = require('@uniswap/sdk-core') as typeof import('@uniswap/sdk-core');

/** Every address in a preset, by its key path. */
function addressesOf(preset: ChainPreset): Array<[string, Address]> {
  const out: Array<[string, Address]> = [];
  const walk = (value: unknown, path: string) => {
    if (typeof value === 'string' && /^0x[0-9a-fA-F]{40}$/.test(value)) out.push([path, value as Address]);
    else if (value && typeof value === 'object') for (const [key, child] of Object.entries(value)) walk(child, `${path}.${key}`);
  };
  walk(preset, preset.name);
  return out;
}

const presets = Object.values(chainPresets);

describe('chain presets', () => {
  it.each(presets.map((preset) => [preset.name, preset] as const))('%s: every address is a valid, EIP-55 checksummed address', (_name, preset) => {
    const addresses = addressesOf(preset);
    expect(addresses.length).toBeGreaterThanOrEqual(10);
    for (const [path, address] of addresses) {
      expect(isAddress(address, { strict: true }), path).toBe(true);
      expect(address, path).toBe(getAddress(address));
    }
  });

  it.each(presets.map((preset) => [preset.name, preset] as const))('%s: addresses that must differ are distinct', (_name, preset) => {
    // The router appears twice on purpose (as `router` and under its own name); everything else is one contract each.
    const addresses = addressesOf(preset).filter(([path]) => !path.endsWith('.router.address'));
    const seen = new Map<string, string>();
    for (const [path, address] of addresses) {
      expect(seen.get(address), `${path} repeats ${seen.get(address)}`).toBeUndefined();
      seen.set(address, path);
    }
  });

  it('uses distinct chain ids and the official ones', () => {
    expect(presets.map((preset) => preset.chainId)).toEqual([1, 8453, 42161]);
    expect(getChainPresetById(42161)).toBe(arbitrumPreset);
    expect(getChainPresetById(31337)).toBeUndefined();
  });

  it('names the router each chain has: the original SwapRouter, except on Base (SwapRouter02 only)', () => {
    expect(ethereumPreset.uniswapV3.router).toEqual({ address: ethereumPreset.uniswapV3.swapRouter, kind: 'SwapRouter' });
    expect(arbitrumPreset.uniswapV3.router).toEqual({ address: arbitrumPreset.uniswapV3.swapRouter, kind: 'SwapRouter' });
    expect(basePreset.uniswapV3.swapRouter).toBeUndefined();
    expect(basePreset.uniswapV3.router).toEqual({ address: basePreset.uniswapV3.swapRouter02, kind: 'SwapRouter02' });
  });

  it('has a sequencer uptime feed exactly on the L2s', () => {
    for (const preset of presets) expect(preset.chainlink.sequencerUptime !== undefined, preset.name).toBe(preset.isL2);
  });

  it('returns presets by name, and none for the devnet', () => {
    expect(getChainPreset('base')).toBe(basePreset);
    expect(getChainPreset('devnet')).toBeUndefined();
    expect(getChainPreset('toString')).toBeUndefined();
  });
});

describe('uniswapV3PoolAddress', () => {
  it('uses the same pool init code hash as v3-sdk', () => {
    for (const preset of presets) expect(preset.uniswapV3.poolInitCodeHash).toBe(POOL_INIT_CODE_HASH);
  });

  it.each(presets.flatMap((preset) => [500, 3000, 10000].map((fee) => [preset.name, fee, preset] as const)))(
    '%s fee %i: matches v3-sdk computePoolAddress in both token orders',
    (_name, fee, preset) => {
      const usdc = new Token(preset.chainId, preset.tokens.USDC.address, 6);
      const weth = new Token(preset.chainId, preset.tokens.WETH.address, 18);
      const expected = computePoolAddress({ factoryAddress: preset.uniswapV3.factory, tokenA: usdc, tokenB: weth, fee });
      expect(uniswapV3PoolAddress(preset.uniswapV3, preset.tokens.USDC.address, preset.tokens.WETH.address, fee)).toBe(expected);
      expect(uniswapV3PoolAddress(preset.uniswapV3, preset.tokens.WETH.address, preset.tokens.USDC.address, fee)).toBe(expected);
    },
  );

  // The busiest USDC/WETH 0.05 % pool of each chain: a wrong factory, token or hash would miss it.
  it.each([
    ['ethereum', ethereumPreset, '0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640'],
    ['arbitrum', arbitrumPreset, '0xC6962004f452bE9203591991D15f6b388e09E8D0'],
    ['base', basePreset, '0xd0b53D9277642d899DF5C87A3966A349A798F224'],
  ] as const)('%s: finds the known USDC/WETH 0.05 %% pool', (_name, preset, pool) => {
    expect(uniswapV3PoolAddress(preset.uniswapV3, preset.tokens.USDC.address, preset.tokens.WETH.address, 500)).toBe(pool);
  });
});
