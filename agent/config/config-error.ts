import { MandateError } from '../model/base-error.js';

/** One problem found in a config: where, what was there, and what would be accepted. */
export type ConfigIssue = {
  /** Dotted key path with array indices, e.g. `risk.maxTradeUsd` or `strategies[0].use`. */
  path: string;
  /** What is wrong, e.g. "must not be negative". */
  problem: string;
  /** The value found at `path` (undefined when the key is missing). */
  value: unknown;
  /** What is accepted there, in words a user can act on. */
  expected: string;
};

/**
 * A config that cannot be used. The message names the first problem's key path; `issues` holds every
 * problem found, so a user can fix them all in one go.
 *
 * @example
 * try {
 *   await loadConfig('agent.config.ts', { mode: 'live' });
 * } catch (error) {
 *   if (error instanceof ConfigError) console.error(error.path, error.expected);
 * }
 */
export class ConfigError extends MandateError {
  override name = 'ConfigError';
  /** The key path of the first problem (empty for problems with the file itself). */
  readonly path: string;
  readonly value: unknown;
  readonly expected: string;
  readonly issues: readonly ConfigIssue[];

  constructor(
    issues: readonly [ConfigIssue, ...ConfigIssue[]],
    parameters: {
      /** The config file, shown under the message. */
      source?: string | undefined;
      cause?: unknown;
      /** Why the file itself failed (e.g. the import error's message), shown under the message. */
      reason?: string | undefined;
    } = {},
  ) {
    const [first, ...rest] = issues;
    const where = first.path ? ` at ${first.path}` : '';
    super(`Invalid config${where}: ${first.problem}.`, {
      details: `Got ${describeValue(first.value)}; expected ${first.expected}.`,
      metaMessages: [
        ...(parameters.source ? [`Config file: ${parameters.source}`] : []),
        ...(parameters.reason ? [`Reason: ${parameters.reason}`] : []),
        ...(rest.length ? [`${rest.length} more problem(s):`, ...rest.map((issue) => `- ${formatIssue(issue)}`)] : []),
      ],
      cause: parameters.cause,
    });
    this.path = first.path;
    this.value = first.value;
    this.expected = first.expected;
    this.issues = issues;
  }
}

/**
 * One issue as a single readable line.
 *
 * @example
 * formatIssue({ path: 'risk.maxTradeUsd', problem: 'must not be negative', value: -1, expected: 'a USD amount' });
 * // 'risk.maxTradeUsd: must not be negative; got -1 (a number), expected a USD amount'
 */
export function formatIssue(issue: ConfigIssue): string {
  return `${issue.path || '(file)'}: ${issue.problem}; got ${describeValue(issue.value)}, expected ${issue.expected}`;
}

/**
 * Renders a value for an error message: short, typed, and never multi-line.
 *
 * @example
 * describeValue('100'); // '"100" (a string)'
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the key is missing)';
  if (value === null) return 'null';
  if (typeof value === 'string') return `${JSON.stringify(value)} (a string)`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${String(value)} (a ${typeof value})`;
  if (typeof value === 'bigint') return `${value}n (a bigint)`;
  if (Array.isArray(value)) return `an array of ${value.length} item(s)`;
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    return keys.length ? `an object with keys ${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', …' : ''}` : 'an empty object';
  }
  return `a ${typeof value}`;
}
