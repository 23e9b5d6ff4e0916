import { parseUnits } from 'viem';
import type { z } from 'zod';
import { getChainPreset } from '../chain/presets/chain-presets.js';
import { ConfigError, type ConfigIssue } from './config-error.js';
import { configSchema, type MandateConfig, type StrategyDefinitionLike } from './config-schema.js';
import { rpcUrlSchema } from './config-fields.js';
import { didYouMean } from '../model/did-you-mean.js';
import { guardSecrets, readSecrets, secretEnvVars, type ConfigSecrets } from './read-secrets.js';
import { zodIssuesToConfigIssues } from './zod-issues-to-config-issues.js';

/**
 * What the config is loaded for. `live` trades a real vault through an RPC (so it needs the RPC URL, the
 * vault and the agent key); `devnet` takes all of that from the devnet manifest; `backtest` needs no chain.
 */
export type ConfigMode = 'live' | 'devnet' | 'backtest';
/**
 * Every mode, e.g. for a CLI option's choices.
 *
 * @example
 * new Option('--mode <mode>').choices(configModes);
 */
export const configModes: readonly ConfigMode[] = ['live', 'devnet', 'backtest'];

export type ValidateConfigOptions = {
  /** Defaults to `devnet` when chain.preset is 'devnet', else `live`. */
  mode?: ConfigMode | undefined;
  /** Where secrets come from; process.env by default. */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /** A live command that never signs (e.g. verifying decisions) does not need MANDATE_AGENT_KEY. */
  readOnly?: boolean | undefined;
  /** The file the input came from, named in errors. */
  source?: string | undefined;
  /**
   * How strategy names and params are checked. The engine supplies it (the config knows no strategies);
   * without it only ids and pools are checked here, and the engine checks the rest when it builds a run.
   */
  strategies?: StrategyCatalog | undefined;
};

/** What the config needs to know of strategies to report a bad name or param at its key path. */
export type StrategyCatalog = {
  /** The names a `use` may give, for the error and its did-you-mean. */
  readonly names: readonly string[];
  /** The definition a `use` names or is; undefined for an unknown name. */
  find(use: string | StrategyDefinitionLike): StrategyDefinitionLike | undefined;
};

/**
 * The validated config plus what it was resolved for. `secrets` serialises and logs as "set"/"not set"
 * only (see guardSecrets), so printing or JSON-serialising a resolved config never leaks a key.
 */
export type ResolvedConfig = MandateConfig & {
  readonly mode: ConfigMode;
  /** The config file, when loaded from one. */
  readonly source: string | undefined;
  /** Things that will work but are probably not what was meant. */
  readonly warnings: readonly string[];
  readonly secrets: ConfigSecrets;
};

// Keys that hold secrets in other tools' configs; finding one means a secret is about to be committed.
const SECRET_KEYS: Record<string, string> = {
  privatekey: secretEnvVars.agentKey,
  agentkey: secretEnvVars.agentKey,
  agentprivatekey: secretEnvVars.agentKey,
  mnemonic: secretEnvVars.agentKey,
  apikey: secretEnvVars.openaiApiKey,
  openaiapikey: secretEnvVars.openaiApiKey,
};

function findSecretKeys(value: unknown, path: string, out: ConfigIssue[]): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => findSecretKeys(item, `${path}[${index}]`, out));
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    const envVar = SECRET_KEYS[key.toLowerCase().replace(/[_-]/g, '')];
    if (envVar) {
      out.push({
        path: at,
        problem: 'is a secret, and secrets are never read from the config file',
        value: '[redacted]',
        expected: `no such key: set the ${envVar} environment variable instead`,
      });
    } else findSecretKeys(child, at, out);
  }
}

const redactedSecret = (secret: string) => `[redacted, ${secret.length} characters]`;

/**
 * Validates a config object (the default export of agent.config.ts), fills in every default, reads the
 * secrets from the environment and checks that everything `mode` needs is there.
 * Throws a ConfigError naming the key path, the bad value and what is accepted.
 *
 * @example
 * const config = validateConfig({ chain: { preset: 'devnet' } }, { mode: 'devnet', env: {} });
 * config.risk.maxTradeUsd; // '5000'
 */
