import { parseUnits } from 'viem';
import { ConfigError } from './config-error.js';
import type { MandateConfig } from './config-schema.js';

/** The vault's USD amounts have 18 decimals (IMandateVault.Policy). */
const USD_DECIMALS = 18;
const UINT96_MAX = (1n << 96n) - 1n;
const UINT32_MAX = 2 ** 32 - 1;

/**
 * The `risk` section in the vault's own units and names: what `IMandateVault.Policy` holds (USD amounts as
 * 18-decimal bigints, seconds as uint32), plus each token's max oracle age and the owner's timelock delay.
 */
export type VaultPolicyFromRisk = {
  perTradeCapUsd: bigint;
  allowanceCapUsd: bigint;
  refillAmountUsd: bigint;
  refillInterval: number;
  maxSlippageBps: number;
  cooldown: number;
  maxOracleAge: number;
  timelockDelay: number;
};

/**
 * Converts the config's risk defaults into the vault's policy units, for deploying the devnet vault and
 * for backtests (which must deny exactly what that vault would). Values that do not fit the vault's
 * integer types are a ConfigError at their key path.
 *
 * @example
 * const policy = vaultPolicyFromRisk(config.risk);
 * policy.perTradeCapUsd; // 5000n * 10n ** 18n for maxTradeUsd '5000'
 */
export function vaultPolicyFromRisk(risk: MandateConfig['risk']): VaultPolicyFromRisk {
  const usd = (path: string, amount: string): bigint => {
    const value = parseUnits(amount, USD_DECIMALS);
    if (value > UINT96_MAX) {
      throw new ConfigError([{ path, problem: 'is too large for the vault (uint96 at 18 decimals)', value: amount, expected: 'at most 79228162514 USD' }]);
    }
    return value;
  };
  const seconds = (path: string, value: number): number => {
    if (value > UINT32_MAX) {
      throw new ConfigError([{ path, problem: 'is too large for the vault (uint32 seconds)', value, expected: `at most ${UINT32_MAX}` }]);
    }
    return value;
  };
  return {
    perTradeCapUsd: usd('risk.maxTradeUsd', risk.maxTradeUsd),
    allowanceCapUsd: usd('risk.allowance.capUsd', risk.allowance.capUsd),
    refillAmountUsd: usd('risk.allowance.refillUsd', risk.allowance.refillUsd),
    refillInterval: seconds('risk.allowance.refillIntervalSeconds', risk.allowance.refillIntervalSeconds),
    maxSlippageBps: risk.maxSlippageBps,
    cooldown: seconds('risk.cooldownSeconds', risk.cooldownSeconds),
    maxOracleAge: seconds('risk.maxOracleAgeSeconds', risk.maxOracleAgeSeconds),
    timelockDelay: risk.timelockSeconds,
  };
}
