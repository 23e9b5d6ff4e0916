import { SweepInputError } from './sweep-errors.js';

/** One walk-forward window: fit on train, then evaluate on test, which starts right after train ends. */
export type WalkForwardWindow = {
  index: number;
  /** Inclusive unix seconds, as runBacktest's from/to. */
  train: { from: number; to: number };
  test: { from: number; to: number };
};

export type WalkForwardWindowsParameters = {
  /** Time of the data's first and last event, unix seconds. */
  first: number;
  last: number;
  trainSeconds: number;
  testSeconds: number;
  /** How far each window moves on; default testSeconds (the test windows tile the data, no gaps or overlaps). */
  stepSeconds?: number | undefined;
};

/**
 * Rolling train/test windows over the data: window k trains on [first + k·step, +train) and tests on the
 * next `test` seconds. Only whole windows are returned (a test window never reaches past the data).
 * Train and test never overlap within a window, and with the default step the test windows do not overlap
 * each other either, so their results chain into one out-of-sample record.
 *
 * @example
 * walkForwardWindows({ first: 0, last: 100 * 86400, trainSeconds: 30 * 86400, testSeconds: 10 * 86400 }).length; // 7
 */
export function walkForwardWindows(parameters: WalkForwardWindowsParameters): WalkForwardWindow[] {
  const { first, last, trainSeconds, testSeconds } = parameters;
  const step = parameters.stepSeconds ?? testSeconds;
  for (const [name, value] of [['train', trainSeconds], ['test', testSeconds], ['step', step]] as const) {
    if (!Number.isSafeInteger(value) || value <= 0) throw new SweepInputError(name, String(value), 'a whole number of seconds > 0 is accepted');
  }
  const windows: WalkForwardWindow[] = [];
  for (let start = first; start + trainSeconds + testSeconds - 1 <= last; start += step) {
    const testFrom = start + trainSeconds;
    windows.push({
      index: windows.length,
      train: { from: start, to: testFrom - 1 },
      test: { from: testFrom, to: testFrom + testSeconds - 1 },
    });
  }
  if (windows.length === 0) {
    const days = (seconds: number) => `${(seconds / 86400).toFixed(1)} days`;
    throw new SweepInputError(
      'walk-forward windows',
      `${days(last - first + 1)} of data for train ${days(trainSeconds)} + test ${days(testSeconds)}`,
      'the data must span at least one train window plus one test window',
    );
  }
  return windows;
}
