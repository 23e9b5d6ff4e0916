import { encodeAbiParameters, getContractAddress, keccak256 } from 'viem';
import { sortsBefore, toAddress, type Address } from '../../model/address.js';
import type { ChainPreset } from './chain-preset.js';

/**
 * The address of a Uniswap v3 pool, computed (CREATE2) from the factory, the two tokens in either order
 * and the fee, exactly as the factory deploys it. No RPC call needed.
 *
 * @example
 * uniswapV3PoolAddress(ethereumPreset.uniswapV3, ethereumPreset.tokens.USDC.address, ethereumPreset.tokens.WETH.address, 500);
 * // '0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640'
 */
export function uniswapV3PoolAddress(
  uniswap: Pick<ChainPreset['uniswapV3'], 'factory' | 'poolInitCodeHash'>,
  tokenA: Address,
  tokenB: Address,
  fee: number,
): Address {
  const [token0, token1] = sortsBefore(tokenA, tokenB) ? [tokenA, tokenB] : [tokenB, tokenA];
  const salt = keccak256(encodeAbiParameters([{ type: 'address' }, { type: 'address' }, { type: 'uint24' }], [token0, token1, fee]));
  return toAddress(getContractAddress({ opcode: 'CREATE2', from: uniswap.factory, salt, bytecodeHash: uniswap.poolInitCodeHash }));
}
