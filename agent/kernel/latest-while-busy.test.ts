import { of, timer, map, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { latestWhileBusy } from './latest-while-busy.js';

function createScheduler() {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('latestWhileBusy', () => {
  it('runs values one at a time and lets the latest waiting value win', () => {
    const superseded: string[] = [];
    createScheduler().run(({ cold, hot, expectObservable, flush }) => {
      // Each projection takes 4 frames. a runs 0..4; b waits and c replaces it; c runs 4..8; d runs 8..12.
      const project = (value: string) => cold('----(x|)', { x: value });
      const source = hot('a-bc-d---------|');
      expectObservable(source.pipe(latestWhileBusy(project, (old, by) => superseded.push(`${old}>${by}`)))).toBe(
        '----a---c---d--|',
      );
      flush();
    });
    expect(superseded).toEqual(['b>c']);
  });

  it('records each value it replaces, with the value that replaced it', () => {
    const superseded: string[] = [];
    createScheduler().run(({ cold, hot, expectObservable, flush }) => {
      // 5 frames each: a 0..5 (b replaced by c), c 5..10 (d replaced by e), e 10..15.
      const project = (value: string) => cold('-----(x|)', { x: value });
      const source = hot('ab-c--d-e-----------|');
      expectObservable(source.pipe(latestWhileBusy(project, (old, by) => superseded.push(`${old}>${by}`)))).toBe(
        '-----a----c----e----|',
      );
      flush();
    });
    expect(superseded).toEqual(['b>c', 'd>e']);
  });

  it('completes only after the running and the waiting value are done', () => {
    createScheduler().run(({ cold, hot, expectObservable }) => {
      const project = (value: string) => cold('----(x|)', { x: value });
      const source = hot('a-b|');
      expectObservable(source.pipe(latestWhileBusy(project))).toBe('----a---(b|)');
    });
  });

  it('handles synchronous projections without ever waiting', () => {
    const superseded: number[] = [];
    const results: number[] = [];
    of(1, 2, 3)
      .pipe(latestWhileBusy((n) => of(n * 10), (old) => superseded.push(old)))
      .subscribe((n) => results.push(n));
    expect(results).toEqual([10, 20, 30]);
    expect(superseded).toEqual([]);
  });

  it('handles promise projections: a synchronous burst keeps only the first and the last', async () => {
    const superseded: number[] = [];
    const results: number[] = [];
    await new Promise<void>((resolve, reject) =>
      of(1, 2, 3, 4)
        .pipe(latestWhileBusy(async (n) => n, (old) => superseded.push(old)))
        .subscribe({ next: (n) => results.push(n), complete: resolve, error: reject }),
    );
    expect(results).toEqual([1, 4]);
    expect(superseded).toEqual([2, 3]);
  });

  it('passes a projection error on', () => {
    createScheduler().run(({ hot, expectObservable }) => {
      const source = hot('a-b|');
      const project = (value: string) =>
        value === 'a' ? throwError(() => new Error('boom')) : timer(1).pipe(map(() => value));
      expectObservable(source.pipe(latestWhileBusy(project))).toBe('#', undefined, new Error('boom'));
    });
  });

  it('passes on an error thrown synchronously by the projection', () => {
    const errors: unknown[] = [];
    const projected: number[] = [];
    of(1, 2)
      .pipe(
        latestWhileBusy((n: number) => {
          projected.push(n);
          if (n === 1) throw new Error('sync boom');
          return of(n);
        }),
      )
      .subscribe({ error: (error) => errors.push(error) });
    expect(errors).toEqual([new Error('sync boom')]);
    expect(projected).toEqual([1]);
  });
});
