/**
 * Chain presets: the official addresses a live agent needs on each supported chain, so that a real
 * deployment is configured with only the vault address, an RPC URL and the agent key.
 * The devnet has no preset: its addresses are whatever `mandate devnet` deployed (its manifest).
 */
export type { ChainlinkFeedPreset, ChainPreset, RouterPreset, TokenPreset } from './chain-preset.js';
export { UNISWAP_V3_POOL_INIT_CODE_HASH } from './chain-preset.js';
export { arbitrumPreset } from './arbitrum.js';
export { basePreset } from './base.js';
export { ethereumPreset } from './ethereum.js';
export { chainPresets, getChainPreset, getChainPresetById } from './chain-presets.js';
export { uniswapV3PoolAddress } from './pool-address.js';
