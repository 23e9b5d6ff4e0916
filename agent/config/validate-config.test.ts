import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { validateConfig, type ValidateConfigOptions } from './validate-config.js';

const VAULT = '0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640';
const AGENT_KEY = `0x${'ab'.repeat(32)}`;
const noEnv: ValidateConfigOptions = { mode: 'devnet', env: {} };

/** Runs validateConfig and returns the ConfigError it must throw. */
function configErrorOf(input: unknown, options: ValidateConfigOptions = noEnv): ConfigError {
  try {
    validateConfig(input, options);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, but the config was accepted');
}

describe('validateConfig: defaults', () => {
  it('accepts an empty config and fills in every default', () => {
    const config = validateConfig({}, noEnv);
    expect(config.chain.preset).toBe('devnet');
    expect(config.chain.confirmations).toBe(2);
    expect(config.market.pools).toEqual([{ fee: 500 }, { fee: 3000 }]);
    expect(config.reasoner.use).toBe('rules');
    expect(config.reasoner.llm.budget.callsPerRun).toBe(500);
    expect(config.risk.maxTradeUsd).toBe('5000');
    expect(config.risk.allowance.capUsd).toBe('20000');
    expect(config.execution.gas.gasLimitMultiplier).toBe(1.2);
    expect(config.journal.path).toBe('.mandate/journal.sqlite');
    expect(config.commits).toEqual({ batchSize: 64, intervalSeconds: 3600 });
    expect(config.backtest.gasPriceGwei).toBe('20');
    expect(config.strategies).toHaveLength(1);
    expect(config.mode).toBe('devnet');
  });

  it('fills the defaults inside a partly written section', () => {
    const config = validateConfig({ risk: { allowance: { capUsd: '100' } }, reasoner: { llm: { budget: { callsPerDay: 3 } } } }, noEnv);
    expect(config.risk.allowance).toEqual({ capUsd: '100', refillUsd: '5000', refillIntervalSeconds: 3600 });
    expect(config.reasoner.llm.budget).toMatchObject({ callsPerDay: 3, callsPerRun: 500 });
    expect(config.risk.cooldownSeconds).toBe(300);
  });

  it('infers the mode from the preset when none is given', () => {
    expect(validateConfig({}, { env: {} }).mode).toBe('devnet');
    const live = validateConfig({ chain: { preset: 'ethereum', vault: VAULT } }, { env: { MANDATE_RPC_URL: 'https://rpc.example.org', MANDATE_AGENT_KEY: AGENT_KEY } });
    expect(live.mode).toBe('live');
  });
});

describe('validateConfig: each bad case names the key path, the value and what is accepted', () => {
  it('wrong type', () => {
    const error = configErrorOf({ risk: { maxSlippageBps: '100' } });
    expect(error.path).toBe('risk.maxSlippageBps');
    expect(error.value).toBe('100');
    expect(error.shortMessage).toBe('Invalid config at risk.maxSlippageBps: has the wrong type (a string, not a number).');
    expect(error.expected).toMatch(/whole number from 0 to 10000/);
  });

  it('negative limit, as a number and as a decimal string', () => {
    const asNumber = configErrorOf({ risk: { maxTradeUsd: -100 } });
    expect(asNumber.path).toBe('risk.maxTradeUsd');
    expect(asNumber.value).toBe(-100);
    expect(asNumber.shortMessage).toBe('Invalid config at risk.maxTradeUsd: must not be negative.');
    expect(asNumber.expected).toMatch(/non-negative amount in USD/);

    const asString = configErrorOf({ execution: { maxTradeSizeUsd: '-0.5' } });
    expect(asString.path).toBe('execution.maxTradeSizeUsd');
    expect(asString.shortMessage).toMatch(/must not be negative/);

    const seconds = configErrorOf({ risk: { cooldownSeconds: -1 } });
    expect(seconds.path).toBe('risk.cooldownSeconds');
    expect(seconds.shortMessage).toMatch(/must not be negative/);
  });

  it('missing RPC URL for a live run, but not for devnet or backtest', () => {
    const input = { chain: { preset: 'base', vault: VAULT } };
    const error = configErrorOf(input, { mode: 'live', env: { MANDATE_AGENT_KEY: AGENT_KEY } });
    expect(error.path).toBe('chain.rpcUrl');
    expect(error.value).toBeUndefined();
    expect(error.shortMessage).toBe('Invalid config at chain.rpcUrl: is required for a live run.');
    expect(error.expected).toMatch(/MANDATE_RPC_URL/);
    expect(error.issues).toHaveLength(1);

    expect(validateConfig(input, { mode: 'devnet', env: {} }).chain.rpcUrl).toBeUndefined();
    expect(validateConfig(input, { mode: 'backtest', env: {} }).mode).toBe('backtest');
    const fromEnv = validateConfig(input, { mode: 'live', env: { MANDATE_AGENT_KEY: AGENT_KEY, MANDATE_RPC_URL: 'https://base.example.org' } });
    expect(fromEnv.chain.rpcUrl).toBe('https://base.example.org');
  });

  it('an address with a bad EIP-55 checksum, while all-lowercase is accepted', () => {
    const badChecksum = VAULT.replace('88e6A', '88E6a');
    const error = configErrorOf({ chain: { vault: badChecksum } });
    expect(error.path).toBe('chain.vault');
    expect(error.value).toBe(badChecksum);
    expect(error.shortMessage).toMatch(/wrong EIP-55 checksum/);
    expect(error.expected).toMatch(/checksummed or all lowercase/);

    expect(validateConfig({ chain: { vault: VAULT.toLowerCase() } }, noEnv).chain.vault).toBe(VAULT);
  });

  it('unknown keys, with a "did you mean" for typos', () => {
    const error = configErrorOf({ risk: { maxTradeUSD: '10' } });
    expect(error.path).toBe('risk.maxTradeUSD');
    expect(error.shortMessage).toBe('Invalid config at risk.maxTradeUSD: is not a known key (did you mean "maxTradeUsd"?).');
    expect(error.expected).toMatch(/^one of the keys maxTradeUsd, allowance, /);

    expect(configErrorOf({ stratgies: [] }).shortMessage).toMatch(/did you mean "strategies"/);
    expect(configErrorOf({ wobble: 1 }).shortMessage).toBe('Invalid config at wobble: is not a known key.');
  });

  it('a wrong enum value suggests the closest accepted one', () => {
    const error = configErrorOf({ chain: { preset: 'arbitum' } });
    expect(error.path).toBe('chain.preset');
    expect(error.shortMessage).toMatch(/did you mean "arbitrum"/);
    expect(error.expected).toBe('one of devnet, ethereum, base, arbitrum');
  });

  it('reports every problem, the first one in the message', () => {
    const error = configErrorOf({ risk: { maxTradeUsd: -1, cooldownSeconds: 'soon' }, execution: { slippageBps: 20_000 } });
    expect(error.issues.map((issue) => issue.path)).toEqual(['risk.maxTradeUsd', 'risk.cooldownSeconds', 'execution.slippageBps']);
    expect(error.message).toMatch(/2 more problem\(s\)/);
    expect(error.issues[2]?.problem).toBe('is too large (the maximum is 10000)');
  });
});

describe('validateConfig: secrets come only from the environment', () => {
  it('refuses a private key in the file and names the environment variable to use', () => {
    const error = configErrorOf({ chain: { privateKey: AGENT_KEY } });
    expect(error.path).toBe('chain.privateKey');
    expect(error.expected).toMatch(/MANDATE_AGENT_KEY/);
    expect(error.message).not.toContain(AGENT_KEY);
    expect(configErrorOf({ reasoner: { llm: { apiKey: 'sk-abc' } } }).expected).toMatch(/OPENAI_API_KEY/);
  });

  it('requires the agent key for a live run unless read-only', () => {
    const input = { chain: { preset: 'arbitrum', vault: VAULT, rpcUrl: 'https://arb.example.org' } };
    expect(configErrorOf(input, { mode: 'live', env: {} }).path).toBe('env.MANDATE_AGENT_KEY');
    expect(validateConfig(input, { mode: 'live', env: {}, readOnly: true }).mode).toBe('live');
  });

  it('rejects a malformed agent key without printing it', () => {
    const error = configErrorOf({}, { mode: 'devnet', env: { MANDATE_AGENT_KEY: '0xdeadbeef' } });
    expect(error.path).toBe('env.MANDATE_AGENT_KEY');
    expect(error.message).not.toContain('deadbeef');
  });

  it('keeps secrets readable but out of JSON and logs, even after spreading the config', () => {
    const config = validateConfig({}, { mode: 'devnet', env: { MANDATE_AGENT_KEY: AGENT_KEY, OPENAI_API_KEY: 'sk-secret' } });
    expect(config.secrets.agentKey).toBe(AGENT_KEY);
    expect(config.secrets.openaiApiKey).toBe('sk-secret');
    const copy = { ...config, chain: { ...config.chain } };
    expect(copy.secrets.agentKey).toBe(AGENT_KEY);
    for (const printed of [JSON.stringify(config), JSON.stringify(copy), inspect(copy, { depth: 10 })]) {
      expect(printed).not.toContain('sk-secret');
      expect(printed).not.toContain(AGENT_KEY.slice(2));
    }
    expect(JSON.parse(JSON.stringify(config)).secrets).toEqual({ agentKey: 'set', openaiApiKey: 'set', openaiBaseUrl: 'not set', rpcUrl: 'not set' });
  });

  it('fails an llm reasoner with no endpoint and no fallback, and only warns when it can fall back', () => {
    const noFallback = configErrorOf({ reasoner: { use: 'llm', llm: { fallbackToRules: false } } });
    expect(noFallback.path).toBe('env.OPENAI_API_KEY');
    const withFallback = validateConfig({ reasoner: { use: 'llm' } }, noEnv);
    expect(withFallback.warnings.join('\n')).toMatch(/fall back to rules/);
    const replay = validateConfig({ reasoner: { use: 'llm', llm: { cache: 'replay', fallbackToRules: false } } }, noEnv);
    expect(replay.warnings).toEqual([]);
  });
});

describe('validateConfig: cross-field checks', () => {
  it('rejects duplicate strategy ids and pools the market does not watch', () => {
    const duplicate = configErrorOf({ strategies: [{ id: 'a', use: 'trend' }, { id: 'a', use: 'dca' }] });
    expect(duplicate.path).toBe('strategies[1].id');
    expect(duplicate.shortMessage).toMatch(/repeats the id of strategies\[0\]/);

    const pool = configErrorOf({ market: { pools: [{ fee: 500 }] }, strategies: [{ id: 'a', use: 'trend', poolFee: 3000 }] });
    expect(pool.path).toBe('strategies[0].poolFee');
    expect(pool.expected).toBe('one of the fee tiers in market.pools: 500');
  });

  it('warns when the agent cap exceeds the vault cap, or Base needs the SwapRouter02 interface', () => {
    const capped = validateConfig({ execution: { maxTradeSizeUsd: '6000' } }, noEnv);
    expect(capped.warnings.join('\n')).toMatch(/execution.maxTradeSizeUsd \(6000\) is above risk.maxTradeUsd \(5000\)/);

    const base = validateConfig({ chain: { preset: 'base', vault: VAULT, rpcUrl: 'https://base.example.org' } }, { mode: 'live', env: { MANDATE_AGENT_KEY: AGENT_KEY } });
    expect(base.warnings.join('\n')).toMatch(/SwapRouter02/);
  });

  it('refuses a live run on the devnet preset, which has no addresses of its own', () => {
    const error = configErrorOf({ chain: { rpcUrl: 'http://127.0.0.1:8545', vault: VAULT } }, { mode: 'live', env: { MANDATE_AGENT_KEY: AGENT_KEY } });
    expect(error.path).toBe('chain.preset');
  });
});
