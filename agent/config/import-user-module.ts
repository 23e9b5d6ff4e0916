import { rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Imports a module the user wrote (a config, a strategy file). The bundled `mandate` command runs plain
 * JavaScript: a TypeScript file is compiled with esbuild, with its own local imports, into a temporary
 * `.mjs` beside it (so its packages resolve exactly as from the original), imported, and removed, as Vite
 * does with its config files. Nothing else of the command goes through a loader. Under tsx or vitest
 * TypeScript loads already.
 *
 * @example
 * const module = await importUserModule('/home/me/strategies/breakout.ts');
 */
export async function importUserModule(path: string): Promise<Record<string, unknown>> {
  if (!/\.(ts|mts|cts|tsx)$/.test(path) || process.env.MANDATE_TS_LOADER !== 'lazy') return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const { build } = await import('esbuild');
  const output = await build({
    entryPoints: [path],
    bundle: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    sourcemap: 'inline',
    logLevel: 'silent',
    // An import by file URL (file:///…/x.ts) is a local file: compiled in like a relative import.
    plugins: [{ name: 'file-urls', setup: (plugins) => plugins.onResolve({ filter: /^file:/ }, (args) => ({ path: fileURLToPath(args.path) })) }],
  });
  const compiled = join(dirname(path), `.${basename(path)}.mandate-${process.pid}-${Date.now()}.mjs`);
  writeFileSync(compiled, output.outputFiles[0]!.contents);
  try {
    return (await import(pathToFileURL(compiled).href)) as Record<string, unknown>;
  } finally {
    rmSync(compiled, { force: true });
  }
}
