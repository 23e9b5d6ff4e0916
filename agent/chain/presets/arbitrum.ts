import { toAddress } from '../../model/address.js';
import { UNISWAP_V3_POOL_INIT_CODE_HASH, type ChainPreset } from './chain-preset.js';

/**
 * Arbitrum One. Uniswap v3 shares Ethereum's addresses here. USDC is Circle's native USDC (not the
 * bridged USDC.e). Sources: docs.uniswap.org (v3 Arbitrum deployments), docs.chain.link (price feeds on
 * Arbitrum, L2 sequencer uptime feeds), Circle.
 *
 * @example
 * arbitrumPreset.chainlink.sequencerUptime; // check it is up before trusting a price
 */
export const arbitrumPreset = {
  name: 'arbitrum',
  label: 'Arbitrum One',
  chainId: 42161,
  isL2: true,
  uniswapV3: {
    factory: toAddress('0x1F98431c8aD98523631AE4a59f267346ea31F984'),
    poolInitCodeHash: UNISWAP_V3_POOL_INIT_CODE_HASH,
    router: { address: toAddress('0xE592427A0AEce92De3Edee1F18E0157C05861564'), kind: 'SwapRouter' },
    swapRouter: toAddress('0xE592427A0AEce92De3Edee1F18E0157C05861564'),
    swapRouter02: toAddress('0x68b3465833fb72A70ecDF485E0e4C7bD8665Fc45'),
    nonfungiblePositionManager: toAddress('0xC36442b4a4522E871399CD717aBDD847Ab11FE88'),
    quoterV2: toAddress('0x61fFE014bA17989E743c5F6cB21bF9697530B21e'),
  },
  chainlink: {
    ethUsd: { address: toAddress('0x639Fe6ab55C921f74e7fac1ee960C0B6293ba612'), decimals: 8 },
    usdcUsd: { address: toAddress('0x50834F3163758fcC1Df9973b6e91f0F0F0434aD3'), decimals: 8 },
    sequencerUptime: toAddress('0xFdB631F5EE196F0ed6FAa767959853A9F217697D'),
  },
  tokens: {
    USDC: { address: toAddress('0xaf88d065e77c8cC2239327C5EDb3A432268e5831'), decimals: 6, symbol: 'USDC' },
    WETH: { address: toAddress('0x82aF49447D8a07e3bd95BD0d56f35241523fBab1'), decimals: 18, symbol: 'WETH' },
  },
} as const satisfies ChainPreset;
