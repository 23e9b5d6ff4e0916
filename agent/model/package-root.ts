import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * The folder of Mandate's own package.json, found by walking up from this module: the same answer whether
 * the code runs from its TypeScript sources or from the bundle in dist/, in a clone or installed. Data,
 * workers and bundles of user strategies are found from here, never from the working directory.
 *
 * @example
 * join(packageRoot(), 'data/chainlink/eth-usd.csv');
 */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(directory, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'mandate') return (root = directory);
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`No package.json of mandate above ${fileURLToPath(import.meta.url)}.`);
    directory = parent;
  }
}
