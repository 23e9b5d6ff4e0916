/**
 * The strategy API: a typed, parameterised object the kernel calls once per market event.
 *
 * A strategy sees only what is in its context: validated params, its own mutable state, its instance id,
 * the market it was configured for, the portfolio balances, and the time of the event being processed.
 * It gets no chain client and no wall clock, so the same strategy runs identically live and in a backtest.
 * This file (and everything in strategies/) must not import viem, better-sqlite3 or backtest/.
 */
import { z } from 'zod';
import type { MarketSnapshot, StrategyOutcome } from '../agent/model/ports.js';
import type { Signal } from '../agent/model/decision.js';
import type { Address } from '../agent/model/address.js';
import type { OracleUpdate, PoolUpdate } from '../agent/model/market-event.js';
import { MandateError } from '../agent/model/base-error.js';
import { restoreStrategyState, saveStrategyState } from './strategy-state.js';

/** The zod object schema a strategy's params are declared with (give every key a `.default()`). */
export type ParamsSchema = z.ZodObject<z.ZodRawShape>;

/** The validated params type of a schema (defaults applied). */
export type StrategyParams<Schema extends ParamsSchema> = z.output<Schema>;

/** What a user may pass: every key with a default is optional. */
export type StrategyParamsInput<Schema extends ParamsSchema> = z.input<Schema>;

/** A token of the configured market. */
export type StrategyToken = {
  readonly address: Address;
  readonly decimals: number;
  /** For reasons and logs only (e.g. 'WETH'). */
  readonly symbol?: string | undefined;
};

/**
 * The market a strategy instance trades: which oracle feed prices the base token in the quote token,
 * which Uniswap v3 pool trades the pair, and the two tokens. Token order in the pool is derived from the
 * addresses (Uniswap's token0 is the lower address), so it is not configured.
 */
export type StrategyMarket = {
  /** Chainlink feed of the base token priced in the quote token (e.g. ETH/USD for WETH/USDC). */
  readonly oracle?: Address | undefined;
  /** Uniswap v3 pool of base/quote. */
  readonly pool?: Address | undefined;
  /** The pool's fee in hundredths of a bip (500 = 0.05 %), as Uniswap spells it. */
  readonly poolFee?: number | undefined;
  readonly base: StrategyToken;
  readonly quote: StrategyToken;
};

/** Which market sources a strategy needs configured. */
export type MarketSource = 'oracle' | 'pool';

/** What `init` receives: everything but the state it is about to create. */
export type StrategyInitContext<Params> = {
  /** The instance id (the configured strategy id); put it in every Signal's `strategyId`. */
  readonly id: string;
  /** The validated params, defaults applied. */
  readonly params: Readonly<Params>;
  /** The market this instance was configured for. */
  readonly market: StrategyMarket;
};

/** What `onMarket` receives besides the snapshot. */
export type StrategyContext<Params, State> = StrategyInitContext<Params> & {
  /** The instance's own mutable state, as returned by `init`. Mutate it in place. */
  readonly state: State;
  /** The time of the event being processed, unix seconds. The only clock a strategy has. */
  now(): number;
  /** The latest round of the configured oracle feed seen so far (this event included), if any. */
  latestOracle(): OracleUpdate | undefined;
  /** The latest state of the configured pool seen so far (this event included), if any. */
  latestPool(): PoolUpdate | undefined;
  /**
   * The portfolio's latest balances per token address, base units. Empty until the kernel calls
   * `instance.setBalances`. Used by strategies that size against holdings (the rebalancer).
   */
  readonly balances: ReadonlyMap<Address, bigint>;
  /**
   * A signal of this instance at the current event's time: `strategyId` and `time` filled in, strength 1
   * unless given.
   */
  signal(side: 'buy' | 'sell', details: SignalDetails): Signal;
};

/** What `ctx.signal` needs besides the side. */
export type SignalDetails = {
  /** Why, in words: recorded with the decision. */
  reason: string;
  /** 0..1, default 1: how strongly the strategy wants it (the rules reasoner scales the size by it). */
  strength?: number | undefined;
  /** A size hint in quote units, as a decimal string. */
  sizeQuote?: string | undefined;
};

/**
 * A strategy definition. `init` and `onMarket` are method-shaped on purpose so that a definition with
 * specific params is assignable to `AnyStrategyDefinition`.
 */
