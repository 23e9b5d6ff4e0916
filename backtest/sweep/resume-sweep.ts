import { runSweep, type RunSweepReturnType } from './run-sweep.js';
import { runWalkForward, type RunWalkForwardReturnType } from './run-walk-forward.js';
import { SweepInputError } from './sweep-errors.js';
import type { SweepParameters } from './sweep-inputs.js';
import type { ResumableSweepInputs } from './sweep-session.js';
import { defaultSweepStorePath, openSweepStore } from './sweep-store.js';

export type ResumeSweepParameters = Pick<SweepParameters, 'workers' | 'clock' | 'onProgress' | 'onStart' | 'queue'> & {
  sweepId: string;
  /** The store the sweep was begun in. Default .mandate/sweeps.sqlite. */
  storePath?: string | undefined;
};

export type ResumeSweepReturnType = ({ kind: 'grid' } & RunSweepReturnType) | ({ kind: 'walk-forward' } & RunWalkForwardReturnType);

/**
 * Finishes a sweep that was interrupted (the process killed, Redis lost, a machine rebooted): runs, on
 * threads or through a queue, only the backtests not checkpointed yet, with the inputs it was begun with
 * (the data must still hash the same), then ranks and saves it under its id as if it had never stopped.
 *
 * @example
 * const result = await resumeSweep({ sweepId: 'sw-9d22c3e66b22' });
 */
export async function resumeSweep(parameters: ResumeSweepParameters): Promise<ResumeSweepReturnType> {
  const storePath = parameters.storePath ?? defaultSweepStorePath;
  const store = openSweepStore(storePath);
  let pending;
  try {
    pending = store.pending(parameters.sweepId);
    if (pending === undefined) {
      const saved = store.sweep(parameters.sweepId) !== undefined;
      throw new SweepInputError('resume', `${parameters.sweepId} (${saved ? 'already finished' : 'no such sweep'} in ${storePath})`, 'the id of a sweep that was begun and did not finish is accepted');
    }
  } finally {
    store.close();
  }
  const { dataHash: _dataHash, trainSeconds, testSeconds, stepSeconds, ...inputs } = pending.inputs as ResumableSweepInputs;
  const sweep = { ...inputs, ...parameters, storePath };
  if (pending.kind === 'walk-forward') return { kind: 'walk-forward', ...(await runWalkForward({ ...sweep, trainSeconds: trainSeconds!, testSeconds: testSeconds!, stepSeconds })) };
  return { kind: 'grid', ...(await runSweep(sweep)) };
}
