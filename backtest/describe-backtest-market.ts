import { existsSync, readFileSync } from 'node:fs';
import { ethereumPreset } from '../agent/chain/presets/ethereum.js';
import { MandateError } from '../agent/model/base-error.js';
import { keccak256Hex } from '../agent/model/keccak.js';
import { toAddress, type Address } from '../agent/model/address.js';
import { readCsv, readCsvHeader } from '../agent/market/csv/read-csv.js';
import type { StrategyMarket, StrategyToken } from '../strategies/define-strategy.js';
import { backtestMarket } from './backtest-market.js';
import type { GasPayment } from './simulated-executor.js';
import { detectCsvLayout } from './sources/open-csv-source.js';

/**
 * What a backtest's data and flags say about its market, or a clear refusal. The flags name the pair
 * (`--base WBTC:8`, `--quote USDC:6`, or SYMBOL:DECIMALS:ADDRESS), the feed's decimals (`--decimals`), the
 * native token's price when neither token is the native one (`--native-usd`) and the quote's USD price
 * (`--quote-usd`) for the policy's USD limits.
 */
export type DescribeBacktestMarketParameters = {
  /** The data file (a CSV): its `decimals` column and its `<file>.meta.json` are read. */
  path?: string | undefined;
  decimals?: number | undefined;
  base?: string | undefined;
  quote?: string | undefined;
  nativeUsd?: number | undefined;
  quoteUsd?: number | undefined;
};

export type BacktestMarketDescription = {
  market: StrategyMarket;
  /** The feed's answer decimals the data is read with. */
  feedDecimals: number;
  /** Where the decimals came from. */
  decimalsFrom: 'flag' | 'column' | 'meta' | 'default';
  /** Whether the quote token is a USD stablecoin: else capital and results are in quote units. */
  quoteIsUsd: boolean;
  /** The quote token's USD price the policy values trades with (1 for a USD stablecoin). */
  quoteUsd: number;
  gas: GasPayment;
  /** Things the user should know (a default assumed, limits read in quote units). */
  warnings: string[];
};

/**
 * A backtest's market cannot be named from the data and flags: says which flag would settle it.
 *
 * @example
 * describeBacktestMarket({ base: 'WBTC:8' }); // throws: gas needs --native-usd
 */
export class BacktestMarketError extends MandateError {
  override name = 'BacktestMarketError';
}

/** The documented band a price must fall in, in quote units per base unit, under the assumed decimals. */
export const plausiblePriceBand = { min: 1e-9, max: 1e9 } as const;

const usdStablecoins = new Set(['USDC', 'USDT', 'DAI', 'USD', 'USDBC', 'USDC.E', 'FRAX', 'LUSD', 'PYUSD']);
const nativeSymbols = new Set(['ETH', 'WETH']);
const knownDecimals: Record<string, number> = { USDC: 6, USDT: 6, USDBC: 6, 'USDC.E': 6, PYUSD: 6, WBTC: 8, CBBTC: 8, BTC: 8 };
const DEFAULT_FEED_DECIMALS = 8;
const tradedToken: Record<string, string> = { ETH: 'WETH', USD: 'USDC', BTC: 'WBTC' };

/**
 * Names the market from the data and the flags. Decimals come from `--decimals`, else the file's
 * `decimals` column, else its meta file (written by `mandate data fetch`), else the documented default of
 * 8 with a warning. The pair comes from `--base`/`--quote`, else the meta file's feed description
 * ("STETH / ETH"), else WETH/USDC. A file whose first prices fall outside 1e-9 to 1e9 quote units under
 * the decimals is refused, naming `--decimals`. Gas is paid in the native token (ETH): from the base or
 * quote token when one of them is it, else at `--native-usd` (a USD quote only); without one the
 * backtest refuses rather than price gas at the base token's price.
 *
 * @example
 * await describeBacktestMarket({ path: 'steth-eth.csv', decimals: 18, base: 'stETH:18', quote: 'ETH:18' });
 */