export type StrategyDefinition<Schema extends ParamsSchema = ParamsSchema, State = unknown> = {
  /** Stable, kebab-case name (what configs refer to). */
  readonly name: string;
  /** One line: what it does and when it signals. */
  readonly description: string;
  /** The params schema; its `.shape` lists every key a sweep can vary. */
  readonly params: Schema;
  /** Which market sources must be configured, possibly depending on params. */
  requires(params: StrategyParams<Schema>): readonly MarketSource[];
  init(ctx: StrategyInitContext<StrategyParams<Schema>>): State;
  onMarket(market: MarketSnapshot, ctx: StrategyContext<StrategyParams<Schema>, State>): Signal | undefined;
  /** Optional: what became of each of this instance's signals (filled, denied, failed, held, superseded). */
  onOutcome?(outcome: StrategyOutcome, ctx: StrategyContext<StrategyParams<Schema>, State>): void;
  /** Optional: the state as JSON-able data; default: saved by walking it (see strategy-state.ts). */
  save?(state: State): unknown;
  /** Optional: the state from what `save` returned; default: written into a fresh `init()`. */
  load?(saved: unknown, ctx: StrategyInitContext<StrategyParams<Schema>>): State;
};

/** Any strategy definition, whatever its params and state. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStrategyDefinition = StrategyDefinition<any, any>;

/** What `defineStrategy` accepts: `requires` may be a fixed list or omitted (nothing required). */
export type DefineStrategyOptions<Schema extends ParamsSchema, State> = {
  name: string;
  description: string;
  params: Schema;
  requires?: readonly MarketSource[] | ((params: StrategyParams<Schema>) => readonly MarketSource[]);
  init(ctx: StrategyInitContext<StrategyParams<Schema>>): State;
  onMarket(market: MarketSnapshot, ctx: StrategyContext<StrategyParams<Schema>, State>): Signal | undefined;
  onOutcome?(outcome: StrategyOutcome, ctx: StrategyContext<StrategyParams<Schema>, State>): void;
  save?(state: State): unknown;
  load?(saved: unknown, ctx: StrategyInitContext<StrategyParams<Schema>>): State;
};

/**
 * Params that do not pass the strategy's schema (or name a key it does not have).
 *
 * @example
 * try { createStrategyInstance(trend, { id, params: { fastPeriod: 0 }, market }); }
 * catch (e) { if (e instanceof StrategyParamsError) console.error(e.strategy, e.key, e.value, e.details); }
 */
export class StrategyParamsError extends MandateError {
  override name = 'StrategyParamsError';
  readonly strategy: string;
  readonly key: string;
  readonly value: unknown;
  constructor(strategy: string, key: string, value: unknown, allowed: string) {
    super(`Invalid param "${key}" for strategy "${strategy}".`, {
      details: `Got ${describeValue(value)}; ${allowed}.`,
    });
    this.strategy = strategy;
    this.key = key;
    this.value = value;
  }
}

/**
 * The configured market lacks a source the strategy needs, or is malformed.
 *
 * @example
 * createStrategyInstance(oracleDexDeviation, { id, market: { base, quote } }); // throws: no oracle configured
 */
export class StrategyMarketError extends MandateError {
  override name = 'StrategyMarketError';
  constructor(strategy: string, problem: string, details: string) {
    super(`Strategy "${strategy}" cannot run on this market: ${problem}.`, { details });
  }
}

/**
 * A strategy name that is not registered.
 *
 * @example
 * getBuiltinStrategy('momentum'); // throws: Unknown strategy "momentum". Known strategies: trend, ...
 */
export class UnknownStrategyError extends MandateError {
  override name = 'UnknownStrategyError';
  constructor(name: string, known: readonly string[], suggestion?: string) {
    super(`Unknown strategy "${name}".${suggestion === undefined ? '' : ` Did you mean "${suggestion}"?`}`, {
      details: `Known strategies: ${known.join(', ')}; or a path to a strategy file (./my-strategy.ts, with #name for a named export).`,
    });
  }
}

/**
 * Whether a value is a strategy definition (what `defineStrategy` returns), for checking what a user's
 * file or config hands over before it runs.
 *
 * @example
 * isStrategyDefinition(module.default); // true for `export default defineStrategy({...})`
 */
export function isStrategyDefinition(value: unknown): value is AnyStrategyDefinition {
  const candidate = value as Partial<AnyStrategyDefinition> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.name === 'string' &&
    typeof candidate.description === 'string' &&
    typeof candidate.init === 'function' &&
    typeof candidate.onMarket === 'function' &&
    typeof candidate.requires === 'function' &&
    typeof candidate.params?.safeParse === 'function' &&
    typeof candidate.params?.shape === 'object'
  );
}

