import { arbitrumPreset } from './arbitrum.js';
import { basePreset } from './base.js';
import type { ChainPreset } from './chain-preset.js';
import { ethereumPreset } from './ethereum.js';

/**
 * The public chains by preset name.
 *
 * @example
 * chainPresets.base.chainId; // 8453
 */
export const chainPresets: Readonly<Record<ChainPreset['name'], ChainPreset>> = {
  ethereum: ethereumPreset,
  base: basePreset,
  arbitrum: arbitrumPreset,
};

/**
 * The preset for a config's `chain.preset`, or undefined for 'devnet' (use the devnet manifest).
 *
 * @example
 * getChainPreset('arbitrum')?.uniswapV3.quoterV2;
 * getChainPreset('devnet'); // undefined
 */
export function getChainPreset(name: string): ChainPreset | undefined {
  return Object.hasOwn(chainPresets, name) ? chainPresets[name as ChainPreset['name']] : undefined;
}

/**
 * The preset whose chain id this is, e.g. to check that an RPC URL points at the configured chain.
 *
 * @example
 * getChainPresetById(42161)?.name; // 'arbitrum'
 */
export function getChainPresetById(chainId: number): ChainPreset | undefined {
  return Object.values(chainPresets).find((preset) => preset.chainId === chainId);
}
