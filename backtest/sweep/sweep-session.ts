import { systemClock } from '../../agent/model/clock.js';
import { resolve } from 'node:path';
import { dataHash } from './data-hash.js';
import { createQueueSweepRunner, type QueueSweepRunner } from './queue/queue-runner.js';
import { writeStrategyBundle, type StrategyBundle } from './strategy-bundle.js';
import { SweepInputError } from './sweep-errors.js';
import type { SweepParameters, SweepProgress } from './sweep-inputs.js';
import { defaultSweepStorePath, openSweepStore, type SweepStore } from './sweep-store.js';
import { sweepConfigDigest, type SweepRunSummary, type SweepTask } from './sweep-task.js';
import { createSweepWorkerPool, type SweepRunner } from './worker-pool.js';

/** What a pending sweep keeps to be resumed: its parameters without callbacks, the data's hash. */
export type ResumableSweepInputs = Omit<SweepParameters, 'workers' | 'storePath' | 'clock' | 'onProgress' | 'onStart' | 'queue' | 'sweepId'> & {
  dataHash: string;
  trainSeconds?: number | undefined;
  testSeconds?: number | undefined;
  stepSeconds?: number | undefined;
};

export type OpenSweepSessionParameters = {
  kind: 'grid' | 'walk-forward';
  parameters: SweepParameters;
  /** What the sweep's id digests (sweepDigestId). */
  id: string;
  inputs: Omit<ResumableSweepInputs, 'dataHash'>;
  /** Threads to start locally (capped by the largest batch). */
  threads: number;
};

/** A sweep under way: its id, its runner, and the store it checkpoints into. */
export type SweepSession = {
  /** Undefined when nothing is stored (storePath null). */
  id: string | undefined;
  storePath: string | null;
  dataHash: string;
  configDigest: string;
  runner: SweepRunner;
  /** The task for one backtest of this sweep. */
  task(index: number, params: Record<string, unknown>, range?: { from: number; to: number }): SweepTask;
  /**
   * Runs a batch, skipping the tasks already checkpointed (a resumed sweep) and checkpointing each new
   * result as it arrives; summaries come back in task order.
   */
  run(batch: SweepProgress['phase'], tasks: readonly SweepTask[]): Promise<SweepRunSummary[]>;
  /** The worker count to report: threads, or the queue workers that sent results. */
  workers(): number;
  /** Saves the finished sweep (and forgets it as pending): `save` receives the open store. */
  store<T>(save: (store: SweepStore, id: string) => T): T | undefined;
  close(): Promise<void>;
};

/**
 * Starts (or resumes) a sweep: hashes its data, writes a bundled strategy where threads and workers load
 * it, records it as pending in the store under a fresh id (or checks the pending one it resumes), and
 * starts its runner: worker threads, or the Redis queue.
 *
 * @example
 * const session = await openSweepSession({ kind: 'grid', parameters, id: sweepDigestId(digest), inputs, threads: 4 });
 */
export async function openSweepSession(parameters: OpenSweepSessionParameters): Promise<SweepSession> {
  const sweep = parameters.parameters;
  const hash = await dataHash(sweep.data);
  const configDigest = sweepConfigDigest(sweep.settings);
  const bundle: StrategyBundle | undefined = typeof sweep.strategy === 'string' ? undefined : sweep.strategy;
  if (bundle !== undefined) writeStrategyBundle(bundle.hash, bundle.code);
  const strategy = bundle === undefined ? (sweep.strategy as string) : { kind: 'bundle' as const, hash: bundle.hash, exportName: bundle.exportName, label: bundle.label };

  const storePath = sweep.storePath === undefined ? defaultSweepStorePath : sweep.storePath;
  const store = storePath === null ? undefined : openSweepStore(storePath);
  let id: string | undefined;
  let runner: SweepRunner | undefined;
  try {
    if (store !== undefined && sweep.sweepId !== undefined) {
      const pending = store.pending(sweep.sweepId);
      if (pending === undefined || pending.kind !== parameters.kind) throw new SweepInputError('resume', sweep.sweepId, `the id of a pending ${parameters.kind} sweep in ${storePath} is accepted`);
      const before = (pending.inputs as ResumableSweepInputs).dataHash;
      if (before !== hash) throw new SweepInputError('data', `${sweep.data}, whose sha256 is now ${hash} (it was ${before})`, 'a resumed sweep runs only on the same bytes');
      id = sweep.sweepId;
    } else if (store !== undefined) id = store.freeId(parameters.id);
    runner =
      sweep.queue === undefined
        ? await createSweepWorkerPool(parameters.threads)
        : await createQueueSweepRunner({
            url: sweep.queue.url,
            sweepKey: id ?? `${parameters.id}-${Math.random().toString(36).slice(2, 10)}`,
            data: { path: sweep.data, hash },
            sharedDataPath: sweep.queue.sharedData === true ? resolve(sweep.data) : undefined,
            strategy: bundle,
          });
    // Recorded as pending only once it can run (a wrong Redis password leaves nothing to resume).
    if (store !== undefined && id !== undefined) {
      if (sweep.sweepId === undefined) {
        store.begin({ id, createdAt: (sweep.clock ?? systemClock).now(), kind: parameters.kind, inputs: { ...parameters.inputs, dataHash: hash } satisfies ResumableSweepInputs });
      }
      sweep.onStart?.(id);
    }
  } catch (error) {
    await runner?.close();
    store?.close();
    throw error;
  }
  const started = runner;

  return {
    id,
    storePath,
    dataHash: hash,
    configDigest,
    runner: started,
    task: (index, params, range) => ({
      index,
      strategy,
      params,
      data: sweep.data,
      dataHash: hash,
      configDigest,
      from: range === undefined ? sweep.from : range.from,
      to: range === undefined ? sweep.to : range.to,
      candles: sweep.candles,
      settings: sweep.settings,
    }),
    async run(batch, tasks) {
      const kept = id === undefined ? new Map<number, SweepRunSummary>() : store!.checkpoints(id, batch);
      let done = tasks.filter((task) => kept.has(task.index)).length;
      sweep.onProgress?.({ phase: batch, done, total: tasks.length });
      const fresh = await started.run(
        tasks.filter((task) => !kept.has(task.index)),
        (summary) => {
          if (id !== undefined) store!.checkpoint(id, batch, summary);
          sweep.onProgress?.({ phase: batch, done: ++done, total: tasks.length });
        },
        batch,
      );
      const byIndex = new Map([...kept, ...fresh.map((summary) => [summary.index, summary] as const)]);
      return tasks.map((task) => byIndex.get(task.index)!);
    },
    workers: () => ('workers' in started ? (started as QueueSweepRunner).workers.size : started.size),
    store: (save) => (store === undefined || id === undefined ? undefined : save(store, id)),
    async close() {
      try {
        await started.close();
      } finally {
        store?.close();
      }
    },
  };
}
