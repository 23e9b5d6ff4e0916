import { existsSync, readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { ConfigError } from './config-error.js';
import { importUserModule } from './import-user-module.js';
import { validateConfig, type ResolvedConfig, type ValidateConfigOptions } from './validate-config.js';

/**
 * Where `mandate` looks for the config when no path is given (relative to the working directory).
 *
 * @example
 * await loadConfig(defaultConfigPath, { mode: 'devnet' });
 */
export const defaultConfigPath = 'agent.config.ts';

export type LoadConfigOptions = Omit<ValidateConfigOptions, 'source'> & {
  /** Resolves a relative path against this directory; the working directory by default. */
  cwd?: string | undefined;
};

const MODULE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

/**
 * Loads, validates and resolves the agent config: imports a TypeScript/JavaScript module (its default
 * export) or reads a JSON file, applies every default, and reads secrets from the environment only.
 * TypeScript files need a TS-aware loader: the CLI runs under tsx, and so does vitest.
 *
 * @example
 * const config = await loadConfig(undefined, { mode: 'devnet' }); // ./agent.config.ts
 * const live = await loadConfig('prod.config.ts', { mode: 'live' }); // needs MANDATE_RPC_URL or chain.rpcUrl
 */
export async function loadConfig(path: string = defaultConfigPath, options: LoadConfigOptions = {}): Promise<ResolvedConfig> {
  const file = resolve(options.cwd ?? process.cwd(), path);
  const fileProblem = (problem: string, expected: string, cause?: unknown) =>
    new ConfigError([{ path: '', problem, value: file, expected }], { source: file, cause, reason: cause instanceof Error ? cause.message : undefined });

  if (!existsSync(file)) throw fileProblem('the config file does not exist', 'an existing agent.config.ts (or .json), given with --config <path>');
  const extension = extname(file).toLowerCase();
  let input: unknown;
  if (extension === '.json') {
    try {
      input = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw fileProblem('the config file is not valid JSON', 'a JSON object with the config keys', error);
    }
  } else if (MODULE_EXTENSIONS.includes(extension)) {
    let module: Record<string, unknown>;
    try {
      module = await importUserModule(file);
    } catch (error) {
      throw fileProblem(
        'the config file could not be imported',
        'a module that runs without errors and exports the config (outside a package with "type": "module", name a TypeScript config .mts)',
        error,
      );
    }
    if (module.default === undefined) {
      throw fileProblem('the config file has no default export', 'export default defineConfig({ ... })');
    }
    input = module.default;
  } else {
    throw fileProblem(`config files ending in "${extension}" are not supported`, `a file ending in ${[...MODULE_EXTENSIONS, '.json'].join(', ')}`);
  }
  const { cwd: _cwd, ...validateOptions } = options;
  return validateConfig(input, { ...validateOptions, source: file });
}
