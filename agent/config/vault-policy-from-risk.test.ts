import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { validateConfig } from './validate-config.js';
import { vaultPolicyFromRisk } from './vault-policy-from-risk.js';

const E18 = 10n ** 18n;

describe('vaultPolicyFromRisk', () => {
  it('converts the default risk section into the vault policy units exactly', () => {
    const { risk } = validateConfig({ risk: { maxTradeUsd: '2500.75' } }, { mode: 'backtest', env: {} });
    expect(vaultPolicyFromRisk(risk)).toEqual({
      perTradeCapUsd: 2500n * E18 + 75n * 10n ** 16n,
      allowanceCapUsd: 20_000n * E18,
      refillAmountUsd: 5_000n * E18,
      refillInterval: 3_600,
      maxSlippageBps: 100,
      cooldown: 300,
      maxOracleAge: 4_500,
      timelockDelay: 86_400,
    });
  });

  it('keeps sub-cent amounts exact (no float on the way)', () => {
    const { risk } = validateConfig({ risk: { allowance: { refillUsd: '0.000000000000000001' } } }, { mode: 'backtest', env: {} });
    expect(vaultPolicyFromRisk(risk).refillAmountUsd).toBe(1n);
  });

  it('rejects what does not fit the vault types, at its key path', () => {
    const tooMuch = validateConfig({ risk: { maxTradeUsd: '100000000000' } }, { mode: 'backtest', env: {} }).risk;
    expect(() => vaultPolicyFromRisk(tooMuch)).toThrow(ConfigError);
    expect(() => vaultPolicyFromRisk(tooMuch)).toThrow(/at risk.maxTradeUsd: is too large for the vault/);

    const tooLong = validateConfig({ risk: { cooldownSeconds: 2 ** 33 } }, { mode: 'backtest', env: {} }).risk;
    expect(() => vaultPolicyFromRisk(tooLong)).toThrow(/at risk.cooldownSeconds: is too large for the vault/);
  });
});
