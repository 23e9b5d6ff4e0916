import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVirtualClock } from '../../agent/model/clock.js';
import { holdDecision } from '../support/journal-fixtures.js';
import { openJournal } from '../../agent/journal/open-journal.js';

export type MeasureJournalThroughputParameters = {
  /** Decisions per measurement. Default 5,000. */
  decisions?: number | undefined;
};

export type JournalThroughput = {
  decisions: number;
  /** Live mode: FULL sync, each record and complete its own transaction (what a live agent does). */
  livePerSecond: number;
  /** Backtest mode: NORMAL sync, all records and completions in one transaction. */
  backtestPerSecond: number;
  /** Records into an in-memory database: encoding and hashing plus minimal SQLite work, the ceiling of either mode. */
  inMemoryPerSecond: number;
};

/**
 * Measures journal throughput (record + complete per decision) on a real SQLite file in a temp dir, for
 * `npm run bench`. Never asserted in tests: the machines are shared.
 *
 * @example
 * const { livePerSecond, backtestPerSecond } = measureJournalThroughput({ decisions: 2_000 });
 */
export function measureJournalThroughput(parameters: MeasureJournalThroughputParameters = {}): JournalThroughput {
  const count = parameters.decisions ?? 5_000;
  const dir = mkdtempSync(join(tmpdir(), 'mandate-journal-bench-'));
  try {
    const perSecond = (ms: number) => Math.round((count / ms) * 1000);
    const contents = Array.from({ length: count }, (_, seq) => holdDecision('bench', seq));

    const live = openJournal({ path: join(dir, 'live.sqlite'), clock: createVirtualClock(0) });
    live.runs.start({ id: 'bench', configDigest: '0x', mode: 'live' });
    let started = performance.now();
    for (const content of contents) {
      live.decisions.record(content);
      live.decisions.complete(content.id, { outcome: 'hold' });
    }
    const liveMs = performance.now() - started;
    live.close();

    const backtest = openJournal({ path: join(dir, 'backtest.sqlite'), clock: createVirtualClock(0), durability: 'normal' });
    backtest.runs.start({ id: 'bench', configDigest: '0x', mode: 'backtest' });
    started = performance.now();
    backtest.transaction(() => {
      for (const content of contents) {
        backtest.decisions.record(content);
        backtest.decisions.complete(content.id, { outcome: 'hold' });
      }
    });
    const backtestMs = performance.now() - started;
    const stored = backtest.decisions.counts('bench').hold;
    backtest.close();
    if (stored !== count) throw new Error(`Journal bench stored ${stored} of ${count} decisions.`);

    const memory = openJournal({ path: ':memory:', clock: createVirtualClock(0), durability: 'normal' });
    memory.runs.start({ id: 'bench', configDigest: '0x', mode: 'backtest' });
    started = performance.now();
    // Recording into an in-memory database approximates pure encode + hash cost plus minimal SQLite work.
    memory.transaction(() => {
      for (const content of contents) memory.decisions.record(content);
    });
    const hashMs = performance.now() - started;
    memory.close();

    return { decisions: count, livePerSecond: perSecond(liveMs), backtestPerSecond: perSecond(backtestMs), inMemoryPerSecond: perSecond(hashMs) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
