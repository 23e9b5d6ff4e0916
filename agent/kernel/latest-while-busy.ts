import { Observable, from, type ObservableInput, type OperatorFunction, type Subscription } from 'rxjs';

/**
 * Processes one value at a time and keeps at most one waiting: while `project` runs, each new value
 * replaces the waiting one (latest wins) and the replaced value is handed to `onSuperseded`. When the
 * running projection completes, the waiting value (if any) starts. Work never queues beyond one slot,
 * so a slow reasoner or executor cannot build an unbounded backlog, and what it skips is reported.
 *
 * Completes when the source has completed and nothing is running or waiting. Errors from the source or
 * from a projection are passed on (the kernel's projections never throw: failures are decisions).
 *
 * Marble: with a projection that takes 3 frames,
 * `a-b-c-d|` → a runs, b waits, c supersedes b, d supersedes c, then d runs.
 *
 * @example
 * signals$.pipe(latestWhileBusy((signal) => handle(signal), (dropped, by) => recordSuperseded(dropped, by)));
 */
export function latestWhileBusy<T, R>(
  project: (value: T) => ObservableInput<R>,
  onSuperseded?: (superseded: T, by: T) => void,
): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      let running: Subscription | undefined;
      let waiting: { value: T } | undefined;
      let sourceDone = false;

      const start = (value: T): void => {
        // Assigned before subscribing: a synchronous projection completes inside subscribe().
        let finishedSynchronously = false;
        let projected: ObservableInput<R>;
        try {
          projected = project(value);
        } catch (error) {
          // Thrown inside the source's next(): RxJS would report it out of band, so pass it on here.
          subscriber.error(error);
          return;
        }
        const inner = from(projected).subscribe({
          next: (result) => subscriber.next(result),
          error: (error: unknown) => subscriber.error(error),
          complete: () => {
            finishedSynchronously = true;
            running = undefined;
            startNextOrComplete();
          },
        });
        if (!finishedSynchronously) running = inner;
      };

      const startNextOrComplete = (): void => {
        if (waiting !== undefined) {
          const next = waiting.value;
          waiting = undefined;
          start(next);
        } else if (sourceDone) {
          subscriber.complete();
        }
      };

      const outer = source.subscribe({
        next: (value) => {
          if (subscriber.closed) return;
          if (running === undefined && waiting === undefined) {
            start(value);
            return;
          }
          if (waiting !== undefined) onSuperseded?.(waiting.value, value);
          waiting = { value };
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          sourceDone = true;
          if (running === undefined && waiting === undefined) subscriber.complete();
        },
      });

      return () => {
        outer.unsubscribe();
        running?.unsubscribe();
        running = undefined;
        waiting = undefined;
      };
    });
}
