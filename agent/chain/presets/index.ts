/**
 * Chain presets: the official addresses a live agent needs on each supported chain, so that a real
 * deployment is configured with only the vault address, an RPC URL and the agent key.
 * The devnet has no preset: its addresses are whatever `mandate devnet` deployed (its manifest).
 */
import { arbitrumPreset } from './arbitrum.js';
import { basePreset } from './base.js';
import type { ChainPreset } from './chain-preset.js';
import { ethereumPreset } from './ethereum.js';

export type { ChainlinkFeedPreset, ChainPreset, RouterPreset, TokenPreset } from './chain-preset.js';
export { UNISWAP_V3_POOL_INIT_CODE_HASH } from './chain-preset.js';
export { uniswapV3PoolAddress } from './pool-address.js';
export { arbitrumPreset, basePreset, ethereumPreset };

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
