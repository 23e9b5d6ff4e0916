import { Subject, from } from 'rxjs';
import { latestWhileBusy } from './latest-while-busy.js';

/**
 * One lane per strategy: one job in progress and at most one waiting, the latest winning (a replaced job
 * goes to `superseded`). `idle()` resolves when no job is in progress or waiting in any lane, which is
 * what a lockstep driver (a backtest, the demo) waits on before the next market event.
 *
 * @example
 * const lanes = createSignalLanes({ count: 2, process: (job) => decide(job), superseded: (old, by) => recordSuperseded(old, by) });
 * lanes.push(0, job);
 * await lanes.idle();
 */
export function createSignalLanes<Job extends { lane: number }>(parameters: {
  count: number;
  process: (job: Job) => Promise<void>;
  superseded: (job: Job, by: Job) => void;
}) {
  let pending = 0;
  let waiters: (() => void)[] = [];
  const settle = (): void => {
    pending -= 1;
    if (pending === 0 && waiters.length > 0) {
      const resolved = waiters;
      waiters = [];
      for (const resolve of resolved) resolve();
    }
  };
  const idle = (): Promise<void> => (pending === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve)));

  const lanes = Array.from({ length: parameters.count }, () => new Subject<Job>());
  for (const lane of lanes) {
    lane
      .pipe(
        latestWhileBusy(
          (job: Job) => from(parameters.process(job).finally(settle)),
          (job, by) => {
            try {
              parameters.superseded(job, by);
            } finally {
              settle();
            }
          },
        ),
      )
      .subscribe();
  }

  return {
    /** Hands a job to its lane; returns a promise of the moment every lane is idle again. */
    push(job: Job): Promise<void> {
      pending += 1;
      lanes[job.lane]!.next(job);
      return idle();
    },
    idle,
    /** Jobs in progress or waiting. */
    get pending(): number {
      return pending;
    },
  };
}
