import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { checkDataFile, DataFileError } from '../../agent/market/csv/data-file.js';

export { DataFileError } from '../../agent/market/csv/data-file.js';

/**
 * The sha256 (hex) of a data file's bytes: what identifies the data a result was computed on, wherever the
 * file lives, and the key of its parsed cache.
 *
 * @example
 * await hashDataFile('data/chainlink/eth-usd.csv'); // 'c0ffee…' (64 hex digits)
 */
export async function hashDataFile(path: string): Promise<string> {
  checkDataFile(path);
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (error) {
    throw new DataFileError(path, error instanceof Error ? error.message : String(error), error);
  }
  return hash.digest('hex');
}
