import { describe, expect, it } from 'vitest';
import { measureJournalThroughput } from './measure-journal-throughput.js';

describe('measureJournalThroughput', () => {
  it('runs both modes on real files and reports a rate for each (figures are for npm run bench, not asserted)', () => {
    const result = measureJournalThroughput({ decisions: 40 });
    expect(result.decisions).toBe(40);
    for (const rate of [result.livePerSecond, result.backtestPerSecond, result.inMemoryPerSecond]) {
      expect(Number.isFinite(rate) && rate > 0).toBe(true);
    }
  });
});
