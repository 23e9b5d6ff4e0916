import { MandateError } from '../../agent/model/base-error.js';
import type { Address } from '../../agent/model/address.js';
import type { MarketEvent, OracleUpdate } from '../../agent/model/market-event.js';
import { createSourceStats, DEFAULT_BATCH_SIZE, type HistoricalSource } from './historical-source.js';
import { createSeededRandom } from './seeded-random.js';

/**
 * Generator parameters are unusable; `key` names the parameter.
 *
 * @example
 * gbmSource({ events: -1, feed }); // throws GeneratorParameterError, key 'events'
 */
export class GeneratorParameterError extends MandateError {
  override name = 'GeneratorParameterError';
  readonly key: string;
  constructor(key: string, got: unknown, accepted: string) {
    super(`Invalid market generator parameter "${key}".`, { details: `Got ${String(got)}; ${accepted}.` });
    this.key = key;
  }
}

/** What both generators share. */
export type GeneratedMarketParameters = {
  /** How many oracle events to generate. */
  events: number;
  /** The feed address the events carry. */
  feed: Address;
  /** First event time, unix seconds. Default 1,704,067,200 (2024-01-01). */
  startTime?: number | undefined;
  /** Seconds between events. Default 60. */
  intervalSeconds?: number | undefined;
  /** Answer decimals. Default 8. */
  decimals?: number | undefined;
  /** Default 1. */
  seed?: number | undefined;
};

export type GbmSourceParameters = GeneratedMarketParameters & {
  /** First price (quote per base, human units). Default 2,000. */
  startPrice?: number | undefined;
  /** Annual drift μ (0.05 = 5 % a year). Default 0. */
  drift?: number | undefined;
  /** Annual volatility σ (0.6 = 60 %). Default 0.6, about ETH's. */
  volatility?: number | undefined;
};

const SECONDS_PER_YEAR = 365 * 86_400;

/**
 * e^x. Per-event log returns are tiny (about 1e-4 at one-second steps), where the Taylor series to x⁴ is
 * exact to double precision (the next term is below 1e-17 for |x| < 1e-3) and cheaper than Math.exp.
 */
function expOf(x: number): number {
  return x > -1e-3 && x < 1e-3 ? 1 + x * (1 + x * (0.5 + x * (1 / 6 + x / 24))) : Math.exp(x);
}

function common(parameters: GeneratedMarketParameters) {
  const { events, feed } = parameters;
  const startTime = parameters.startTime ?? 1_704_067_200;
  const intervalSeconds = parameters.intervalSeconds ?? 60;
  const decimals = parameters.decimals ?? 8;
  const seed = parameters.seed ?? 1;
  if (!Number.isSafeInteger(events) || events < 0) throw new GeneratorParameterError('events', events, 'a whole number ≥ 0 is accepted');
  if (!Number.isSafeInteger(startTime) || startTime <= 0) throw new GeneratorParameterError('startTime', startTime, 'unix seconds > 0 are accepted');
  if (!Number.isSafeInteger(intervalSeconds) || intervalSeconds <= 0) {
    throw new GeneratorParameterError('intervalSeconds', intervalSeconds, 'a whole number of seconds > 0 is accepted');
  }
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 18) throw new GeneratorParameterError('decimals', decimals, 'an integer 0..18 is accepted');
  if (!Number.isSafeInteger(seed)) throw new GeneratorParameterError('seed', seed, 'an integer is accepted');
  return { events, feed, startTime, intervalSeconds, decimals, seed, scale: 10 ** decimals };
}

/**
 * A generated source: `nextLogReturn()` is called once per event after the first; events are created one
 * batch at a time as the engine asks for them, so ten million events never exist at once.
 */
function logReturnSource(
  kind: 'gbm' | 'bootstrap',
  label: string,
  settings: ReturnType<typeof common>,
  startPrice: number,
  nextLogReturn: () => number,
): HistoricalSource {
  const counts = createSourceStats();
  const { events, feed, startTime, intervalSeconds, decimals, scale } = settings;
  return {
    kind,
    label,
    expectedEvents: events,
    *batches() {
      let price = startPrice;
      // Times as bigints by addition (creating a bigint from a float costs several times more), and the round
      // id is the same bigint as updatedAt: it increases strictly with time, which is all a round id must do,
      // and it is one allocation per event fewer.
      let updatedAt = BigInt(startTime - intervalSeconds);
      const step = BigInt(intervalSeconds);
      for (let start = 0; start < events; start += DEFAULT_BATCH_SIZE) {
        const end = Math.min(events, start + DEFAULT_BATCH_SIZE);
        const batch: MarketEvent[] = new Array(end - start);
        for (let i = start; i < end; i++) {
          if (i > 0) price *= expOf(nextLogReturn());
          updatedAt += step;
          // Never 0: a generated price that rounds to nothing is floored at one unit of the last decimal.
          const units = Math.round(price * scale);
          const event: OracleUpdate = {
            kind: 'oracle',
            feed,
            roundId: updatedAt,
            answer: BigInt(units > 0 ? units : 1),
            decimals,
            updatedAt,
            time: startTime + i * intervalSeconds,
          };
          batch[i - start] = event;
        }
        counts.rows += batch.length;
        counts.emitted += batch.length;
        yield batch;
      }
    },
    stats: () => counts.snapshot(),
  };
}

