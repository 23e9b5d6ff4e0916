import type { AnyStrategyDefinition } from '../../strategies/define-strategy.js';
import { getBuiltinStrategy } from '../../strategies/registry.js';
import { loadSweepStrategy, writeStrategyBundle } from './strategy-bundle.js';
import type { SweepParameters } from './sweep-inputs.js';
import type { ResumableSweepInputs } from './sweep-session.js';

/**
 * The definition of a sweep's strategy: a built-in, or its bundle (written where it loads, then loaded).
 *
 * @example
 * const definition = await sweepStrategyDefinition('trend');
 */
export async function sweepStrategyDefinition(strategy: SweepParameters['strategy']): Promise<AnyStrategyDefinition> {
  if (typeof strategy === 'string') return getBuiltinStrategy(strategy);
  writeStrategyBundle(strategy.hash, strategy.code);
  return loadSweepStrategy({ kind: 'bundle', hash: strategy.hash, exportName: strategy.exportName, label: strategy.label });
}

/** How output and the store name the strategy: the built-in's name, or the file and export. */
export const sweepStrategyLabel = (strategy: SweepParameters['strategy']): string => (typeof strategy === 'string' ? strategy : strategy.label);

/** What a sweep's id digests of its strategy: the name, or the bundle's label and hash. */
export const sweepStrategyDigest = (strategy: SweepParameters['strategy']): unknown =>
  typeof strategy === 'string' ? strategy : { label: strategy.label, hash: strategy.hash };

/**
 * The parameters a pending sweep keeps to be resumed (no callbacks, clock, store or runner choice).
 *
 * @example
 * store.begin({ id, createdAt, kind: 'grid', inputs: { ...resumableInputs(parameters), dataHash } });
 */
export function resumableInputs(parameters: SweepParameters & { trainSeconds?: number; testSeconds?: number; stepSeconds?: number | undefined }): Omit<ResumableSweepInputs, 'dataHash'> {
  const { workers: _workers, storePath: _storePath, clock: _clock, onProgress: _onProgress, onStart: _onStart, queue: _queue, sweepId: _sweepId, ...inputs } = parameters;
  return inputs;
}
