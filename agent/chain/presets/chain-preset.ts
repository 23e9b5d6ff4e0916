import type { Address, Hex } from '../../model/address.js';

/** A Chainlink price feed (the EACAggregatorProxy address). */
export type ChainlinkFeedPreset = {
  readonly address: Address;
  /** Decimals of `answer`; 8 for every USD pair. */
  readonly decimals: number;
};

export type TokenPreset = {
  readonly address: Address;
  readonly decimals: number;
  readonly symbol: string;
};

/**
 * Which swap router the vault should call, and which interface it speaks. The original SwapRouter's
 * `exactInputSingle` params include a `deadline`; SwapRouter02's do not (it takes the deadline through
 * `multicall(deadline, data)` instead), so a vault wired to one cannot call the other.
 */
export type RouterPreset = {
  readonly address: Address;
  readonly kind: 'SwapRouter' | 'SwapRouter02';
};

/**
 * Everything the agent needs to know about a public chain besides the vault, the RPC URL and the agent
 * key: chain id, the official Uniswap v3 deployment, Chainlink feeds and the USDC/WETH tokens.
 */
export type ChainPreset = {
  readonly name: 'ethereum' | 'base' | 'arbitrum';
  readonly label: string;
  readonly chainId: number;
  /** True on rollups, where an oracle answer is only trustworthy while the sequencer is up. */
  readonly isL2: boolean;
  readonly uniswapV3: {
    readonly factory: Address;
    /** keccak256 of the pool creation code; with the factory it determines every pool address. */
    readonly poolInitCodeHash: Hex;
    /** The router a vault on this chain should be deployed with. */
    readonly router: RouterPreset;
    /** The original SwapRouter (v3-periphery), where it was deployed; Base never had one. */
    readonly swapRouter: Address | undefined;
    readonly swapRouter02: Address;
    readonly nonfungiblePositionManager: Address;
    readonly quoterV2: Address;
  };
  readonly chainlink: {
    readonly ethUsd: ChainlinkFeedPreset;
    readonly usdcUsd: ChainlinkFeedPreset;
    /** The L2 sequencer uptime feed (answer 0 = up, 1 = down); undefined on L1. */
    readonly sequencerUptime: Address | undefined;
  };
  readonly tokens: {
    readonly USDC: TokenPreset;
    readonly WETH: TokenPreset;
  };
};

/**
 * Every chain here uses the canonical v3-core pool bytecode (the npm artifact's hash, as in v3-sdk).
 *
 * @example
 * uniswapV3PoolAddress({ factory, poolInitCodeHash: UNISWAP_V3_POOL_INIT_CODE_HASH }, usdc, weth, 500);
 */
export const UNISWAP_V3_POOL_INIT_CODE_HASH: Hex = '0xe34f199b19b2b4f47f68442619d555527d244f78a3297ea89325f843f87b8b54';
