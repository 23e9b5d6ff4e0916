import { describe, expect, it } from 'vitest';
import { SweepInputError } from '../sweep-errors.js';
import { redactRedisUrl, redisOptionsFromUrl } from './redis-url.js';

describe('redis URLs', () => {
  it('reads host, port, database, user and password; rediss turns TLS on', () => {
    expect(redisOptionsFromUrl('redis://10.0.0.5')).toEqual({ host: '10.0.0.5', port: 6379, db: 0 });
    expect(redisOptionsFromUrl('redis://:p%40ss@localhost:6380/2')).toEqual({ host: 'localhost', port: 6380, db: 2, password: 'p@ss' });
    expect(redisOptionsFromUrl('rediss://worker:secret@redis.internal:6390')).toEqual({ host: 'redis.internal', port: 6390, db: 0, username: 'worker', password: 'secret', tls: { servername: 'redis.internal' } });
  });

  it('names what is accepted, without showing the password', () => {
    expect(() => redisOptionsFromUrl('http://:secret@host')).toThrow(SweepInputError);
    expect(() => redisOptionsFromUrl('http://:secret@host')).toThrow(/redis:\/\/\[user:password@\]host:port\[\/db\]/);
    expect(() => redisOptionsFromUrl('http://:secret@host')).not.toThrow(/secret/);
    expect(() => redisOptionsFromUrl('redis://host/x')).toThrow(/database number/);
    expect(redactRedisUrl('rediss://user:secret@host:6379/1')).toBe('rediss://user:***@host:6379/1');
  });
});
