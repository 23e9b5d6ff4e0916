/**
 * Builds dist/node/: the `mandate` command, the public `mandate` module and the sweep worker, bundled by
 * esbuild from the TypeScript sources (npm packages stay external). Run by `npm install` (prepare) after
 * the contracts; the output is gitignored. Why: a command that compiles its TypeScript on every start
 * spends most of a short backtest doing it. dist/node/manifest.json lists every source file with its size and
 * mtime, so bin/mandate.js can tell a stale bundle and fall back to the sources.
 */
import { build, type Plugin } from 'esbuild';
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../agent/model/package-root.js';

const root = packageRoot();
const outdir = join(root, 'dist', 'node');

/** The bundle's entry points: the CLI, the public API, and the sweep worker thread's module. */
export const bundleEntries = {
  cli: 'agent/cli/main.ts',
  index: 'agent/index.ts',
  'sweep-worker': 'backtest/sweep/sweep-worker-main.ts',
} as const;

/**
 * npm packages stay imports of node_modules, except viem and its pure-JS dependencies: viem's barrel is
 * about 700 modules, and loading them one by one costs a short backtest more than running it. Bundled,
 * only what is used is kept, in a few chunks. zod stays external on purpose: users' strategy files bring
 * their params as zod schemas of the zod in node_modules.
 */
const bundledPackages = /^(viem|ox|abitype|@noble\/|@scure\/)/;

const externalPackages: Plugin = {
  name: 'external-packages',
  setup(plugins) {
    plugins.onResolve({ filter: /^[^./]/ }, (args) => (bundledPackages.test(args.path) ? undefined : { path: args.path, external: true }));
  },
};

/** What bin/mandate.js checks: every source file the bundle was built from, as it was then. */
export type BundleManifest = { inputs: Record<string, { size: number; mtimeMs: number }> };

export async function bundleCli(): Promise<BundleManifest> {
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(Object.entries(bundleEntries).map(([name, path]) => [name, join(root, path)])),
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    plugins: [externalPackages],
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  const inputs: BundleManifest['inputs'] = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const path = join(root, input);
    const { size, mtimeMs } = statSync(path);
    inputs[relative(root, path)] = { size, mtimeMs };
  }
  const manifest: BundleManifest = { inputs };
  writeFileSync(join(outdir, 'manifest.json'), `${JSON.stringify(manifest)}\n`);
  return manifest;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const manifest = await bundleCli();
  process.stdout.write(`Bundled ${Object.keys(manifest.inputs).length} source files into dist/node/ (${Object.keys(bundleEntries).join(', ')})\n`);
}