/**
 * Declares a strategy. Nothing runs until `createStrategyInstance`.
 *
 * @example
 * const threshold = defineStrategy({
 *   name: 'threshold',
 *   description: 'Buys when the oracle price drops below a level.',
 *   params: z.object({ below: z.number().positive().default(2000) }),
 *   requires: ['oracle'],
 *   init: () => ({ fired: false }),
 *   onMarket(market, ctx) {
 *     const event = market.last;
 *     if (event?.kind !== 'oracle' || ctx.state.fired) return undefined;
 *     const price = oraclePrice(event);
 *     if (price >= ctx.params.below) return undefined;
 *     ctx.state.fired = true;
 *     return { strategyId: ctx.id, side: 'buy', strength: 1, reason: `price ${price} < ${ctx.params.below}`, time: ctx.now() };
 *   },
 * });
 */
export function defineStrategy<Schema extends ParamsSchema, State>(
  options: DefineStrategyOptions<Schema, State>,
): StrategyDefinition<Schema, State> {
  if (!/^[a-z][a-z0-9-]*$/.test(options.name)) {
    throw new StrategyParamsError(options.name, 'name', options.name, 'a strategy name is kebab-case: a-z, 0-9 and -');
  }
  const requires = options.requires;
  return {
    name: options.name,
    description: options.description,
    params: options.params,
    requires: typeof requires === 'function' ? requires : () => requires ?? [],
    init: options.init,
    onMarket: options.onMarket,
    onOutcome: options.onOutcome,
    save: options.save,
    load: options.load,
  };
}

/**
 * Validates raw params against a strategy's schema: unknown keys are rejected (a typo must not silently
 * fall back to a default), defaults are applied, and the first problem becomes a StrategyParamsError.
 *
 * @example
 * const params = parseStrategyParams(trend, { fastPeriod: 5 }); // { fastPeriod: 5, slowPeriod: 30, ... }
 */
export function parseStrategyParams<Schema extends ParamsSchema>(
  definition: StrategyDefinition<Schema, unknown>,
  raw: unknown,
): StrategyParams<Schema> {
  const input = raw ?? {};
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new StrategyParamsError(definition.name, '(params)', raw, 'params are an object of key → value');
  }
  const keys = Object.keys(definition.params.shape);
  for (const key of Object.keys(input)) {
    if (!keys.includes(key)) {
      throw new StrategyParamsError(
        definition.name,
        key,
        (input as Record<string, unknown>)[key],
        `"${definition.name}" has no such param; its params are ${keys.join(', ')}`,
      );
    }
  }
  const result = definition.params.safeParse(input);
  if (result.success) return result.data as StrategyParams<Schema>;
  const issue = result.error.issues[0]!;
  const key = issue.path.length > 0 ? issue.path.map(String).join('.') : '(params)';
  const value = issue.path.length > 0 ? valueAt(input, issue.path) : input;
  throw new StrategyParamsError(definition.name, key, value, `allowed: ${issue.message}`);
}

/** One configured strategy, ready for the kernel. */
export type StrategyInstance = {
  /** The instance id (Signals carry it as `strategyId`). */
  readonly id: string;
  /** The definition's name. */
  readonly name: string;
  /** The validated params, defaults applied (for the journal and reports). */
  readonly params: Readonly<Record<string, unknown>>;
  readonly market: StrategyMarket;
  /**
   * Call once per market event, after the snapshot was updated with it. Events about other feeds or
   * pools than this instance's market are ignored (returns undefined without calling the strategy).
   */
  onMarket(snapshot: MarketSnapshot): Signal | undefined;
  /** Replace the balances the strategy sees in `ctx.balances`. */
  setBalances(balances: ReadonlyMap<Address, bigint>): void;
  /** Tells the strategy what became of one of its signals. */
  onOutcome(outcome: StrategyOutcome): void;
  /** The state as JSON-able data, for a restart (the definition's `save`, or the automatic walk). */
  saveState(): unknown;
  /** Restores what `saveState` returned. */
  loadState(saved: unknown): void;
};

/** How to configure one instance. */
export type StrategyInstanceOptions = {
  /** The instance id: unique per agent, recorded in every signal and decision. */
  id: string;
  /** Raw params (validated here). */
  params?: unknown;
  market: StrategyMarket;
  /** Initial balances (see `setBalances`). */
  balances?: ReadonlyMap<Address, bigint> | undefined;
};

