import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const rootUrl = new URL('../../', import.meta.url);

/** The package's root folder (where package.json is): strategy bundles are written under it. */
export const packageRoot = fileURLToPath(rootUrl);

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
  const version = (JSON.parse(readFileSync(new URL('package.json', rootUrl), 'utf8')) as { version: string }).version;
  const lockPath = new URL('package-lock.json', rootUrl);
  const lockHash = existsSync(lockPath) ? createHash('sha256').update(readFileSync(lockPath)).digest('hex') : 'none';
  cached = { version, lockHash };
  return cached;
}
