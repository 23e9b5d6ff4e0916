import { existsSync } from 'node:fs';
import pino from 'pino';
import { defaultConfigPath, loadConfig, validateConfig, type ConfigMode, type ResolvedConfig } from '../config/index.js';
import type { AgentLogger } from './start-agent.js';

/**
 * The config for a command: `--config <path>` if given, else ./agent.config.ts if present, else the
 * defaults (so `mandate demo` runs in a fresh clone with no config at all).
 *
 * @example
 * const config = await loadCommandConfig(ctx.configPath, 'devnet'); // undefined mode: the preset decides
 */
export async function loadCommandConfig(configPath: string | undefined, mode: ConfigMode | undefined, options: { readOnly?: boolean } = {}): Promise<ResolvedConfig> {
  if (configPath === undefined && !existsSync(defaultConfigPath)) return validateConfig({}, { mode, readOnly: options.readOnly });
  return loadConfig(configPath, { mode, readOnly: options.readOnly });
}

/**
 * The agent's pino logger: JSON lines on stderr (stdout is for decisions and the --json summary),
 * written synchronously so nothing is lost when the process exits right after a stop.
 *
 * @example
 * const log = createAgentLogger(config.observability.logLevel);
 * log.info({ runId }, 'Agent started');
 */
export function createAgentLogger(level: string): AgentLogger {
  return pino({ level, base: undefined }, pino.destination({ fd: 2, sync: true })) as unknown as AgentLogger;
}

/**
 * Resolves on the first SIGINT or SIGTERM and calls `onSignal` then; `dispose` removes the handlers.
 *
 * @example
 * const interrupt = onStopSignal(() => agent.stop());
 * try { await agent.done; } finally { interrupt.dispose(); }
 */
export function onStopSignal(onSignal: (signal: NodeJS.Signals) => void): { dispose(): void } {
  const handler = (signal: NodeJS.Signals) => onSignal(signal);
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return {
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