export function validateConfig(input: unknown, options: ValidateConfigOptions = {}): ResolvedConfig {
  const fail = (issues: ConfigIssue[]): never => {
    throw new ConfigError(issues as [ConfigIssue, ...ConfigIssue[]], { source: options.source });
  };

  const secretIssues: ConfigIssue[] = [];
  findSecretKeys(input, '', secretIssues);
  if (secretIssues.length) fail(secretIssues);

  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    fail([{ path: '', problem: 'is not a config object', value: input, expected: 'an object, e.g. export default defineConfig({ ... })' }]);
  }

  const parsed = configSchema.safeParse(input);
  if (!parsed.success) fail(zodIssuesToConfigIssues(configSchema, input, parsed.error.issues));
  const config = parsed.data as MandateConfig;

  const issues: ConfigIssue[] = [...checkStrategies(config, options.strategies), ...checkMarket(config)];
  const mode = options.mode ?? (config.chain.preset === 'devnet' ? 'devnet' : 'live');
  const secrets = guardSecrets(readSecrets(options.env ?? process.env));
  const warnings: string[] = [];
  issues.push(...checkSecrets(secrets));
  if (mode === 'live') issues.push(...checkLive(config, secrets, options.readOnly === true));
  if (llmWithoutEndpoint(config, secrets) && !config.reasoner.llm.fallbackToRules) {
    issues.push({
      path: `env.${secretEnvVars.openaiApiKey}`,
      problem: 'is not set, and the llm reasoner has no fallback (reasoner.llm.fallbackToRules is false)',
      value: undefined,
      expected: `an API key in ${secretEnvVars.openaiApiKey} (or a server in ${secretEnvVars.openaiBaseUrl}), reasoner.llm.cache "replay", or fallbackToRules: true`,
    });
  }
  if (issues.length) fail(issues);

  if (mode === 'devnet' && config.chain.preset !== 'devnet') {
    warnings.push(`chain.preset "${config.chain.preset}" is ignored in devnet mode: addresses come from ${config.chain.devnetManifest}.`);
  }
  if (parseUnits(config.execution.maxTradeSizeUsd, 18) > parseUnits(config.risk.maxTradeUsd, 18)) {
    warnings.push(
      `execution.maxTradeSizeUsd (${config.execution.maxTradeSizeUsd}) is above risk.maxTradeUsd (${config.risk.maxTradeUsd}): larger proposals will be denied.`,
    );
  }
  if (mode === 'live' && getChainPreset(config.chain.preset)?.uniswapV3.router.kind === 'SwapRouter02') {
    warnings.push(
      `chain.preset "${config.chain.preset}" has only Uniswap's SwapRouter02, whose exactInputSingle takes no deadline: the vault must be built for that router interface.`,
    );
  }
  if (llmWithoutEndpoint(config, secrets)) {
    warnings.push(`reasoner.use is "llm" but neither ${secretEnvVars.openaiApiKey} nor ${secretEnvVars.openaiBaseUrl} is set: every call will fall back to rules.`);
  }

  const rpcUrl = secrets.rpcUrl ?? config.chain.rpcUrl;
  return { ...config, chain: { ...config.chain, rpcUrl }, mode, source: options.source, warnings, secrets };
}

/**
 * Checks each strategy's id and pool and, given a catalog, its name and params (replacing its params by
 * the strategy's parsed params).
 */
