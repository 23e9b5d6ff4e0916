import { Redis } from 'ioredis';
import { QueueConnectionError } from './queue-errors.js';
import { redactRedisUrl, redisOptionsFromUrl } from './redis-url.js';

export type OpenRedisParameters = {
  url: string;
  /**
   * 'sweep': give up after about 5 s without Redis (the sweep then fails and can be resumed);
   * 'worker': retry for ever (a worker outlives a Redis restart).
   */
  role: 'sweep' | 'worker';
};

/**
 * Connects to Redis (ioredis) and checks it answers, or throws a QueueConnectionError naming the URL
 * (password hidden) and the cause.
 *
 * @example
 * const redis = await openRedis({ url: 'redis://localhost:6379', role: 'sweep' });
 */
export async function openRedis(parameters: OpenRedisParameters): Promise<Redis> {
  // Our own commands fail after one reconnect attempt (a sweep then notices a lost Redis); BullMQ's never do.
  const redis = new Redis({ ...redisConnectionOptions(parameters), maxRetriesPerRequest: parameters.role === 'worker' ? null : 1, lazyConnect: true });
  // Errors surface through the commands' rejections and 'end' (without a listener ioredis prints each); the
  // last one says why a connection closed (a wrong password, a refused TLS handshake).
  let lastError: unknown;
  redis.on('error', (error: unknown) => (lastError = error));
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new QueueConnectionError(`Cannot use Redis at ${redactRedisUrl(parameters.url)}.`, {
      cause: lastError ?? error,
      metaMessages: ['Check the URL (redis://[user:password@]host:port[/db], rediss:// for TLS), that redis-server runs there, and its password.'],
    });
  }
  return redis;
}

/**
 * ioredis options for a URL and role, for the connections BullMQ opens itself.
 *
 * @example
 * new Queue('backtests', { connection: redisConnectionOptions({ url, role: 'sweep' }) });
 */
export function redisConnectionOptions({ url, role }: OpenRedisParameters) {
  return {
    ...redisOptionsFromUrl(url),
    // BullMQ's blocking calls need unlimited retries per command; the reconnect policy decides when to stop.
    maxRetriesPerRequest: null,
    connectTimeout: 5_000,
    retryStrategy: (attempt: number) => (role === 'sweep' && attempt > 10 ? null : Math.min(attempt * 250, 2_000)),
  };
}
