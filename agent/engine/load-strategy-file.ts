import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { importUserModule } from '../config/import-user-module.js';
import { MandateError } from '../model/base-error.js';
import { isStrategyDefinition, type AnyStrategyDefinition } from '../../strategies/define-strategy.js';

/**
 * A strategy file that cannot be used: it does not exist, fails to load, or exports no strategy under
 * the name asked for. Names the file, the export and the problem.
 *
 * @example
 * await loadStrategyFile('./missing.ts'); // throws StrategyFileError
 */
export class StrategyFileError extends MandateError {
  override name = 'StrategyFileError';
  readonly file: string;
  readonly exportName: string;
  constructor(file: string, exportName: string, problem: string, details: string, cause?: unknown) {
    super(`Cannot use the strategy "${exportName}" of ${file}: ${problem}.`, { details, cause });
    this.file = file;
    this.exportName = exportName;
  }
}

/**
 * The file and export a strategy reference names, or undefined when it names no file: a file has a
 * slash, or ends in .ts, .mts, .js or .mjs; `#name` after it picks an export, else the default export.
 *
 * @example
 * parseStrategyPath('./band.ts#smaBand'); // { path: './band.ts', exportName: 'smaBand' }
 * parseStrategyPath('trend'); // undefined
 */
export function parseStrategyPath(reference: string): { path: string; exportName: string } | undefined {
  const hash = reference.lastIndexOf('#');
  const path = hash === -1 ? reference : reference.slice(0, hash);
  if (!path.includes('/') && !path.includes('\\') && !/\.(ts|mts|js|mjs)$/.test(path)) return undefined;
  return { path, exportName: hash === -1 ? 'default' : reference.slice(hash + 1) };
}

export type LoadStrategyFileReturnType = {
  definition: AnyStrategyDefinition;
  /** The absolute path of the file. */
  file: string;
  /** The export it came from ('default' unless `#name` said otherwise). */
  exportName: string;
};

/**
 * Imports a user's strategy file and returns its strategy: `path#name` picks a named export, else the
 * default export. TypeScript files need a TS-aware loader, which the `mandate` command provides.
 *
 * @example
 * const { definition } = await loadStrategyFile('./strategies/my-breakout.ts#breakout');
 */
export async function loadStrategyFile(reference: string, options: { cwd?: string | undefined } = {}): Promise<LoadStrategyFileReturnType> {
  const { path, exportName } = parseStrategyPath(reference) ?? { path: reference, exportName: 'default' };
  const file = isAbsolute(path) ? path : resolve(options.cwd ?? process.cwd(), path);
  if (exportName === '') throw new StrategyFileError(file, exportName, 'the name after # is empty', 'Write path#exportName, or the path alone for the default export.');
  if (!existsSync(file)) throw new StrategyFileError(file, exportName, 'the file does not exist', 'Give a path to a .ts, .mts, .js or .mjs file, relative to the working directory or absolute.');
  let module: Record<string, unknown>;
  try {
    module = await importUserModule(file);
  } catch (error) {
    throw new StrategyFileError(file, exportName, 'the file failed to load', error instanceof Error ? error.message.split('\n')[0]! : String(error), error);
  }
  const value = module[exportName];
  if (value === undefined) {
    const exported = Object.keys(module).filter((key) => isStrategyDefinition(module[key]));
    throw new StrategyFileError(
      file,
      exportName,
      exportName === 'default' ? 'the file has no default export' : `the file has no export named "${exportName}"`,
      exported.length > 0
        ? `Its strategy exports: ${exported.map((key) => (key === 'default' ? 'default' : `#${key}`)).join(', ')}.`
        : 'It exports no strategy: export one made with defineStrategy (export default defineStrategy({...}) or export const name = defineStrategy({...})).',
    );
  }
  if (!isStrategyDefinition(value)) {
    throw new StrategyFileError(file, exportName, 'the export is not a strategy', 'Export a definition made with defineStrategy from mandate (it has name, description, params, init and onMarket).');
  }
  return { definition: value, file, exportName };
}
