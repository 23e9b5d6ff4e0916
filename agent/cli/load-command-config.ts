import { existsSync } from 'node:fs';
import { defaultConfigPath, loadConfig, validateConfig, type ConfigMode, type ResolvedConfig } from '../config/index.js';
import { strategyCatalog } from '../engine/strategy-catalog.js';

/**
 * The config for a command: `--config <path>` if given, else ./agent.config.ts if present, else the
 * defaults (so `mandate demo` runs in a fresh clone with no config at all).
 *
 * @example
 * const config = await loadCommandConfig(ctx.configPath, 'devnet'); // undefined mode: the preset decides
 * await loadCommandConfig(path, 'live', { env: { ...process.env, MANDATE_RPC_URL: rpcFlag } }); // --rpc wins
 */
export async function loadCommandConfig(
  configPath: string | undefined,
  mode: ConfigMode | undefined,
  options: { readOnly?: boolean; env?: Readonly<Record<string, string | undefined>> } = {},
): Promise<ResolvedConfig> {
  // Strategy names and params are checked here too, so every problem is reported at its key path at once.
  const validate = { mode, readOnly: options.readOnly, env: options.env, strategies: strategyCatalog };
  if (configPath === undefined && !existsSync(defaultConfigPath)) return validateConfig({}, validate);
  return loadConfig(configPath, validate);
}
