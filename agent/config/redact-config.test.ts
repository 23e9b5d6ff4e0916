import { describe, expect, it } from 'vitest';
import { redactConfig, redactUrl } from './redact-config.js';
import { validateConfig } from './validate-config.js';

describe('redactUrl', () => {
  it('keeps scheme and host, hides paths, queries and credentials where API keys live', () => {
    expect(redactUrl('https://eth-mainnet.example.org/v2/abc123')).toBe('https://eth-mainnet.example.org/…');
    expect(redactUrl('https://rpc.example.org/?apikey=abc')).toBe('https://rpc.example.org/…');
    expect(redactUrl('wss://user:pass@rpc.example.org')).toBe('wss://rpc.example.org/…');
    expect(redactUrl('http://127.0.0.1:8545')).toBe('http://127.0.0.1:8545');
    expect(redactUrl('not a url')).toBe('[redacted]');
  });
});

describe('redactConfig', () => {
  it('reports only whether each secret is set, and redacts the RPC URL', () => {
    const resolved = validateConfig(
      { chain: { rpcUrl: 'https://rpc.example.org/key-in-path' } },
      { mode: 'devnet', env: { MANDATE_AGENT_KEY: `0x${'11'.repeat(32)}`, OPENAI_BASE_URL: 'http://localhost:11434/v1' } },
    );
    const { config, secrets } = redactConfig(resolved);
    expect(secrets).toEqual({ MANDATE_AGENT_KEY: 'set', OPENAI_API_KEY: 'not set', OPENAI_BASE_URL: 'set', MANDATE_RPC_URL: 'not set' });
    expect(config.chain.rpcUrl).toBe('https://rpc.example.org/…');
    expect(JSON.stringify({ config, secrets })).not.toMatch(/key-in-path|1111/);
  });
});
