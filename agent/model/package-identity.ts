import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './package-root.js';

/** Which build of Mandate ran a backtest: results of two builds are not comparable digit for digit. */
export type PackageIdentity = {
  /** package.json's version. */
  version: string;
  /** sha256 of package-lock.json (the exact dependency tree), or 'none' when there is no lockfile. */
  lockHash: string;
};

let cached: PackageIdentity | undefined;

/**
 * This package's version and the hash of its lockfile, read once. A queue worker refuses jobs from a
 * coordinator whose identity differs, since the same backtest could then give other numbers.
 *
 * @example
 * packageIdentity(); // { version: '0.1.0', lockHash: '3a7bd3e2…' }
 */
export function packageIdentity(): PackageIdentity {
  if (cached !== undefined) return cached;
  const version = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  const lockPath = join(packageRoot(), 'package-lock.json');
  const lockHash = existsSync(lockPath) ? createHash('sha256').update(readFileSync(lockPath)).digest('hex') : 'none';
  cached = { version, lockHash };
  return cached;
}
