import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { SweepInputError } from './sweep-errors.js';

/**
 * The sha256 (hex) of a data file's bytes: what identifies the data a sweep ran on, wherever the file
 * lives. A file that cannot be read is a SweepInputError naming the path.
 *
 * @example
 * await dataHash('data/chainlink/eth-usd.csv'); // 'c0ffee…' (64 hex digits)
 */
export async function dataHash(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (error) {
    throw new SweepInputError('data', `"${path}" (${error instanceof Error ? error.message : String(error)})`, 'a readable CSV file is accepted');
  }
  return hash.digest('hex');
}