/**
 * Geometric Brownian motion: log price steps of (μ − σ²/2)·dt + σ·√dt·Z, dt = interval / year, Z standard
 * normal from a seeded generator. Same parameters and seed ⇒ the same events, for any length.
 *
 * @example
 * const source = gbmSource({ events: 10_000_000, feed: ethUsd, volatility: 0.8, seed: 7 });
 */
export function gbmSource(parameters: GbmSourceParameters): HistoricalSource {
  const settings = common(parameters);
  const startPrice = parameters.startPrice ?? 2_000;
  const drift = parameters.drift ?? 0;
  const volatility = parameters.volatility ?? 0.6;
  if (!(startPrice > 0) || !Number.isFinite(startPrice)) throw new GeneratorParameterError('startPrice', startPrice, 'a finite price > 0 is accepted');
  if (!Number.isFinite(drift)) throw new GeneratorParameterError('drift', drift, 'a finite annual rate is accepted');
  if (!(volatility >= 0) || !Number.isFinite(volatility)) throw new GeneratorParameterError('volatility', volatility, 'a finite annual volatility ≥ 0 is accepted');
  const dt = settings.intervalSeconds / SECONDS_PER_YEAR;
  const mean = (drift - (volatility * volatility) / 2) * dt;
  const deviation = volatility * Math.sqrt(dt);
  const random = createSeededRandom(settings.seed);
  return logReturnSource(
    'gbm',
    `gbm(events=${settings.events}, start=${startPrice}, drift=${drift}, volatility=${volatility}, seed=${settings.seed})`,
    settings,
    startPrice,
    () => mean + deviation * random.normal(),
  );
}

export type BootstrapSourceParameters = GeneratedMarketParameters & {
  /** The real prices to resample (e.g. the Chainlink history), oldest first; at least blockLength + 1. */
  prices: readonly number[];
  /** Consecutive returns drawn together, keeping short-range autocorrelation and volatility clusters. Default 24. */
  blockLength?: number | undefined;
  /** First price. Default the first of `prices`. */
  startPrice?: number | undefined;
};

/**
 * Block bootstrap of real returns: the log returns of `prices` are resampled in blocks of `blockLength`
 * consecutive returns, each block starting at a seeded random position, for as many events as asked. The
 * returns array holds one number per real price (the source file's size); the generated events are lazy.
 *
 * @example
 * const prices = rounds.map((r) => Number(r.answer) / 1e8);
 * const source = bootstrapSource({ prices, events: 1_000_000, feed: ethUsd, blockLength: 24, seed: 3 });
 */
export function bootstrapSource(parameters: BootstrapSourceParameters): HistoricalSource {
  const settings = common(parameters);
  const { prices } = parameters;
  const blockLength = parameters.blockLength ?? 24;
  if (!Number.isSafeInteger(blockLength) || blockLength < 1) {
    throw new GeneratorParameterError('blockLength', blockLength, 'a whole number ≥ 1 is accepted');
  }
  if (prices.length < blockLength + 1 || prices.some((p) => !(p > 0) || !Number.isFinite(p))) {
    throw new GeneratorParameterError('prices', `${prices.length} prices`, `at least blockLength + 1 = ${blockLength + 1} finite prices > 0 are accepted`);
  }
  const returns = new Float64Array(prices.length - 1);
  for (let i = 1; i < prices.length; i++) returns[i - 1] = Math.log(prices[i]! / prices[i - 1]!);
  const random = createSeededRandom(settings.seed);
  const startPrice = parameters.startPrice ?? prices[0]!;
  let position = 0;
  let left = 0;
  return logReturnSource(
    'bootstrap',
    `bootstrap(events=${settings.events}, of ${prices.length} prices, block=${blockLength}, seed=${settings.seed})`,
    settings,
    startPrice,
    () => {
      if (left === 0) {
        position = random.int(returns.length - blockLength + 1);
        left = blockLength;
      }
      left--;
      return returns[position++]!;
    },
  );
}
