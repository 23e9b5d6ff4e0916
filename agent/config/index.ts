/**
 * The agent config: schema and defaults, `defineConfig` for agent.config.ts, loading and validation
 * with readable errors, secrets from the environment only.
 */
export { configSchema, chainPresetNames, presetFeedNames, uniswapFeeTiers } from './config-schema.js';
export type { ChainPresetName, MandateConfig, MandateConfigInput, StrategyConfig, StrategyDefinitionLike } from './config-schema.js';
export { defineConfig } from './define-config.js';
export { loadConfig, defaultConfigPath } from './load-config.js';
export type { LoadConfigOptions } from './load-config.js';
export { validateConfig, configModes } from './validate-config.js';
export type { ConfigMode, ResolvedConfig, StrategyCatalog, ValidateConfigOptions } from './validate-config.js';
export { ConfigError, formatIssue } from './config-error.js';
export type { ConfigIssue } from './config-error.js';
export { guardSecrets, readSecrets, secretEnvVars } from './read-secrets.js';
export type { ConfigSecrets } from './read-secrets.js';
export { redactConfig, redactUrl } from './redact-config.js';
export { vaultPolicyFromRisk } from './vault-policy-from-risk.js';
export type { VaultPolicyFromRisk } from './vault-policy-from-risk.js';
