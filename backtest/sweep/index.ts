/** Parameter sweeps and walk-forward analysis on worker threads, stored in SQLite. */
export { runSweep, type RankedRun, type RunSweepReturnType } from './run-sweep.js';
export { runWalkForward, type RunWalkForwardParameters, type RunWalkForwardReturnType, type WalkForwardWindowResult } from './run-walk-forward.js';
export { resolveSweep, sweepDigestId, type SweepParameters, type SweepProgress, type ResolvedSweep } from './sweep-inputs.js';
export { rankResults, rankValue, parseRankBy, rankMetrics, rankByNames, type RankBy } from './rank-results.js';
export { walkForwardWindows, type WalkForwardWindow, type WalkForwardWindowsParameters } from './walk-forward-windows.js';
export { aggregateWindows, type WindowsAggregate } from './aggregate-windows.js';
export { dataSpan, type DataSpanReturnType } from './data-span.js';
export { openSweepStore, defaultSweepStorePath, type SweepStore, type SweepRecord, type SweepResultRecord } from './sweep-store.js';
export { createSweepWorkerPool, type SweepWorkerPool } from './worker-pool.js';
export { runSweepTask, type SweepTask, type SweepRunSummary } from './sweep-task.js';
export { SweepInputError, SweepRunError, SweepWorkerError } from './sweep-errors.js';