function checkStrategies(config: MandateConfig, catalog: StrategyCatalog | undefined): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const firstIndexOfId = new Map<string, number>();
  const poolFees = config.market.pools.map((pool) => pool.fee);
  config.strategies.forEach((strategy, index) => {
    const definition = catalog?.find(strategy.use);
    if (definition !== undefined) {
      const parsed = parseStrategyParams(definition, strategy.params, `strategies[${index}].params`);
      if (parsed.ok) strategy.params = parsed.params;
      else issues.push(...parsed.issues);
    } else if (catalog !== undefined) {
      const use = typeof strategy.use === 'string' ? strategy.use : strategy.use.name;
      const suggestion = didYouMean(use, catalog.names);
      issues.push({
        path: `strategies[${index}].use`,
        problem: `is not a known strategy${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
        value: use,
        expected: `a built-in strategy (${catalog.names.join(', ')}), a path to a strategy file (with mandate backtest/run --strategy), or a definition imported in the config`,
      });
    }
    const earlier = firstIndexOfId.get(strategy.id);
    if (earlier !== undefined) {
      issues.push({
        path: `strategies[${index}].id`,
        problem: `repeats the id of strategies[${earlier}]`,
        value: strategy.id,
        expected: 'an id no other strategy uses (it identifies the strategy on chain)',
      });
    } else firstIndexOfId.set(strategy.id, index);
    if (strategy.poolFee !== undefined && !poolFees.includes(strategy.poolFee)) {
      issues.push({
        path: `strategies[${index}].poolFee`,
        problem: 'names a pool that market.pools does not watch',
        value: strategy.poolFee,
        expected: `one of the fee tiers in market.pools: ${poolFees.join(', ')}`,
      });
    }
  });
  return issues;
}

/**
 * Runs a strategy's own params schema, so a bad param is reported at its config path
 * (`strategies[0].params.fastPeriod`) with the other config problems, before anything starts.
 */
function parseStrategyParams(
  definition: StrategyDefinitionLike,
  params: Record<string, unknown>,
  at: string,
): { ok: true; params: Record<string, unknown> } | { ok: false; issues: ConfigIssue[] } {
  const name = definition.name;
  const schema = definition.params as unknown as z.ZodObject<z.ZodRawShape>;
  const known = Object.keys(schema.shape);
  // Strategy schemas need not be strict, but a misspelt param must not silently fall back to its default.
  const unknown = Object.keys(params).filter((key) => !known.includes(key));
  if (unknown.length) {
    return {
      ok: false,
      issues: unknown.map((key) => {
        const suggestion = didYouMean(key, known);
        return {
          path: `${at}.${key}`,
          problem: `is not a param of "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
          value: params[key],
          expected: `one of its params: ${known.join(', ')}`,
        };
      }),
    };
  }
  const result = schema.safeParse(params);
  if (result.success) return { ok: true, params: result.data as Record<string, unknown> };
  return { ok: false, issues: zodIssuesToConfigIssues(schema, params, result.error.issues, { prefix: [at], descriptions: 'meaning' }) };
}

function checkMarket(config: MandateConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen = new Set<number>();
  config.market.pools.forEach((pool, index) => {
    if (seen.has(pool.fee)) {
      issues.push({ path: `market.pools[${index}].fee`, problem: 'repeats a pool already listed', value: pool.fee, expected: 'each fee tier at most once' });
    }
    seen.add(pool.fee);
  });
  return issues;
}

/** An llm reasoner that will call a model, with nothing in the environment to call it with. */
function llmWithoutEndpoint(config: MandateConfig, secrets: ConfigSecrets): boolean {
  return config.reasoner.use === 'llm' && config.reasoner.llm.cache !== 'replay' && !secrets.openaiApiKey && !secrets.openaiBaseUrl;
}

function checkSecrets(secrets: ConfigSecrets): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (secrets.agentKey !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(secrets.agentKey)) {
    issues.push({
      path: `env.${secretEnvVars.agentKey}`,
      problem: 'is not a private key',
      value: redactedSecret(secrets.agentKey),
      expected: '0x followed by 64 hex digits',
    });
  }
  for (const [name, value] of [
    [secretEnvVars.rpcUrl, secrets.rpcUrl],
    [secretEnvVars.openaiBaseUrl, secrets.openaiBaseUrl],
  ] as const) {
    if (value !== undefined && !rpcUrlSchema.safeParse(value).success) {
      issues.push({ path: `env.${name}`, problem: 'is not a URL', value, expected: 'an http(s) or ws(s) URL' });
    }
  }
  return issues;
}

function checkLive(config: MandateConfig, secrets: ConfigSecrets, readOnly: boolean): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (config.chain.preset === 'devnet') {
    issues.push({
      path: 'chain.preset',
      problem: 'has no contract addresses for a live run',
      value: config.chain.preset,
      expected: 'ethereum, base or arbitrum for a live run (use --mode devnet, or `mandate run --devnet`, for the local devnet)',
    });
  }
  if (!secrets.rpcUrl && !config.chain.rpcUrl) {
    issues.push({
      path: 'chain.rpcUrl',
      problem: 'is required for a live run',
      value: undefined,
      expected: `an http(s) or ws(s) URL, in chain.rpcUrl or the ${secretEnvVars.rpcUrl} environment variable (devnet and backtest runs need none)`,
    });
  }
  if (!config.chain.vault) {
    issues.push({
      path: 'chain.vault',
      problem: 'is required for a live run',
      value: undefined,
      expected: 'the address of your deployed MandateVault',
    });
  }
  if (!readOnly && !secrets.agentKey) {
    issues.push({
      path: `env.${secretEnvVars.agentKey}`,
      problem: 'is not set, and a live run signs trades with the agent key',
      value: undefined,
      expected: "the agent account's private key (0x followed by 64 hex digits) in the environment",
    });
  }
  return issues;
}
