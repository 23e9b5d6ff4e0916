import { statSync } from 'node:fs';
import { MandateError } from '../../model/base-error.js';

/**
 * A data file that is missing or cannot be read: names the path, why, and what a backtest accepts.
 *
 * @example
 * await hashDataFile('missing.csv'); // throws DataFileError
 */
export class DataFileError extends MandateError {
  override name = 'DataFileError';
  readonly path: string;
  constructor(path: string, problem: string, cause?: unknown) {
    super(`Cannot read the data file ${path}: ${problem}.`, {
      details:
        'A backtest reads a CSV file (or .csv.gz) of Chainlink rounds (round,answer,start,update,answeredInRound[,decimals]), Uniswap v3 pool events (the `mandate data fetch uniswap` layout) or OHLCV candles (timestamp,open,high,low,close,volume). `mandate data fetch` writes the first two from any RPC.',
      cause,
    });
    this.path = path;
  }
}

/**
 * Throws a DataFileError naming the path when it is not a readable, non-empty file.
 *
 * @example
 * checkDataFile('data/chainlink/eth-usd.csv');
 */
export function checkDataFile(path: string): void {
  let size: number;
  try {
    const stats = statSync(path);
    if (!stats.isFile()) throw new DataFileError(path, 'it is not a file');
    size = stats.size;
  } catch (error) {
    if (error instanceof DataFileError) throw error;
    const code = (error as { code?: string }).code;
    throw new DataFileError(path, code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'permission denied' : String(error), error);
  }
  if (size === 0) throw new DataFileError(path, 'it is empty');
}
