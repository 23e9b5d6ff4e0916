/**
 * The config schema: every key, every default, every limit, in this one file.
 *
 * Objects are strict (an unknown key is an error, usually a typo), nested sections default to their own
 * defaults (`prefault({})`), and each leaf carries a description that a ConfigError quotes as "expected".
 * Secrets are not in here on purpose: they come only from the environment (see read-secrets.ts).
 */
import { z } from 'zod';
import {
  addressSchema,
  bpsSchema,
  dateSchema,
  decimalAmountSchema,
  integerSchema,
  rpcUrlSchema,
} from './config-fields.js';

const MAX = Number.MAX_SAFE_INTEGER;

/**
 * Chains with a preset; `devnet` takes every address from the devnet manifest instead.
 *
 * @example
 * chainPresetNames.includes('base'); // true
 */
export const chainPresetNames = ['devnet', 'ethereum', 'base', 'arbitrum'] as const;
export type ChainPresetName = (typeof chainPresetNames)[number];

/**
 * Chainlink feeds every preset (and the devnet) provides by name.
 *
 * @example
 * defineConfig({ market: { feeds: [...presetFeedNames] } });
 */
export const presetFeedNames = ['ETH/USD', 'USDC/USD'] as const;

/**
 * Uniswap v3 fee tiers, in hundredths of a bip.
 *
 * @example
 * uniswapFeeTiers.includes(500); // true: the 0.05 % tier
 */
export const uniswapFeeTiers = [100, 500, 3000, 10000] as const;

const feeTierSchema = z
  .literal(uniswapFeeTiers)
  .describe('a Uniswap v3 fee tier: 100, 500, 3000 or 10000 (hundredths of a bip; 500 = 0.05 %)');

const chainSchema = z
  .strictObject({
    /** Which chain's addresses to use. */
    preset: z.enum(chainPresetNames).default('devnet').describe(`one of ${chainPresetNames.join(', ')}`),
    /** JSON-RPC endpoint; MANDATE_RPC_URL overrides it. Required for live runs, ignored on the devnet. */
    rpcUrl: rpcUrlSchema.optional(),
    /** The MandateVault the agent trades through. Required for live runs; the devnet manifest has its own. */
    vault: addressSchema.optional(),
    /** Blocks to wait before acting on a log or counting a transaction as final (reorg depth). */
    confirmations: integerSchema(0, 64, 'blocks').default(2),
    /** Where `mandate devnet` writes, and devnet runs read, the deployed addresses. */
    devnetManifest: z.string().min(1).default('.mandate/devnet.json').describe('a file path'),
  })
  .describe('the chain section');

const feedSchema = z
  .union([
    z.enum(presetFeedNames),
    z.strictObject({
      name: z.string().min(1).describe('a label such as "ETH/USD"'),
      address: addressSchema,
      decimals: integerSchema(0, 36, 'answer decimals').default(8),
    }),
  ])
  .describe(`${presetFeedNames.map((name) => `"${name}"`).join(' or ')} (from the chain preset), or { name, address, decimals }`);

const poolSchema = z
  .strictObject({
    fee: feeTierSchema,
    /** Only needed off-preset: by default the address is computed from the factory, the pair and the fee. */
    address: addressSchema.optional(),
  })
  .describe('{ fee } for the base/quote pool with that fee tier, optionally with its address');

const marketSchema = z.strictObject({
  /** The traded pair, by the preset's token symbols. */
  base: z.enum(['WETH']).default('WETH').describe('"WETH"'),
  quote: z.enum(['USDC']).default('USDC').describe('"USDC"'),
  /** `events` subscribes to logs (AnswerUpdated, Swap); `polling` reads latestRoundData/slot0 on an interval. */
  source: z.enum(['events', 'polling']).default('events').describe('"events" or "polling"'),
  /** Poll interval, and the log-filter interval for `events` over HTTP. */
  pollIntervalMs: integerSchema(100, 3_600_000, 'milliseconds').default(2_000),
  feeds: z.array(feedSchema).min(1).default(['ETH/USD', 'USDC/USD']).describe('a non-empty list of feeds'),
  pools: z.array(poolSchema).min(1).default([{ fee: 500 }, { fee: 3000 }]).describe('a non-empty list of pools'),
});

/**
 * A strategy definition written in (or imported by) the config, made with `defineStrategy`. The config
 * only checks its shape; the engine resolves names and checks definitions and params.
 */
