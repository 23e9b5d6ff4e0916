import { measureJournalThroughput } from './measure-journal-throughput.js';
import type { Benchmark } from './benchmark.js';

export const journalThroughputBenchmark: Benchmark = {
  name: 'journal-throughput',
  description: 'decisions journaled per second (record + complete) on a real SQLite file, live and backtest durability',
  run: async () => ({ ...measureJournalThroughput({ decisions: 5_000 }) }),
};
