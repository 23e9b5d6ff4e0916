import type { MandateConfig } from '../config/index.js';
import { didYouMean } from '../model/did-you-mean.js';
import { UnknownStrategyError } from '../../strategies/define-strategy.js';
import { builtinStrategyNames, getBuiltinStrategy } from '../../strategies/registry.js';
import type { RunStrategy } from './create-engine.js';
import { loadStrategyFile, parseStrategyPath } from './load-strategy-file.js';

export type ResolveStrategyReferenceOptions = {
  /** `--id`: the instance id (default: the config entry's id, else the strategy's name). */
  id?: string | undefined;
  /** `--param k=v` values, over the config entry's params. */
  params?: Record<string, unknown> | undefined;
  /** Where relative paths start. Default: the working directory. */
  cwd?: string | undefined;
};

/**
 * What `--strategy <x>` names, in this order: a strategy id of the config (that entry, its params and
 * pool), else a built-in strategy name, else a file (a path with a slash, or ending in .ts, .mts, .js or
 * .mjs; `#name` picks a named export, else the default export). An unknown name suggests the closest id
 * or built-in.
 *
 * @example
 * await resolveStrategyReference('eth-trend', config);               // the config's instance
 * await resolveStrategyReference('trend', config, { params });         // the built-in
 * await resolveStrategyReference('./my-breakout.ts#breakout', config); // a user's file
 */
export async function resolveStrategyReference(
  reference: string,
  config: Pick<MandateConfig, 'strategies'>,
  options: ResolveStrategyReferenceOptions = {},
): Promise<RunStrategy> {
  const configured = config.strategies.find((strategy) => strategy.id === reference);
  if (configured !== undefined) {
    return { ...configured, id: options.id ?? configured.id, params: { ...configured.params, ...options.params }, enabled: true };
  }
  if ((builtinStrategyNames as readonly string[]).includes(reference)) {
    return { id: options.id ?? reference, use: getBuiltinStrategy(reference), params: options.params ?? {} };
  }
  if (parseStrategyPath(reference) !== undefined) {
    const { definition } = await loadStrategyFile(reference, { cwd: options.cwd });
    return { id: options.id ?? definition.name, use: definition, params: options.params ?? {} };
  }
  const known = [...config.strategies.map((strategy) => strategy.id), ...builtinStrategyNames];
  throw new UnknownStrategyError(reference, known, didYouMean(reference, known));
}
