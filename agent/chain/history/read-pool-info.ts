import type { PublicClient } from 'viem';
import { type Address, toAddress } from '../../model/address.js';
import { MandateError } from '../../model/base-error.js';
import { uniswapV3PoolAbi } from '../generated/index.js';
import { classifyRpcError } from './classify-rpc-error.js';
import { RpcCallError, type RpcRetryOptions, withRpcRetry } from './with-rpc-retry.js';

/** The address does not answer as a Uniswap v3 pool. */
export class NotAPoolError extends MandateError {
  override name = 'NotAPoolError';
}

export type PoolInfo = { address: Address; factory: Address; token0: Address; token1: Address; fee: number; tickSpacing: number };

/** The pool's price and in-range liquidity, as after some event. */
export type PoolState = { sqrtPriceX96: bigint; tick: number; liquidity: bigint };

export type ReadPoolInfoParameters = { client: PublicClient; pool: Address; retry?: RpcRetryOptions | undefined };

/**
 * Reads a Uniswap v3 pool's immutables: factory, tokens, fee, tick spacing.
 *
 * @example
 * const info = await readPoolInfo({ client, pool });
 * info.fee; // 500
 */
export async function readPoolInfo(parameters: ReadPoolInfoParameters): Promise<PoolInfo> {
  const { client, pool, retry } = parameters;
  const read = <T>(functionName: 'factory' | 'token0' | 'token1' | 'fee' | 'tickSpacing') =>
    withRpcRetry(`${pool}.${functionName}()`, () => client.readContract({ address: pool, abi: uniswapV3PoolAbi, functionName }) as Promise<T>, retry);
  try {
    const [factory, token0, token1, fee, tickSpacing] = await Promise.all([
      read<string>('factory'),
      read<string>('token0'),
      read<string>('token1'),
      read<number>('fee'),
      read<number>('tickSpacing'),
    ]);
    return { address: pool, factory: toAddress(factory), token0: toAddress(token0), token1: toAddress(token1), fee, tickSpacing };
  } catch (error) {
    if (classifyRpcError(error).kind !== 'revert') throw error;
    throw new NotAPoolError(`${pool} is not a Uniswap v3 pool.`, {
      details: 'It does not answer factory(), token0(), token1(), fee() and tickSpacing(). Give the address of a v3 pool.',
      cause: error,
    });
  }
}

/**
 * The pool's state at the end of `blockNumber` (slot0 and liquidity), or undefined when the node cannot
 * tell: the pool did not exist or was not initialised yet, or the node keeps no state that old (not an
 * archive node).
 *
 * @example
 * const state = await readPoolStateAt({ client, pool, blockNumber: fromBlock - 1n });
 */
export async function readPoolStateAt(parameters: ReadPoolInfoParameters & { blockNumber: bigint }): Promise<PoolState | undefined> {
  const { client, pool, blockNumber, retry } = parameters;
  try {
    const [[sqrtPriceX96, tick], liquidity] = await Promise.all([
      withRpcRetry(`${pool}.slot0() at block ${blockNumber}`, () => client.readContract({ address: pool, abi: uniswapV3PoolAbi, functionName: 'slot0', blockNumber }), retry),
      withRpcRetry(`${pool}.liquidity() at block ${blockNumber}`, () => client.readContract({ address: pool, abi: uniswapV3PoolAbi, functionName: 'liquidity', blockNumber }), retry),
    ]);
    return sqrtPriceX96 === 0n ? undefined : { sqrtPriceX96, tick, liquidity };
  } catch (error) {
    if (error instanceof RpcCallError || classifyRpcError(error).kind === 'revert') return undefined;
    throw error;
  }
}
