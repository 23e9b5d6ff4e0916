import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { packageRoot } from '../../agent/model/package-root.js';

/**
 * Browser code the project serves or inlines (the report's charts, the console's page) is TypeScript bundled
 * by esbuild with its libraries, so nothing is fetched from a CDN. `npm run build:web` (run by `prepare` at
 * install) writes each bundle to dist/web/, gitignored; a checkout where it is missing builds it on first use.
 */
export type BrowserBundle = {
  /** The output file name under dist/web/, e.g. 'report-charts.js'. */
  name: string;
  /** The browser entry module, relative to the package root. */
  entry: string;
  /** 'iife' for a classic or inlined script, 'esm' for `<script type="module">`. */
  format: 'iife' | 'esm';
  /** Modules replaced for the browser (e.g. Node built-ins by small shims, relative to the package root), as esbuild's `alias`. */
  alias?: Record<string, string> | undefined;
  /** Expressions replaced at build time, as esbuild's `define`. */
  define?: Record<string, string> | undefined;
};

/**
 * Where `npm run build:web` writes the bundles: dist/web/ of the package (found from the package root, so
 * the bundled command in dist/ finds it too). `npm run build` empties dist/, so prepare runs it first.
 */
export const webDistDirectory = join(packageRoot(), 'dist', 'web');

/**
 * Bundles one browser entry with esbuild (minified, every import inlined, licence comments kept) and returns
 * the JavaScript text.
 *
 * @example
 * const text = buildBrowserBundle(reportChartsBundle);
 */
export function buildBrowserBundle(bundle: BrowserBundle): string {
  const root = packageRoot();
  const result = buildSync({
    absWorkingDir: root,
    entryPoints: [join(root, bundle.entry)],
    bundle: true,
    write: false,
    format: bundle.format,
    platform: 'browser',
    // Every browser a DAO member is likely to use today; bigint and optional chaining need no lowering.
    target: ['chrome111', 'firefox115', 'safari16'],
    minify: true,
    legalComments: 'eof',
    charset: 'utf8',
    alias: bundle.alias && Object.fromEntries(Object.entries(bundle.alias).map(([name, path]) => [name, join(root, path)])),
    define: bundle.define,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/**
 * Writes a bundle to dist/web/ (what `npm run build:web` does for each).
 *
 * @example
 * writeBrowserBundle(reportChartsBundle); // dist/web/report-charts.js
 */
export function writeBrowserBundle(bundle: BrowserBundle): { path: string; bytes: number } {
  const text = buildBrowserBundle(bundle);
  mkdirSync(webDistDirectory, { recursive: true });
  const path = join(webDistDirectory, bundle.name);
  writeFileSync(path, text, 'utf8');
  return { path, bytes: Buffer.byteLength(text) };
}

const loaded = new Map<string, string>();

/**
 * A bundle's JavaScript: the built file in dist/web/, or, when it is missing (a checkout that skipped
 * `npm run build:web`), built now; kept for the life of the process.
 *
 * @example
 * const script = loadBrowserBundle(reportChartsBundle);
 */
export function loadBrowserBundle(bundle: BrowserBundle): string {
  let text = loaded.get(bundle.name);
  if (text === undefined) {
    const path = join(webDistDirectory, bundle.name);
    text = existsSync(path) ? readFileSync(path, 'utf8') : buildBrowserBundle(bundle);
    loaded.set(bundle.name, text);
  }
  return text;
}
