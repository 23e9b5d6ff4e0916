import { toAddress } from '../../model/address.js';
import { UNISWAP_V3_POOL_INIT_CODE_HASH, type ChainPreset } from './chain-preset.js';

/**
 * Ethereum mainnet. Sources: docs.uniswap.org (v3 Ethereum deployments), docs.chain.link (price feed
 * addresses, network Ethereum), Circle (USDC). The USDC/WETH 0.05 % pool these give,
 * 0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640, is the one in data/ (a test checks it).
 *
 * @example
 * ethereumPreset.uniswapV3.router.address; // the original SwapRouter
 */
export const ethereumPreset = {
  name: 'ethereum',
  label: 'Ethereum mainnet',
  chainId: 1,
  isL2: false,
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
    ethUsd: { address: toAddress('0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419'), decimals: 8 },
    usdcUsd: { address: toAddress('0x8fFfFfd4AfB6115b954Bd326cbe7B4BA576818f6'), decimals: 8 },
    sequencerUptime: undefined,
  },
  tokens: {
    USDC: { address: toAddress('0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48'), decimals: 6, symbol: 'USDC' },
    WETH: { address: toAddress('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2'), decimals: 18, symbol: 'WETH' },
  },
} as const satisfies ChainPreset;
