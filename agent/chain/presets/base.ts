import { toAddress } from '../../model/address.js';
import { UNISWAP_V3_POOL_INIT_CODE_HASH, type ChainPreset } from './chain-preset.js';

/**
 * Base. Uniswap v3 here has its own addresses and no original SwapRouter: only SwapRouter02, whose
 * `exactInputSingle` has no `deadline` field. A vault on Base must therefore be built for the
 * SwapRouter02 interface (`router.kind`); the devnet and Ethereum/Arbitrum use the original.
 * Sources: docs.uniswap.org (v3 Base deployments), docs.base.org (contracts), docs.chain.link (price
 * feeds on Base, L2 sequencer uptime feeds), Circle (native USDC).
 *
 * @example
 * basePreset.uniswapV3.router.kind; // 'SwapRouter02'
 */
export const basePreset = {
  name: 'base',
  label: 'Base',
  chainId: 8453,
  isL2: true,
  uniswapV3: {
    factory: toAddress('0x33128a8fC17869897dcE68Ed026d694621f6FDfD'),
    poolInitCodeHash: UNISWAP_V3_POOL_INIT_CODE_HASH,
    router: { address: toAddress('0x2626664c2603336E57B271c5C0b26F421741e481'), kind: 'SwapRouter02' },
    swapRouter: undefined,
    swapRouter02: toAddress('0x2626664c2603336E57B271c5C0b26F421741e481'),
    nonfungiblePositionManager: toAddress('0x03a520b32C04BF3bEEf7BEb72E919cf822Ed34f1'),
    quoterV2: toAddress('0x3d4e44Eb1374240CE5F1B871ab261CD16335B76a'),
  },
  chainlink: {
    ethUsd: { address: toAddress('0x71041dddad3595F9CEd3DcCFBe3D1F4b0a16Bb70'), decimals: 8 },
    usdcUsd: { address: toAddress('0x7e860098F58bBFC8648a4311b374B1D669a2bc6B'), decimals: 8 },
    sequencerUptime: toAddress('0xBCF85224fc0756B9Fa45aA7892530B47e10b6433'),
  },
  tokens: {
    USDC: { address: toAddress('0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913'), decimals: 6, symbol: 'USDC' },
    WETH: { address: toAddress('0x4200000000000000000000000000000000000006'), decimals: 18, symbol: 'WETH' },
  },
} as const satisfies ChainPreset;