export type StrategyDefinitionLike = {
  readonly name: string;
  readonly params: { readonly shape: object; safeParse(input: unknown): unknown };
  onMarket(...args: never[]): unknown;
};

const isDefinitionLike = (value: unknown): value is StrategyDefinitionLike => {
  const candidate = value as Partial<StrategyDefinitionLike> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.name === 'string' &&
    typeof candidate.onMarket === 'function' &&
    typeof candidate.params?.safeParse === 'function'
  );
};

const strategyUseSchema = z
  .union([z.string().min(1), z.custom<StrategyDefinitionLike>(isDefinitionLike)])
  .describe('a built-in strategy name (trend, mean-reversion, oracle-dex-deviation, treasury-rebalancer, dca) or a definition made with defineStrategy');

const strategySchema = z.strictObject({
  /** Unique instance id: it is the strategyId in every signal, decision and TradeExecuted event. */
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, { message: 'is not a lowercase slug' })
    .describe('a lowercase slug of letters, digits and dashes, at most 32 characters (e.g. "eth-trend")'),
  /** A built-in strategy name, or a definition imported in the config (`import { myStrategy } from './my-strategy.js'`). */
  use: strategyUseSchema,
  /** The strategy's own params; validated by that strategy's schema (after this one), which supplies the defaults. */
  params: z.record(z.string(), z.unknown()).default({}).describe('an object of the strategy\'s params'),
  /** Which of `market.pools` this instance trades (by fee tier); the first pool when omitted. */
  poolFee: feeTierSchema.optional(),
  enabled: z.boolean().default(true).describe('true or false'),
});

const llmSchema = z.strictObject({
  /** Any model the OpenAI-compatible endpoint (OPENAI_BASE_URL) serves. */
  model: z.string().min(1).default('gpt-4o-mini').describe('a model name'),
  temperature: z.number().min(0).max(2).default(0).describe('a number from 0 to 2'),
  timeoutMs: integerSchema(1_000, 600_000, 'milliseconds per call').default(30_000),
  /** Retries on 429/5xx and timeouts, with backoff; after that the rules reasoner decides. */
  maxRetries: integerSchema(0, 10, 'retries').default(2),
  budget: z
    .strictObject({
      callsPerRun: integerSchema(0, MAX, 'calls').default(500),
      callsPerDay: integerSchema(0, MAX, 'calls').default(2_000),
      tokensPerRun: integerSchema(0, MAX, 'tokens').default(1_000_000),
      tokensPerDay: integerSchema(0, MAX, 'tokens').default(4_000_000),
    })
    .prefault({}),
  /**
   * The model's training cutoff. A backtest over data from before it would let the model "remember" the
   * future, so backtests refuse (or warn about) LLM runs over earlier periods.
   */
  trainingCutoff: dateSchema.default('2023-10-01'),
  /** `record` stores every response; `replay` answers only from the cache (reproducible, free, offline). */
  cache: z.enum(['off', 'record', 'replay']).default('record').describe('"off", "record" or "replay"'),
  cachePath: z.string().min(1).default('.mandate/llm-cache.sqlite').describe('a file path'),
  /** Fall back to the rules reasoner when the model fails, times out, is over budget or answers invalidly. */
  fallbackToRules: z.boolean().default(true).describe('true or false'),
});

const reasonerSchema = z.strictObject({
  /** `rules` is deterministic and offline (the default); `llm` asks a model, within the budget below. */
  use: z.enum(['rules', 'llm']).default('rules').describe('"rules" or "llm"'),
  llm: llmSchema.prefault({}),
});

/**
 * Policy defaults: what the devnet vault is deployed with and what backtests enforce. Live, the vault on
 * chain is the source of truth and the agent reads its policy from there.
 */
const riskSchema = z.strictObject({
  /** Per-trade cap, oracle-priced. */
  maxTradeUsd: decimalAmountSchema('USD').default('5000'),
  /** A refilling allowance: trading spends it, time refills it up to the cap. */
  allowance: z
    .strictObject({
      capUsd: decimalAmountSchema('USD').default('20000'),
      refillUsd: decimalAmountSchema('USD').default('5000'),
      refillIntervalSeconds: integerSchema(1, MAX, 'seconds').default(3_600),
    })
    .prefault({}),
  /** Worst accepted price against the oracle. */
  maxSlippageBps: bpsSchema('worst execution price against the oracle').default(100),
  cooldownSeconds: integerSchema(0, MAX, 'seconds between trades').default(300),
  /** Older oracle answers make every trade revert. Mainnet ETH/USD heartbeats hourly, hence 75 minutes. */
  maxOracleAgeSeconds: integerSchema(1, MAX, 'seconds').default(4_500),
  /** Delay before a loosening policy change applies. */
  timelockSeconds: integerSchema(0, MAX, 'seconds').default(86_400),
});

