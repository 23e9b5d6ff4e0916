import { MandateError } from '../../../agent/model/base-error.js';

/**
 * Redis cannot be reached, refused us (wrong password, TLS), or went away while a sweep waited on it.
 *
 * @example
 * throw new QueueConnectionError('Lost the connection to Redis at redis://10.0.0.5:6379/0.', { cause });
 */
export class QueueConnectionError extends MandateError {
  override name = 'QueueConnectionError';
}

/**
 * A worker will not run a job: it comes from another version or lockfile of Mandate (whose numbers could
 * differ), or its data or strategy bundle is missing from Redis or does not match its hash.
 *
 * @example
 * throw new QueueJobRefusedError('Job from mandate 0.2.0 refused by a worker of 0.1.0.', { details });
 */
export class QueueJobRefusedError extends MandateError {
  override name = 'QueueJobRefusedError';
}
