import type { MandateConfigInput } from './config-schema.js';

/**
 * Declares an agent config with full typing and editor completion. It returns its argument unchanged:
 * validation (and every default) happens when the config is loaded for a mode, because what is required
 * depends on it (a live run needs an RPC URL, a backtest does not).
 *
 * @example
 * // agent.config.ts
 * import { defineConfig } from './agent/config/index.js';
 * export default defineConfig({
 *   chain: { preset: 'devnet' },
 *   strategies: [{ id: 'eth-trend', use: 'trend', params: { fast: 12, slow: 48 } }],
 * });
 */
export function defineConfig<const Config extends MandateConfigInput>(config: Config): Config {
  return config;
}
