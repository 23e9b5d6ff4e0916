import pino, { type DestinationStream, type Logger } from 'pino';

/** The levels the config's `observability.logLevel` accepts. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * Field paths whose values never reach a log line: keys, tokens and credentials, at the top level and up to
 * two objects deep (a config, a request's headers). pino replaces them with "[redacted]" while serializing,
 * so a whole object can be logged without first picking out what is safe.
 */
export const redactedLogPaths: readonly string[] = [
  'privateKey',
  'agentKey',
  'ownerKey',
  'apiKey',
  'openaiApiKey',
  'mnemonic',
  'password',
  'secret',
  'authorization',
  'OPENAI_API_KEY',
  'MANDATE_AGENT_KEY',
  'MANDATE_OWNER_KEY',
  'MANDATE_GUARDIAN_KEY',
  'MANDATE_SAFE_OWNER_KEYS',
].flatMap((field) => [field, `*.${field}`, `*.*.${field}`]).concat(['headers.authorization', '*.headers.authorization']);

export type CreateLoggerParameters = {
  /** Default 'info'. */
  level?: LogLevel | undefined;
  /** Fields on every line (say `{ runId }`). */
  bindings?: Record<string, unknown> | undefined;
  /** More field paths to redact, in pino's path syntax (`a.b`, `*.c`). */
  redact?: readonly string[] | undefined;
  /**
   * Where lines go. Default: stderr, written synchronously, because stdout carries decisions and the
   * `--json` summary, and a process that exits right after a stop must not lose its last lines.
   */
  destination?: DestinationStream | undefined;
};

/**
 * The agent's structured logger: pino, one JSON object per line (`level` as a label, `time` in ISO 8601,
 * errors under `err`/`error` with their type, message and stack), secrets redacted (see redactedLogPaths).
 *
 * @example
 * const log = createLogger({ level: config.observability.logLevel, bindings: { runId } });
 * log.info({ vault }, 'Agent started');
 * log.warn({ err: error, agentKey: key }, 'Send failed'); // agentKey is written as "[redacted]"
 */
export function createLogger(parameters: CreateLoggerParameters = {}): Logger {
  const destination = parameters.destination ?? pino.destination({ fd: 2, sync: true });
  return pino(
    {
      level: parameters.level ?? 'info',
      base: parameters.bindings ?? null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      redact: { paths: [...redactedLogPaths, ...(parameters.redact ?? [])], censor: '[redacted]' },
    },
    destination,
  );
}
