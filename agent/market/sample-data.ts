import { join } from 'node:path';
import { packageRoot } from '../model/package-root.js';

/**
 * The real market history that ships in the package's `data/` folder (provenance in data/README.md).
 * Absolute paths, resolved from this module rather than the working directory, so the demo, the devnet
 * and the docs' examples work from any folder and from an installed package.
 *
 * @example
 * const { rounds } = await readChainlinkRounds(sampleData.ethUsdRounds);
 */
export const sampleData = {
  /** Every round of Chainlink's ETH/USD aggregator on Ethereum, phase 6, 2023-04-05 to 2024-01-29, newest first. */
  ethUsdRounds: dataPath('chainlink/eth-usd.csv'),
  /** Every event of the Uniswap v3 USDC/WETH 0.05 % pool on Ethereum on 2024-01-05, decoded. */
  usdcWethEvents: dataPath('uniswap-v3/usdc-weth-500-2024-01-05.events.csv'),
  /** The same events as raw logs, as an RPC node returns them. */
  usdcWethLogs: dataPath('uniswap-v3/usdc-weth-500-2024-01-05.logs.csv'),
  /** One-minute bars of the same pool and day. */
  usdcWethMinutes: dataPath('uniswap-v3/usdc-weth-500-2024-01-05.minute.csv'),
} as const;

function dataPath(relative: string): string {
  return join(packageRoot(), 'data', relative);
}
