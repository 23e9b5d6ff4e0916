/** The columns of the Uniswap v3 events layout that replaying swaps needs (found by header name). */
export const EVENTS_COLUMNS = [
  'tx_type',
  'amount0',
  'amount1',
  'total_liquidity',
  'sqrtPriceX96',
  'current_tick',
  'tick_lower',
  'tick_upper',
  'liquidity',
] as const;

/** A SWAP row: the pool's deltas (positive = paid into the pool) and its state after the swap. */
export type SwapRow = {
  kind: 'swap';
  line: number;
  amount0: bigint;
  amount1: bigint;
  sqrtPriceX96: bigint;
  tick: number;
  liquidity: bigint;
};

/** A MINT or BURN row: `liquidity` of the range [tickLower, tickUpper) added or removed. */
export type LiquidityRow = {
  kind: 'mint' | 'burn';
  line: number;
  tickLower: number;
  tickUpper: number;
  liquidity: bigint;
};

/** A row that cannot be used, with the reason (the bad column and value). */
export type BadRow = { kind: 'bad'; line: number; type: string; reason: string };

export type EventsRow = SwapRow | LiquidityRow | { kind: 'other'; line: number } | BadRow;

const INTEGER = /^-?\d+$/;
// The shared data writes ticks as floats ("199045.0"); accept only whole values.
const WHOLE_NUMBER = /^-?\d+(\.0*)?$/;

class RowProblem extends Error {}

function integer(values: Record<string, string>, column: string): bigint {
  const text = (values[column] ?? '').trim();
  if (!INTEGER.test(text)) throw new RowProblem(`${column} is not an integer: ${JSON.stringify(text)}`);
  return BigInt(text);
}

function wholeNumber(values: Record<string, string>, column: string): number {
  const text = (values[column] ?? '').trim();
  if (!WHOLE_NUMBER.test(text)) throw new RowProblem(`${column} is not a whole number: ${JSON.stringify(text)}`);
  const value = Number.parseInt(text, 10);
  if (!Number.isSafeInteger(value)) throw new RowProblem(`${column} is out of range: ${JSON.stringify(text)}`);
  return value;
}

/**
 * Parses one row of the events layout. Never throws: a row with a missing or malformed value comes back
 * as `{ kind: 'bad', reason }` naming the column and the value, so a corrupted file is reported, not fatal.
 *
 * @example
 * parseEventsRow(2, { tx_type: 'SWAP', amount0: '-22686110', ... }); // { kind: 'swap', line: 2, ... }
 */
export function parseEventsRow(line: number, values: Record<string, string>): EventsRow {
  const type = (values.tx_type ?? '').trim().toUpperCase();
  try {
    if (type === 'SWAP') {
      const liquidity = integer(values, 'total_liquidity');
      const sqrtPriceX96 = integer(values, 'sqrtPriceX96');
      if (liquidity < 0n) throw new RowProblem(`total_liquidity is negative: ${liquidity}`);
      if (sqrtPriceX96 <= 0n) throw new RowProblem(`sqrtPriceX96 is not positive: ${sqrtPriceX96}`);
      return {
        kind: 'swap',
        line,
        amount0: integer(values, 'amount0'),
        amount1: integer(values, 'amount1'),
        sqrtPriceX96,
        tick: wholeNumber(values, 'current_tick'),
        liquidity,
      };
    }
    if (type === 'MINT' || type === 'BURN') {
      const liquidity = integer(values, 'liquidity');
      if (liquidity < 0n) throw new RowProblem(`liquidity is negative: ${liquidity}`);
      return {
        kind: type === 'MINT' ? 'mint' : 'burn',
        line,
        tickLower: wholeNumber(values, 'tick_lower'),
        tickUpper: wholeNumber(values, 'tick_upper'),
        liquidity,
      };
    }
    return { kind: 'other', line };
  } catch (error) {
    if (error instanceof RowProblem) return { kind: 'bad', line, type, reason: error.message };
    throw error;
  }
}
