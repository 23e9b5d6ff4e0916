import pino from 'pino';
import type { AgentLogger } from '../venues/live/start-agent.js';

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
