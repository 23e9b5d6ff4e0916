#!/usr/bin/env node
// The `mandate` command. It runs the bundle npm install builds in dist/node/ when that bundle is as new as the
// sources (dist/node/manifest.json lists them with their size and mtime); otherwise, while the sources are being
// edited, it compiles the TypeScript on the fly with tsx. Either way TypeScript the user hands in (a config,
// a strategy file) is loaded through tsx, registered only when one is imported.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { register as registerHooks } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function bundleIsFresh() {
  const manifestPath = join(root, 'dist', 'node', 'manifest.json');
  if (process.env.MANDATE_FROM_SOURCE === '1' || !existsSync(manifestPath)) return false;
  const { inputs } = JSON.parse(readFileSync(manifestPath, 'utf8'));
  for (const [path, built] of Object.entries(inputs)) {
    try {
      const now = statSync(join(root, path));
      if (now.size !== built.size || now.mtimeMs !== built.mtimeMs) return false;
    } catch {
      return false;
    }
  }
  return true;
}

if (bundleIsFresh()) {
  process.env.MANDATE_TS_LOADER = 'lazy';
  await import(pathToFileURL(join(root, 'dist', 'node', 'cli.mjs')).href);
} else {
  // From source: 'mandate' imported by a user's strategy or config resolves to the sources too.
  registerHooks(pathToFileURL(join(root, 'bin', 'resolve-mandate-from-source.mjs')).href);
  const { register } = await import('tsx/esm/api');
  register();
  await import('../agent/cli/main.ts');
}