export async function describeBacktestMarket(parameters: DescribeBacktestMarketParameters): Promise<BacktestMarketDescription> {
  const warnings: string[] = [];
  const meta = parameters.path === undefined ? undefined : readMeta(parameters.path);
  const layout = parameters.path === undefined ? undefined : detectCsvLayout(await readCsvHeader(parameters.path));
  // A feed names assets ("ETH / USD"); the pair trades their tokens (WETH/USDC).
  const [metaBase, metaQuote] = (meta?.feed?.description ?? '').split('/').map((part) => tradedToken[part.trim().toUpperCase()] ?? part.trim());
  const base = tokenOf('--base', parameters.base ?? (metaBase || undefined), backtestMarket.base);
  const quote = tokenOf('--quote', parameters.quote ?? (metaQuote || undefined), backtestMarket.quote);
  if (base.address === quote.address) throw new BacktestMarketError('The base and quote tokens are the same.', { details: `Both are ${base.symbol}; give two tokens with --base and --quote.` });

  let feedDecimals = DEFAULT_FEED_DECIMALS;
  let decimalsFrom: BacktestMarketDescription['decimalsFrom'] = 'default';
  const column = layout === 'chainlink-rounds' && parameters.path !== undefined ? await decimalsColumn(parameters.path) : undefined;
  if (parameters.decimals !== undefined) {
    if (!Number.isInteger(parameters.decimals) || parameters.decimals < 0 || parameters.decimals > 36) {
      throw new BacktestMarketError(`Invalid --decimals ${parameters.decimals}.`, { details: 'A feed answer has a whole number of decimals from 0 to 36 (8 for USD feeds, 18 for ETH feeds).' });
    }
    if (column !== undefined && column !== parameters.decimals) {
      throw new BacktestMarketError(`--decimals ${parameters.decimals} contradicts the file.`, { details: `Its decimals column says ${column}; drop --decimals or fix the file.` });
    }
    feedDecimals = parameters.decimals;
    decimalsFrom = 'flag';
  } else if (column !== undefined) {
    feedDecimals = column;
    decimalsFrom = 'column';
  } else if (typeof meta?.feed?.decimals === 'number') {
    feedDecimals = meta.feed.decimals;
    decimalsFrom = 'meta';
  } else if (layout === 'chainlink-rounds') {
    warnings.push(`The feed's decimals are not in the data (no decimals column, no .meta.json): the default of ${DEFAULT_FEED_DECIMALS} is assumed. Give --decimals if that is wrong.`);
  }
  if (layout === 'chainlink-rounds' && parameters.path !== undefined) await checkPlausiblePrices(parameters.path, feedDecimals, decimalsFrom, `${base.symbol}/${quote.symbol}`);

  const quoteIsUsd = usdStablecoins.has(quote.symbol!.toUpperCase());
  let quoteUsd = 1;
  if (parameters.quoteUsd !== undefined) {
    if (!(parameters.quoteUsd > 0)) throw new BacktestMarketError(`Invalid --quote-usd ${parameters.quoteUsd}.`, { details: 'The USD price of one quote token, a positive number.' });
    quoteUsd = parameters.quoteUsd;
  } else if (!quoteIsUsd) {
    warnings.push(`The quote token ${quote.symbol} is not USD: capital and results are in ${quote.symbol}, and the policy's USD limits apply in ${quote.symbol}. Give --quote-usd <price> to value them in USD.`);
  }

  let gas: GasPayment;
  if (nativeSymbols.has(base.symbol!.toUpperCase())) gas = { native: 'base' };
  else if (nativeSymbols.has(quote.symbol!.toUpperCase())) gas = { native: 'quote' };
  else if (parameters.nativeUsd !== undefined) {
    if (!(parameters.nativeUsd > 0)) throw new BacktestMarketError(`Invalid --native-usd ${parameters.nativeUsd}.`, { details: 'The USD price of one ETH, a positive number.' });
    if (!quoteIsUsd && parameters.quoteUsd === undefined) {
      throw new BacktestMarketError('Gas cannot be priced in the quote token.', { details: `--native-usd prices ETH in USD, but the quote ${quote.symbol} is not USD: give --quote-usd as well.` });
    }
    gas = { native: 'priced', quotePerNative: parameters.nativeUsd / quoteUsd };
  } else {
    throw new BacktestMarketError(`Gas is paid in ETH, and neither ${base.symbol} nor ${quote.symbol} is ETH.`, {
      details: `Give --native-usd <price> (the USD price of ETH over the period) so gas is charged at ETH's price, never at ${base.symbol}'s.`,
    });
  }

  return {
    market: { oracle: backtestMarket.oracle, pool: backtestMarket.pool, poolFee: backtestMarket.poolFee, base, quote },
    feedDecimals,
    decimalsFrom,
    quoteIsUsd,
    quoteUsd,
    gas,
    warnings,
  };
}

