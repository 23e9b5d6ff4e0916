/**
 * Config validation end to end: real config files on disk, loaded through loadConfig and through the real
 * `mandate config` CLI. Each bad case must give its specific ConfigError (class, key path, readable message).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type ConfigMode } from '../agent/config/index.js';
import { strategyCatalog } from '../agent/engine/strategy-catalog.js';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '..');
const VAULT = '0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640';
const AGENT_KEY = `0x${'ab'.repeat(32)}`;
const defineConfigUrl = pathToFileURL(join(repo, 'agent/config/define-config.ts')).href;

let dir: string;
let fileCount = 0;

/** Writes a config file into the temp project and returns its path (each name is new: imports are cached). */
function writeConfig(source: string, extension = 'ts'): string {
  const path = join(dir, `case-${++fileCount}.config.${extension}`);
  writeFileSync(path, source);
  return path;
}

/** A TypeScript config as a user writes it: typed, through defineConfig. */
const tsConfig = (body: string) => `import { defineConfig } from '${defineConfigUrl}';\n\nexport default defineConfig(${body});\n`;

/** An environment with none of the secrets the developer running the tests may have set. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['MANDATE_AGENT_KEY', 'MANDATE_RPC_URL', 'OPENAI_API_KEY', 'OPENAI_BASE_URL']) delete env[name];
  return { ...env, ...extra };
}

async function loadError(path: string, mode: ConfigMode, env: Record<string, string> = {}): Promise<ConfigError> {
  const error = await loadConfig(path, { mode, env, strategies: strategyCatalog }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

type CliResult = { code: number; json: Record<string, any>; stderr: string };

/** Runs the real CLI and parses the last line of stdout, the machine-readable result. */
async function mandateConfig(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const argv = ['bin/mandate.js', 'config', '--json', ...args];
  const outcome = await run(process.execPath, argv, { cwd: repo, env: cleanEnv(env) }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
  const lines = outcome.stdout.trim().split('\n');
  return { code: outcome.code, json: JSON.parse(lines[lines.length - 1]!), stderr: outcome.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mandate-config-'));
  // Like any project using Mandate: ESM, so a .ts config is imported as a module.
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A required bad case: the file, the mode, the env, and the error it must produce. */
type BadCase = {
  name: string;
  source: string;
  extension?: string;
  mode: ConfigMode;
  env: Record<string, string>;
  path: string;
  message: string | RegExp;
  details: RegExp;
};

const badCases: BadCase[] = [
  {
    name: 'wrong type',
    source: tsConfig(`{ risk: { maxSlippageBps: '100' as unknown as number } }`),
    mode: 'devnet',
    env: {},
    path: 'risk.maxSlippageBps',
    message: 'Invalid config at risk.maxSlippageBps: has the wrong type (a string, not a number).',
    details: /Got "100" \(a string\); expected a whole number from 0 to 10000/,
  },
  {
    name: 'unknown strategy',
    source: tsConfig(`{ strategies: [{ id: 'eth-trend', use: 'trnd', params: {} }] }`),
    mode: 'devnet',
    env: {},
    path: 'strategies[0].use',
    message: 'Invalid config at strategies[0].use: is not a known strategy (did you mean "trend"?).',
    details: /expected a built-in strategy \(trend, mean-reversion, oracle-dex-deviation, treasury-rebalancer, dca\), a path to a strategy file/,
  },
  {
    name: 'negative limit',
    source: tsConfig(`{ risk: { maxTradeUsd: -100 } }`),
    mode: 'backtest',
    env: {},
    path: 'risk.maxTradeUsd',
    message: 'Invalid config at risk.maxTradeUsd: must not be negative.',
    details: /Got -100 \(a number\); expected a non-negative amount in USD/,
  },
  {
    name: 'missing RPC URL for a live run',
    source: tsConfig(`{ chain: { preset: 'ethereum', vault: '${VAULT}' } }`),
    mode: 'live',
    env: { MANDATE_AGENT_KEY: AGENT_KEY },
    path: 'chain.rpcUrl',
    message: 'Invalid config at chain.rpcUrl: is required for a live run.',
    details: /MANDATE_RPC_URL/,
  },
  {
    name: 'bad EIP-55 checksum',
    source: tsConfig(`{ chain: { preset: 'arbitrum', vault: '${VAULT.replace('88e6A', '88E6a')}' } }`),
    mode: 'devnet',
    env: {},
    path: 'chain.vault',
    message: /^Invalid config at chain\.vault: has a wrong EIP-55 checksum/,
    details: /checksummed or all lowercase/,
  },
  {
    name: 'unknown key (typo)',
    source: JSON.stringify({ risk: { maxTradeUSD: '10' } }),
    extension: 'json',
    mode: 'devnet',
    env: {},
    path: 'risk.maxTradeUSD',
    message: 'Invalid config at risk.maxTradeUSD: is not a known key (did you mean "maxTradeUsd"?).',
    details: /expected one of the keys maxTradeUsd, allowance/,
  },
];

describe('loadConfig on config files', () => {
  it.each(badCases)('$name: ConfigError at $path', async (testCase) => {
    const error = await loadError(writeConfig(testCase.source, testCase.extension), testCase.mode, testCase.env);
    expect(error.name).toBe('ConfigError');
    expect(error.path).toBe(testCase.path);
    if (typeof testCase.message === 'string') expect(error.shortMessage).toBe(testCase.message);
    else expect(error.shortMessage).toMatch(testCase.message);
    expect(error.details).toMatch(testCase.details);
  });

  it('the live-only requirement does not apply to devnet and backtest runs', async () => {
    const path = writeConfig(tsConfig(`{ chain: { preset: 'ethereum', vault: '${VAULT}' } }`));
    await expect(loadConfig(path, { mode: 'devnet', env: {} })).resolves.toMatchObject({ mode: 'devnet' });
    await expect(loadConfig(path, { mode: 'backtest', env: {} })).resolves.toMatchObject({ mode: 'backtest' });
    const live = await loadConfig(path, { mode: 'live', env: { MANDATE_AGENT_KEY: AGENT_KEY, MANDATE_RPC_URL: 'https://eth.example.org/v2/k' } });
    expect(live.chain.rpcUrl).toBe('https://eth.example.org/v2/k');
    expect(live.secrets.agentKey).toBe(AGENT_KEY);
  });

  it('loads JSON and .mts configs, and applies the defaults', async () => {
    const json = await loadConfig(writeConfig(JSON.stringify({ risk: { maxTradeUsd: '750.25' } }), 'json'), { mode: 'backtest', env: {} });
    expect(json.risk.maxTradeUsd).toBe('750.25');
    expect(json.risk.cooldownSeconds).toBe(300);
    expect(json.source).toMatch(/\.json$/);

    const mts = await loadConfig(writeConfig(`const fee: 500 = 500;\nexport default { market: { pools: [{ fee }] } };\n`, 'mts'), { mode: 'devnet', env: {} });
    expect(mts.market.pools).toEqual([{ fee: 500 }]);
  });

  it('says what is wrong with the file itself: missing, not JSON, throwing, no default export, wrong extension', async () => {
    const missing = await loadError(join(dir, 'nope.config.ts'), 'devnet');
    expect(missing.shortMessage).toBe('Invalid config: the config file does not exist.');
    expect(missing.details).toMatch(/--config <path>/);

    expect((await loadError(writeConfig('{ "risk": ', 'json'), 'devnet')).shortMessage).toBe('Invalid config: the config file is not valid JSON.');

    const throwing = await loadError(writeConfig(`throw new Error('boom in config');\nexport default {};\n`), 'devnet');
    expect(throwing.shortMessage).toBe('Invalid config: the config file could not be imported.');
    expect(throwing.message).toContain('boom in config');

    expect((await loadError(writeConfig('export const config = {};\n'), 'devnet')).shortMessage).toBe('Invalid config: the config file has no default export.');
    expect((await loadError(writeConfig('risk: {}', 'yaml'), 'devnet')).shortMessage).toMatch(/"\.yaml" are not supported/);
  });

  it("loads the repository's agent.config.ts without any environment variable", async () => {
    const config = await loadConfig(join(repo, 'agent.config.ts'), { env: {} });
    expect(config.mode).toBe('devnet');
    expect(config.chain.preset).toBe('devnet');
    expect(config.strategies.length).toBeGreaterThan(0);
    expect(config.warnings).toEqual([]);
  });
});

describe('mandate config (the real CLI)', () => {
  it.each(badCases)('$name: exits 1 with a ConfigError naming $path', async (testCase) => {
    const path = writeConfig(testCase.source, testCase.extension);
    const { code, json, stderr } = await mandateConfig(['--config', path, '--mode', testCase.mode], testCase.env);
    expect(code).toBe(1);
    expect(json.error.name).toBe('ConfigError');
    expect(json.error.message).toContain(testCase.path);
    if (typeof testCase.message === 'string') expect(json.error.message).toBe(testCase.message);
    else expect(json.error.message).toMatch(testCase.message);
    expect(json.error.details).toMatch(testCase.details);
    // People get the same error, with the file named, on stderr.
    expect(stderr).toContain(testCase.path);
    expect(stderr).toContain(path);
  });

  it('prints the resolved config with secrets redacted and the chain preset', async () => {
    const path = writeConfig(tsConfig(`{ chain: { preset: 'base', vault: '${VAULT.toLowerCase()}' } }`));
    const { code, json } = await mandateConfig(['--config', path, '--mode', 'live'], {
      MANDATE_AGENT_KEY: AGENT_KEY,
      MANDATE_RPC_URL: 'https://base.example.org/v2/secret-api-key',
    });
    expect(code).toBe(0);
    expect(json.valid).toBe(true);
    expect(json.mode).toBe('live');
    expect(json.path).toBe(path);
    expect(json.config.chain).toMatchObject({ preset: 'base', vault: VAULT, rpcUrl: 'https://base.example.org/…' });
    expect(json.config.risk.maxTradeUsd).toBe('5000');
    expect(json.secrets).toEqual({ MANDATE_AGENT_KEY: 'set', OPENAI_API_KEY: 'not set', OPENAI_BASE_URL: 'not set', MANDATE_RPC_URL: 'set' });
    expect(json.preset).toMatchObject({ name: 'base', chainId: 8453, uniswapV3: { router: { kind: 'SwapRouter02' } } });
    expect(json.warnings.join('\n')).toMatch(/SwapRouter02/);
    const printed = JSON.stringify(json);
    expect(printed).not.toContain('secret-api-key');
    expect(printed).not.toContain(AGENT_KEY.slice(2));
  });

  it("validates the repository's agent.config.ts by default, with no environment", async () => {
    const { code, json } = await mandateConfig([]);
    expect(code).toBe(0);
    expect(json).toMatchObject({ valid: true, mode: 'devnet', preset: null, config: { chain: { preset: 'devnet' } } });
    expect(json.secrets.MANDATE_AGENT_KEY).toBe('not set');
  });
});
