import { chainlinkRoundColumns } from '../../agent/market/csv/chainlink-rounds.js';
import { CsvFormatError, readCsvHeader } from '../../agent/market/csv/read-csv.js';
import type { Address } from '../../agent/model/address.js';
import { chainlinkCsvSource } from './chainlink-csv-source.js';
import type { HistoricalSource } from './historical-source.js';
import { ohlcvColumns, ohlcvCsvSource, type CandleMode } from './ohlcv-csv-source.js';
import { uniswapEventColumns, uniswapEventsCsvSource } from './uniswap-events-csv-source.js';

/** The CSV layouts a backtest reads, told apart by their header. */
export type CsvLayout = 'chainlink-rounds' | 'uniswap-events' | 'ohlcv';

/**
 * The layout whose required columns a header has, or undefined.
 *
 * @example
 * detectCsvLayout(['timestamp', 'open', 'high', 'low', 'close', 'volume']); // 'ohlcv'
 */
export function detectCsvLayout(header: readonly string[]): CsvLayout | undefined {
  const has = (columns: readonly string[]) => columns.every((column) => header.includes(column));
  if (has(uniswapEventColumns)) return 'uniswap-events';
  if (has(chainlinkRoundColumns)) return 'chainlink-rounds';
  if (has(ohlcvColumns)) return 'ohlcv';
  return undefined;
}

export type OpenCsvSourceParameters = {
  path: string;
  /** The market's oracle feed: the address Chainlink and candle events carry. */
  feed: Address;
  /** The market's pool: the address Uniswap events carry. */
  pool: Address;
  /** Chainlink answer decimals (and the decimals candles are converted to). Default 8. */
  feedDecimals?: number | undefined;
  candles?: CandleMode | undefined;
};

/**
 * Opens a CSV as the right historical source for its header (Chainlink rounds, Uniswap events or OHLCV
 * candles); a header matching none is a CsvFormatError listing what each layout needs.
 *
 * @example
 * const source = await openCsvSource({ path: 'data/chainlink/eth-usd.csv', feed, pool });
 * source.kind; // 'chainlink-csv'
 */
export async function openCsvSource(parameters: OpenCsvSourceParameters): Promise<HistoricalSource> {
  const { path } = parameters;
  const header = await readCsvHeader(path);
  const layout = detectCsvLayout(header);
  switch (layout) {
    case 'chainlink-rounds':
      return chainlinkCsvSource({ path, feed: parameters.feed, decimals: parameters.feedDecimals });
    case 'uniswap-events':
      return uniswapEventsCsvSource({ path, pool: parameters.pool });
    case 'ohlcv':
      return ohlcvCsvSource({ path, feed: parameters.feed, decimals: parameters.feedDecimals, mode: parameters.candles });
    default:
      // A first line of numbers is data, not a header: say so, rather than list its numbers as columns.
      if (header.filter((cell) => cell !== '').every((cell) => /^-?\d+(\.\d+)?$/.test(cell))) {
        throw new CsvFormatError(`CSV file ${path} has no header row.`, {
          details:
            `Its first line is data (${header.slice(0, 4).join(', ')}…). Add a header line naming the columns: ${chainlinkRoundColumns.join(',')} ` +
            `for Chainlink rounds (a decimals column is read too), ${ohlcvColumns.join(',')} for candles, or the Uniswap events layout (mandate data fetch uniswap writes it).`,
        });
      }
      throw new CsvFormatError(`CSV file ${path} is in no layout a backtest reads.`, {
        details:
          `Found columns: ${header.join(', ')}. Accepted: Chainlink rounds (${chainlinkRoundColumns.join(', ')}), ` +
          `Uniswap events (${uniswapEventColumns.join(', ')}), or OHLCV candles (${ohlcvColumns.join(', ')}).`,
      });
  }
}