type FetchMeta = { feed?: { description?: string; decimals?: number } };

function readMeta(path: string): FetchMeta | undefined {
  const file = `${path}.meta.json`;
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as FetchMeta;
  } catch {
    return undefined;
  }
}

/** `SYMBOL[:DECIMALS[:ADDRESS]]`; WETH and USDC have their mainnet addresses, others a stand-in address. */
function tokenOf(flag: string, spec: string | undefined, fallback: StrategyToken): StrategyToken {
  if (spec === undefined) return fallback;
  const [symbol = '', decimalsText, addressText] = spec.split(':');
  if (!/^[A-Za-z0-9._-]{1,16}$/.test(symbol)) {
    throw new BacktestMarketError(`Invalid ${flag} "${spec}".`, { details: 'Give SYMBOL[:DECIMALS[:ADDRESS]], e.g. WBTC:8 or USDC:6:0xA0b8…eB48.' });
  }
  const known = Object.values(ethereumPreset.tokens).find((token) => token.symbol.toUpperCase() === symbol.toUpperCase());
  const decimals = decimalsText === undefined ? (known?.decimals ?? knownDecimals[symbol.toUpperCase()] ?? 18) : Number(decimalsText);
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 36) {
    throw new BacktestMarketError(`Invalid ${flag} "${spec}".`, { details: `Decimals are a whole number from 0 to 36; got ${decimalsText}.` });
  }
  const address: Address =
    addressText !== undefined ? toAddress(addressText, flag) : known?.address ?? toAddress(`0x${keccak256Hex(`mandate backtest token ${symbol.toUpperCase()}`).slice(-40)}`);
  return { address, decimals, symbol };
}

async function decimalsColumn(path: string): Promise<number | undefined> {
  for await (const { values } of readCsv(path)) {
    const text = values.decimals;
    if (text === undefined || text.trim() === '') return undefined;
    const value = Number(text);
    return Number.isInteger(value) ? value : undefined;
  }
  return undefined;
}

/** Refuses a file whose first valid prices are implausible under the decimals: a sign they are wrong. */
async function checkPlausiblePrices(path: string, decimals: number, from: BacktestMarketDescription['decimalsFrom'], pair: string): Promise<void> {
  let seen = 0;
  for await (const { values } of readCsv(path)) {
    const answer = Number(values.answer);
    if (!(answer > 0)) continue;
    const price = answer / 10 ** decimals;
    if (price < plausiblePriceBand.min || price > plausiblePriceBand.max) {
      throw new BacktestMarketError(`The prices in ${path} are implausible with ${decimals} decimals.`, {
        details: `The answer ${values.answer} reads as ${price.toPrecision(4)} ${pair}, outside ${plausiblePriceBand.min} to ${plausiblePriceBand.max}; the ${decimals} came from ${from === 'default' ? 'the default' : `the ${from}`}. Give the feed's decimals with --decimals (18 for feeds quoted in ETH, 8 for USD feeds).`,
      });
    }
    if (++seen === 100) return;
  }
}
