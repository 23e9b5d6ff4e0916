import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { dataHash } from '../data-hash.js';
import { strategyBundlePath, writeStrategyBundle, type StrategyBundle } from '../strategy-bundle.js';
import { QueueJobRefusedError } from './queue-errors.js';
import { bundleKey, dataChunkBytes, dataKeys, keepSeconds, type QueueDataRef } from './queue-keys.js';

/**
 * Puts a data file in Redis under its sha256, once: a second sweep on the same bytes only renews its
 * expiry. Chunks go to a temporary key renamed at the end, so a reader never sees half a file.
 *
 * @example
 * const ref = await publishData(redis, 'data/chainlink/eth-usd.csv', hash); // { via: 'redis', hash, size }
 */
export async function publishData(redis: Redis, path: string, hash: string): Promise<QueueDataRef> {
  const keys = dataKeys(hash);
  const known = await redis.get(keys.size);
  if (known !== null) {
    await redis.multi().expire(keys.size, keepSeconds).expire(keys.chunks, keepSeconds).exec();
    return { via: 'redis', hash, size: Number(known) };
  }
  const bytes = readFileSync(path);
  if (createHash('sha256').update(bytes).digest('hex') !== hash) throw new QueueJobRefusedError(`The data file ${path} changed while the sweep started.`);
  const temporary = `${keys.chunks}:${randomUUID()}`;
  const upload = redis.multi();
  for (let offset = 0; offset < bytes.length; offset += dataChunkBytes) upload.rpush(temporary, bytes.subarray(offset, offset + dataChunkBytes));
  if (bytes.length === 0) upload.rpush(temporary, Buffer.alloc(0));
  await upload.rename(temporary, keys.chunks).expire(keys.chunks, keepSeconds).set(keys.size, String(bytes.length), 'EX', keepSeconds).exec();
  return { via: 'redis', hash, size: bytes.length };
}

/**
 * Puts a strategy bundle in Redis under its hash.
 *
 * @example
 * await publishBundle(redis, bundle);
 */
export async function publishBundle(redis: Redis, bundle: StrategyBundle): Promise<void> {
  await redis.set(bundleKey(bundle.hash), bundle.code, 'EX', keepSeconds);
}

/**
 * A worker's local copy of a job's data, its hash checked: fetched from Redis into `cacheDir` (once per
 * data file), or the shared path itself. Concurrent jobs on the same data share one fetch.
 *
 * @example
 * const file = await fetcher.data(job.data.data); // '.mandate/worker-cache/<sha256>.csv'
 */
export function createDataFetcher(redis: Redis, cacheDir: string) {
  const fetches = new Map<string, Promise<string>>();
  const once = (key: string, fetch: () => Promise<string>): Promise<string> => {
    let pending = fetches.get(key);
    if (pending === undefined) {
      pending = fetch();
      fetches.set(key, pending);
      pending.catch(() => fetches.delete(key));
    }
    return pending;
  };
  return {
    data(ref: QueueDataRef): Promise<string> {
      if (ref.via === 'path') {
        // Checked once per version of the file (its size and modification time).
        const stat = existsSync(ref.path) ? statSync(ref.path) : undefined;
        return once(`${ref.path}:${stat?.size}:${stat?.mtimeMs}`, async () => {
          if (stat === undefined) throw new QueueJobRefusedError(`The shared data file ${ref.path} is not on this machine.`, { details: 'With --shared-data every worker reads the data at the path the sweep gave; mount it there, or drop --shared-data to send the data through Redis.' });
          const found = await dataHash(ref.path);
          if (found !== ref.hash) throw new QueueJobRefusedError(`The shared data file ${ref.path} differs from the sweep's.`, { details: `Its sha256 is ${found}; the sweep's is ${ref.hash}.` });
          return ref.path;
        });
      }
      const file = join(cacheDir, `${ref.hash}.csv`);
      return once(ref.hash, async () => {
        if (existsSync(file)) return file;
        const keys = dataKeys(ref.hash);
        const chunks = await redis.lrangeBuffer(keys.chunks, 0, -1);
        const bytes = Buffer.concat(chunks);
        if (chunks.length === 0) throw new QueueJobRefusedError(`The sweep's data ${ref.hash} is not in Redis.`, { details: `Expired or evicted: data is kept ${keepSeconds / 86_400} days; run the sweep again (and set maxmemory-policy noeviction).` });
        const found = createHash('sha256').update(bytes).digest('hex');
        if (found !== ref.hash || bytes.length !== ref.size) throw new QueueJobRefusedError(`The sweep's data from Redis does not match its hash.`, { details: `Got ${bytes.length} bytes hashing to ${found}; expected ${ref.size} bytes hashing to ${ref.hash}.` });
        mkdirSync(cacheDir, { recursive: true });
        const temporary = `${file}.${process.pid}.${randomUUID()}.tmp`;
        writeFileSync(temporary, bytes);
        renameSync(temporary, file);
        return file;
      });
    },
    bundle(hash: string): Promise<string> {
      return once(`bundle:${hash}`, async () => {
        const path = strategyBundlePath(hash);
        if (existsSync(path)) return path;
        const code = await redis.get(bundleKey(hash));
        if (code === null) throw new QueueJobRefusedError(`The sweep's strategy bundle ${hash} is not in Redis.`, { details: `Expired or evicted: bundles are kept ${keepSeconds / 86_400} days; run the sweep again.` });
        return writeStrategyBundle(hash, code);
      });
    },
  };
}