const executionSchema = z.strictObject({
  /** Slippage the agent asks for in minAmountOut (the vault still enforces risk.maxSlippageBps). */
  slippageBps: bpsSchema('slippage requested per trade').default(50),
  /** TradeIntent.deadline = now + this. */
  deadlineSeconds: integerSchema(1, 86_400, 'seconds').default(120),
  /** The agent's own cap per trade, below the vault's: the reasoner never proposes more. */
  maxTradeSizeUsd: decimalAmountSchema('USD').default('2500'),
  gas: z
    .strictObject({
      /** Caps for EIP-1559 fees; unset means "what the node suggests". */
      maxFeePerGasGwei: decimalAmountSchema('gwei').optional(),
      maxPriorityFeePerGasGwei: decimalAmountSchema('gwei').optional(),
      /** Headroom over the estimate, because state can change between estimate and inclusion. */
      gasLimitMultiplier: z.number().min(1).max(3).default(1.2).describe('a number from 1 to 3'),
    })
    .prefault({}),
});

const journalSchema = z.strictObject({
  path: z.string().min(1).default('.mandate/journal.sqlite').describe('a file path'),
});

/** Non-trade decisions are committed on chain in Merkle batches: whichever limit is reached first. */
const commitsSchema = z.strictObject({
  batchSize: integerSchema(1, 10_000, 'decisions per batch').default(64),
  intervalSeconds: integerSchema(1, MAX, 'seconds').default(3_600),
});

const observabilitySchema = z.strictObject({
  logLevel: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('one of fatal, error, warn, info, debug, trace, silent'),
  metrics: z
    .strictObject({
      /** Serves Prometheus metrics on /metrics when enabled. */
      enabled: z.boolean().default(false).describe('true or false'),
      port: integerSchema(1, 65_535, 'TCP port').default(9_464),
    })
    .prefault({}),
  /** Serves the read-only web console (`mandate console`) on the metrics port, on 127.0.0.1, with live updates. */
  console: z.boolean().default(false).describe('true or false'),
});

const backtestSchema = z.strictObject({
  /** Starting portfolio value, all in the quote token. */
  initialCapitalUsd: decimalAmountSchema('USD').default('100000'),
  gasPriceGwei: decimalAmountSchema('gwei').default('20'),
  /** Gas charged per executed trade (a vault trade through the router). */
  gasPerTrade: integerSchema(21_000, 30_000_000, 'gas units').default(250_000),
  /** Blocks between a decision and its fill: the trade fills against the pool as it is then. */
  latencyBlocks: integerSchema(0, 100, 'blocks').default(1),
  blockTimeSeconds: integerSchema(1, 3_600, 'seconds').default(12),
  /** Seed for everything random (generated markets, noise). */
  seed: integerSchema(0, MAX, 'seed').default(1),
});

/**
 * The whole config. `z.input<typeof configSchema>` is what a user writes; `z.output` is what the
 * runtime gets, with every default filled in.
 *
 * @example
 * const config = configSchema.parse({ strategies: [{ id: 'trend', use: 'trend' }] });
 * config.risk.maxTradeUsd; // '5000'
 */
export const configSchema = z.strictObject({
  chain: chainSchema.prefault({}),
  market: marketSchema.prefault({}),
  strategies: z
    .array(strategySchema)
    .default([{ id: 'eth-trend', use: 'trend', params: {}, enabled: true }])
    .describe('a list of { id, use, params } strategy instances'),
  reasoner: reasonerSchema.prefault({}),
  risk: riskSchema.prefault({}),
  execution: executionSchema.prefault({}),
  journal: journalSchema.prefault({}),
  commits: commitsSchema.prefault({}),
  observability: observabilitySchema.prefault({}),
  backtest: backtestSchema.prefault({}),
});

/** What a user writes in agent.config.ts: every key optional, amounts as strings or whole numbers. */
export type MandateConfigInput = z.input<typeof configSchema>;
/** The validated config, every default applied, addresses checksummed, amounts as decimal strings. */
export type MandateConfig = z.output<typeof configSchema>;
/** One strategy instance as configured. */
export type StrategyConfig = MandateConfig['strategies'][number];
