import { ethereumPreset } from '../agent/chain/presets/ethereum.js';
import { toAddress } from '../agent/model/address.js';
import type { StrategyMarket } from '../strategies/define-strategy.js';

/**
 * The market backtests trade by default: Ethereum mainnet's WETH/USDC with the Chainlink ETH/USD feed and
 * the USDC/WETH 0.05 % pool, the addresses the data in data/ comes from. The CSVs carry no
 * addresses; events are stamped with these, so strategies and the policy find their feed and pool.
 *
 * @example
 * await runBacktest({ strategy: 'trend', data: csvPath, market: backtestMarket });
 */
export const backtestMarket: StrategyMarket = {
  oracle: ethereumPreset.chainlink.ethUsd.address,
  pool: toAddress('0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640'),
  poolFee: 500,
  base: ethereumPreset.tokens.WETH,
  quote: ethereumPreset.tokens.USDC,
};
