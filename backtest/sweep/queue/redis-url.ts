import type { RedisOptions } from 'bullmq';
import { SweepInputError } from '../sweep-errors.js';

/**
 * Reads `redis://[user:password@]host[:port][/db]` or `rediss://…` (TLS; the server's certificate is
 * checked against the system's CAs and NODE_EXTRA_CA_CERTS) into ioredis options.
 *
 * @example
 * redisOptionsFromUrl('redis://:secret@10.0.0.5:6379/2'); // { host: '10.0.0.5', port: 6379, db: 2, password: 'secret' }
 */
export function redisOptionsFromUrl(url: string): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SweepInputError('queue', `"${redactRedisUrl(url)}"`, 'a URL redis://[user:password@]host:port[/db] or rediss://… is accepted');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new SweepInputError('queue', `"${redactRedisUrl(url)}"`, 'a URL redis://[user:password@]host:port[/db] or rediss://… (TLS) is accepted');
  }
  const db = parsed.pathname === '' || parsed.pathname === '/' ? 0 : Number(parsed.pathname.slice(1));
  if (!Number.isSafeInteger(db) || db < 0) throw new SweepInputError('queue database', `"${parsed.pathname.slice(1)}"`, 'a database number (0, 1, …) after the port is accepted');
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    host,
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    db,
    ...(parsed.username !== '' ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password !== '' ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: { servername: host } } : {}),
  };
}

/**
 * The URL with its password replaced by `***`, for messages and logs.
 *
 * @example
 * redactRedisUrl('redis://:secret@host:6379'); // 'redis://:***@host:6379'
 */
export function redactRedisUrl(url: string): string {
  return url.replace(/^(\w+:\/\/[^:@/]*:)[^@/]*@/, '$1***@');
}