/**
 * Validates params and market, runs `init`, and returns what the kernel calls per event.
 *
 * @example
 * const instance = createStrategyInstance(builtinStrategies.trend, {
 *   id: 'eth-trend',
 *   params: { fastPeriod: 5, slowPeriod: 20 },
 *   market: { oracle: ethUsdFeed, base: { address: weth, decimals: 18 }, quote: { address: usdc, decimals: 6 } },
 * });
 * const signal = instance.onMarket(snapshot); // Signal | undefined
 */
export function createStrategyInstance(
  definition: AnyStrategyDefinition,
  options: StrategyInstanceOptions,
): StrategyInstance {
  if (typeof options.id !== 'string' || options.id.length === 0) {
    throw new StrategyParamsError(definition.name, 'id', options.id, 'an instance id is a non-empty string');
  }
  const params = parseStrategyParams(definition, options.params);
  const market = normaliseMarket(definition.name, options.market);
  for (const source of definition.requires(params)) {
    if (market[source] === undefined) {
      throw new StrategyMarketError(
        definition.name,
        `no ${source} configured`,
        `"${definition.name}" with these params reads the ${source}; set market.${source} to its address.`,
      );
    }
  }
  const { oracle, pool } = market;

  const initContext: StrategyInitContext<unknown> = { id: options.id, params, market };
  let state: unknown = definition.init(initContext);

  // One context object reused for every event: the hot path allocates nothing here.
  let currentTime = 0;
  let latestOracle: OracleUpdate | undefined;
  let latestPool: PoolUpdate | undefined;
  let balances: ReadonlyMap<Address, bigint> = options.balances ?? new Map();
  const context = {
    id: options.id,
    params,
    market,
    get state() {
      return state;
    },
    now: () => currentTime,
    latestOracle: () => latestOracle,
    latestPool: () => latestPool,
    get balances() {
      return balances;
    },
    signal: (side: 'buy' | 'sell', details: SignalDetails): Signal => ({
      strategyId: options.id,
      side,
      strength: details.strength ?? 1,
      sizeQuote: details.sizeQuote,
      reason: details.reason,
      time: currentTime,
    }),
  };

  return {
    id: options.id,
    name: definition.name,
    params,
    market,
    onMarket(snapshot) {
      const event = snapshot.last;
      if (event === undefined) return undefined;
      if (event.kind === 'oracle') {
        if (oracle !== undefined) {
          if (event.feed !== oracle) return undefined;
          latestOracle = event;
        }
      } else if (pool !== undefined) {
        if (event.pool !== pool) return undefined;
        latestPool = event;
      }
      // The kernel may start from a snapshot filled before this instance saw any event of its market.
      if (latestOracle === undefined && oracle !== undefined) latestOracle = snapshot.oracles.get(oracle);
      if (latestPool === undefined && pool !== undefined) latestPool = snapshot.pools.get(pool);
      currentTime = event.time;
      return definition.onMarket(snapshot, context);
    },
    setBalances(next) {
      balances = next;
    },
    onOutcome(outcome) {
      definition.onOutcome?.(outcome, context);
    },
    saveState() {
      return definition.save !== undefined ? definition.save(state) : saveStrategyState(state);
    },
    loadState(saved) {
      state = definition.load !== undefined ? definition.load(saved, initContext) : restoreStrategyState(definition.init(initContext), saved);
    },
  };
}

function normaliseMarket(strategy: string, market: StrategyMarket): StrategyMarket {
  for (const side of ['base', 'quote'] as const) {
    const token = market?.[side];
    if (token === undefined || !/^0x[0-9a-fA-F]{40}$/.test(token.address)) {
      throw new StrategyMarketError(
        strategy,
        `bad ${side} token`,
        `market.${side}.address must be a 20-byte hex address; got ${describeValue(token?.address)}.`,
      );
    }
    if (!Number.isInteger(token.decimals) || token.decimals < 0 || token.decimals > 77) {
      throw new StrategyMarketError(
        strategy,
        `bad ${side} decimals`,
        `market.${side}.decimals must be an integer 0..77; got ${describeValue(token.decimals)}.`,
      );
    }
  }
  for (const source of ['oracle', 'pool'] as const) {
    const address = market[source];
    if (address !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(address)) {
      throw new StrategyMarketError(
        strategy,
        `bad ${source} address`,
        `market.${source} must be a 20-byte hex address or absent; got ${describeValue(address)}.`,
      );
    }
  }
  if (market.base.address === market.quote.address) {
    throw new StrategyMarketError(strategy, 'base equals quote', `Both tokens are ${market.base.address}.`);
  }
  return market;
}

function valueAt(input: object, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function describeValue(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
