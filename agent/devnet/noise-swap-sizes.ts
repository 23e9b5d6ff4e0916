import { MandateError } from '../model/base-error.js';
import { readCsv, readCsvHeader, requireColumns } from '../market/csv/read-csv.js';
import { sampleData } from '../market/sample-data.js';

/** The sample day of real USDC/WETH 0.05 % swaps (token0 = USDC, token1 = WETH) shipped in data/. */
export const defaultNoiseSwapsCsvPath = sampleData.usdcWethEvents;

/** A swap size taken from a real swap: which token was paid into the pool, and how much (raw units). */
export type NoiseSwapSize = { tokenIn: 'USDC' | 'WETH'; amountIn: bigint };

/**
 * The events file has no SWAP row to draw sizes from.
 *
 * @example
 * await loadNoiseSwapSizes('mints-only.csv'); // throws NoSwapRowsError
 */
export class NoSwapRowsError extends MandateError {
  override name = 'NoSwapRowsError';
}

/**
 * Reads the sizes of the real swaps in a Uniswap v3 events CSV (columns by header name: tx_type,
 * amount0, amount1, with token0 = USDC and token1 = WETH as in the shared file). On a SWAP row the
 * positive amount is what the swapper paid in; that side and amount become one size.
 *
 * @example
 * const sizes = await loadNoiseSwapSizes(); // [{ tokenIn: 'WETH', amountIn: 10000000000000000n }, ...]
 */
export async function loadNoiseSwapSizes(path: string = defaultNoiseSwapsCsvPath): Promise<NoiseSwapSize[]> {
  requireColumns(path, await readCsvHeader(path), ['tx_type', 'amount0', 'amount1']);
  const sizes: NoiseSwapSize[] = [];
  for await (const { values } of readCsv(path)) {
    if (values.tx_type !== 'SWAP') continue;
    const amount0 = /^-?\d+$/.test(values.amount0!) ? BigInt(values.amount0!) : undefined;
    const amount1 = /^-?\d+$/.test(values.amount1!) ? BigInt(values.amount1!) : undefined;
    if (amount0 === undefined || amount1 === undefined) continue;
    if (amount0 > 0n) sizes.push({ tokenIn: 'USDC', amountIn: amount0 });
    else if (amount1 > 0n) sizes.push({ tokenIn: 'WETH', amountIn: amount1 });
  }
  if (sizes.length === 0) throw new NoSwapRowsError(`No SWAP rows with a positive amount in ${path}.`);
  return sizes;
}
