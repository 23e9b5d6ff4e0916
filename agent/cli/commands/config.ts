import { Option, type Command } from 'commander';
import { getChainPreset, type ChainPreset } from '../../chain/presets/index.js';
import { configModes, loadConfig, redactConfig, type ConfigMode } from '../../config/index.js';
import { strategyCatalog } from '../../engine/strategy-catalog.js';
import { commandAction, withCommonOptions } from '../action.js';

/** What `mandate config --json` prints (its last line). */
export type ConfigCommandResult = {
  valid: true;
  /** The config file that was loaded. */
  path: string | undefined;
  mode: ConfigMode;
  /** The resolved config with every default applied; the RPC URL reduced to its host. */
  config: Record<string, unknown>;
  /** For each secret environment variable, only whether it is set. */
  secrets: Record<string, 'set' | 'not set'>;
  /** The chain preset's official addresses, or null on the devnet (its manifest has them). */
  preset: ChainPreset | null;
  warnings: readonly string[];
};

/**
 * `mandate config [--mode live|devnet|backtest]`: loads and validates the config, then prints it resolved,
 * with secrets redacted. A broken config prints the ConfigError (key path, value, what is accepted) and
 * exits with code 1.
 *
 * @example
 * registerConfigCommand(program); // then: mandate config --config agent.config.ts --mode live --json
 */
export function registerConfigCommand(program: Command): void {
  withCommonOptions(
    program
      .command('config')
      .description('validate the agent config and print it resolved (defaults applied, secrets redacted)')
      .addOption(
        new Option('--mode <mode>', 'what to validate for: live needs an RPC URL, the vault and the agent key').choices(configModes),
      ),
  ).action(
    commandAction(
      async (ctx, options: { mode?: ConfigMode }): Promise<ConfigCommandResult> => {
        const resolved = await loadConfig(ctx.configPath, { mode: options.mode, strategies: strategyCatalog });
        const { config, secrets } = redactConfig(resolved);
        const { mode, source, warnings, secrets: _guarded, ...rest } = config;
        return {
          valid: true,
          path: source,
          mode,
          config: rest,
          secrets,
          preset: getChainPreset(resolved.chain.preset) ?? null,
          warnings,
        };
      },
      (result) =>
        [
          `Config ${result.path ?? ''} is valid for a ${result.mode} run.`,
          '',
          JSON.stringify(result.config, null, 2),
          '',
          'Secrets (environment only):',
          ...Object.entries(result.secrets).map(([name, status]) => `  ${name}: ${status}`),
          ...(result.preset ? ['', `Chain preset ${result.preset.label} (chain id ${result.preset.chainId}):`, JSON.stringify(result.preset, null, 2)] : []),
          ...(result.warnings.length ? ['', 'Warnings:', ...result.warnings.map((warning) => `  - ${warning}`)] : []),
        ].join('\n'),
    ),
  );
}
