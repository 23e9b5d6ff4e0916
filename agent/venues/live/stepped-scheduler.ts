import { Subscription, type SchedulerAction, type SchedulerLike } from 'rxjs';

/** A scheduler whose timed work runs only when released: the market stream polls exactly when told to. */
export type SteppedScheduler = SchedulerLike & {
  /** Runs every action scheduled so far (the stream's next poll); returns how many ran. */
  release(): number;
  /** Actions waiting for a release. */
  readonly waiting: number;
};

/**
 * An RxJS scheduler for lockstep drivers: work scheduled with a delay (the market stream's poll interval and
 * backoff waits) waits for `release()` instead of a timer. The demo releases the stream after each replayed
 * round, so the agent reads each round whole, in one range, and decides on the market as the round left it,
 * the same way at any machine speed; and nothing polls while the driver works.
 *
 * @example
 * const scheduler = createSteppedScheduler();
 * const stream = createLiveMarketStream({ ..., scheduler });
 * // after each round: scheduler.release();
 */
export function createSteppedScheduler(): SteppedScheduler {
  const waiting = new Map<Subscription, () => void>();
  return {
    // Time is not used to decide anything here; the stream only asks it for delays.
    now: () => 0,
    schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, _delay?: number, state?: T): Subscription {
      const subscription = new Subscription(() => waiting.delete(subscription));
      const action = subscription as unknown as SchedulerAction<T>;
      (action as { schedule: unknown }).schedule = () => subscription;
      waiting.set(subscription, () => work.call(action, state));
      return subscription;
    },
    release() {
      const due = [...waiting];
      waiting.clear();
      for (const [, run] of due) run();
      return due.length;
    },
    get waiting() {
      return waiting.size;
    },
  };
}
