import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyStrategyDefinition } from '../../strategies/define-strategy.js';
import { getBuiltinStrategy } from '../../strategies/registry.js';
import { packageRoot } from '../../agent/model/package-root.js';
import { SweepInputError } from './sweep-errors.js';

/**
 * A user's strategy module bundled with its local imports into one ES module, so a worker on another
 * machine can run it. `mandate` and npm packages stay imports (the worker has them installed, in the same
 * versions: it checks the lockfile's hash).
 */
export type StrategyBundle = StrategyBundleRef & {
  /** The bundled module's source. */
  code: string;
};

/** What a backtest task carries for a bundled strategy: the code travels apart, once, by its hash. */
export type StrategyBundleRef = {
  kind: 'bundle';
  /** sha256 (hex) of the code. */
  hash: string;
  /** The export holding the definition ('default' when none was named). */
  exportName: string;
  /** The file and export as the user gave them (`./my-strategy.ts#band`), for output. */
  label: string;
};

/** A sweep's strategy: a built-in name, or a bundle of the user's module. */
export type SweepStrategy = string | StrategyBundleRef;

/**
 * Bundles a strategy module and its local imports with esbuild (ESM for Node 20; `mandate` and npm
 * packages left as imports), and hashes the result.
 *
 * @example
 * const bundle = await bundleStrategy({ path: './my-strategy.ts', exportName: 'default' });
 * bundle.hash; // sha256 of bundle.code
 */
export async function bundleStrategy(parameters: { path: string; exportName?: string | undefined; label?: string | undefined }): Promise<StrategyBundle> {
  const path = resolve(parameters.path);
  const exportName = parameters.exportName ?? 'default';
  if (!existsSync(path)) throw new SweepInputError('strategy', `"${parameters.path}" (no such file)`, 'a built-in name or the path of a strategy module is accepted');
  const { build } = await import('esbuild');
  let code: string;
  try {
    const output = await build({
      entryPoints: [path],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      write: false,
      logLevel: 'silent',
      legalComments: 'none',
      // Comments name files relative to this folder, so the hash does not depend on where it was built.
      absWorkingDir: dirname(path),
    });
    code = output.outputFiles[0]!.text;
  } catch (error) {
    throw new SweepInputError('strategy', `"${parameters.path}" (${error instanceof Error ? error.message : String(error)})`, 'a module that esbuild can bundle is accepted');
  }
  return { kind: 'bundle', hash: sha256(code), exportName, label: parameters.label ?? `${basename(path)}#${exportName}`, code };
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * Where a bundle lives on this machine: inside the package (`.mandate/bundles/<hash>.mjs`), so its
 * `import … from 'mandate'` resolves through the package's self-reference and npm packages through its
 * node_modules.
 *
 * @example
 * strategyBundlePath('ab12…'); // '/path/to/mandate/.mandate/bundles/ab12….mjs'
 */
export function strategyBundlePath(hash: string): string {
  return join(packageRoot(), '.mandate', 'bundles', `${hash}.mjs`);
}

/**
 * Writes a bundle's code where `loadSweepStrategy` finds it, after checking it hashes to `hash` (a bundle
 * that came over the network is never run unchecked). Writes through a temporary file, so a worker never
 * imports half a file.
 *
 * @example
 * writeStrategyBundle(bundle.hash, bundle.code);
 */
export function writeStrategyBundle(hash: string, code: string): string {
  if (sha256(code) !== hash) throw new SweepInputError('strategy bundle', `code hashing to ${sha256(code)}`, `the bundle announced as ${hash} is accepted only with its own bytes`);
  const path = strategyBundlePath(hash);
  if (existsSync(path) && readFileSync(path, 'utf8') === code) return path;
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temporary, code);
  renameSync(temporary, path);
  return path;
}

const loaded = new Map<string, Promise<AnyStrategyDefinition>>();

/**
 * The strategy definition a sweep task names: a built-in by name, or the export of a bundle already
 * written on this machine (by `writeStrategyBundle`).
 *
 * @example
 * const definition = await loadSweepStrategy('trend');
 */
export function loadSweepStrategy(strategy: SweepStrategy): Promise<AnyStrategyDefinition> {
  if (typeof strategy === 'string') return Promise.resolve(getBuiltinStrategy(strategy));
  const key = `${strategy.hash}#${strategy.exportName}`;
  let definition = loaded.get(key);
  if (definition === undefined) {
    definition = importBundle(strategy);
    loaded.set(key, definition);
    definition.catch(() => loaded.delete(key));
  }
  return definition;
}

async function importBundle(ref: StrategyBundleRef): Promise<AnyStrategyDefinition> {
  const path = strategyBundlePath(ref.hash);
  if (!existsSync(path)) throw new SweepInputError('strategy bundle', `${ref.hash} (not at ${path})`, 'a bundle written by writeStrategyBundle first is accepted');
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new SweepInputError('strategy', `${ref.label} (loading failed: ${error instanceof Error ? error.message : String(error)})`, 'a module that loads under Node with this package installed is accepted');
  }
  const definition = module[ref.exportName];
  if (!isStrategyDefinition(definition)) {
    const exported = Object.keys(module).join(', ') || 'nothing';
    throw new SweepInputError('strategy', `${ref.label} (export "${ref.exportName}" is not a strategy; the module exports ${exported})`, 'an export made with defineStrategy is accepted');
  }
  return definition;
}

function isStrategyDefinition(value: unknown): value is AnyStrategyDefinition {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return typeof candidate.name === 'string' && typeof candidate.init === 'function' && typeof candidate.onMarket === 'function' && typeof candidate.requires === 'function' && typeof candidate.params === 'object';
}
