import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleData } from '../../agent/market/sample-data.js';
import type { MarketEvent } from '../../agent/model/market-event.js';
import { backtestMarket } from '../backtest-market.js';
import { cachedSource } from './cached-source.js';
import { DataFileError, hashDataFile } from './data-file.js';
import type { HistoricalSource } from './historical-source.js';
import { openCsvSource } from './open-csv-source.js';

async function drain(source: HistoricalSource): Promise<MarketEvent[]> {
  const events: MarketEvent[] = [];
  for await (const batch of source.batches() as AsyncIterable<readonly MarketEvent[]>) events.push(...batch);
  return events;
}

const open = () => openCsvSource({ path: sampleData.ethUsdRounds, feed: backtestMarket.oracle!, pool: backtestMarket.pool! });

describe('cachedSource', () => {
  it('gives the same events and stats from its columns as from parsing the CSV', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'mandate-cache-'));
    const key = `${await hashDataFile(sampleData.ethUsdRounds)}-test`;
    const parsed = await drain(await open());
    const first = cachedSource(await open(), { directory, key });
    expect(await drain(first)).toEqual(parsed);
    expect(readdirSync(directory)).toHaveLength(1);

    const second = cachedSource(await open(), { directory, key });
    expect(second.expectedEvents).toBe(parsed.length);
    expect(await drain(second)).toEqual(parsed);
    expect(second.stats()).toEqual(first.stats());
    expect(second.stats().rejected).toBe(1);
  });

  it('keeps nothing for sources whose events do not fit the columns (pool events)', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'mandate-cache-'));
    const source = await openCsvSource({ path: sampleData.usdcWethEvents, feed: backtestMarket.oracle!, pool: backtestMarket.pool! });
    const events = await drain(cachedSource(source, { directory, key: 'pool' }));
    expect(events.length).toBeGreaterThan(1000);
    expect(readdirSync(directory)).toEqual([]);
  });
});

describe('hashDataFile', () => {
  it('names the path and what is accepted when the file is missing or empty', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'mandate-data-'));
    await expect(hashDataFile(join(directory, 'nope.csv'))).rejects.toThrow(DataFileError);
    await expect(hashDataFile(join(directory, 'nope.csv'))).rejects.toThrow(/nope\.csv: it does not exist/);
    writeFileSync(join(directory, 'empty.csv'), '');
    await expect(hashDataFile(join(directory, 'empty.csv'))).rejects.toThrow(/it is empty/);
    await expect(hashDataFile(directory)).rejects.toThrow(/it is not a file/);
  });
});
