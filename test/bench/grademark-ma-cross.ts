/**
 * grademark's moving-average cross on a Chainlink rounds CSV, as a whole process: the peer the backtest
 * benchmark measures `mandate backtest` against. Reads the file by header, builds data-forge series the
 * way grademark's README does, and backtests long on fast > slow. Prints one JSON line.
 *
 * Usage: node --import tsx test/bench/grademark-ma-cross.ts <rounds.csv> <fast> <slow>
 */
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

const [path, fast = '10', slow = '30'] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const dataForge = require('data-forge');
const { backtest } = require('grademark') as { backtest: (strategy: object, series: unknown) => unknown[] };

const candles: { time: Date; open: number; high: number; low: number; close: number; volume: number }[] = [];
let header: string[] | undefined;
for await (const line of createInterface({ input: createReadStream(path!), crlfDelay: Infinity })) {
  if (line === '') continue;
  const cells = line.split(',');
  if (header === undefined) {
    header = cells;
    continue;
  }
  const close = Number(cells[header.indexOf('answer')]) / 1e8;
  candles.push({ time: new Date(Number(cells[header.indexOf('update')]) * 1000), open: close, high: close, low: close, close, volume: 1 });
}
let series = new dataForge.DataFrame({ values: candles });
const closes = series.deflate((bar: { close: number }) => bar.close);
series = series
  .withSeries('fast', closes.rollingWindow(Number(fast)).select((window: { average(): number }) => window.average()))
  .withSeries('slow', closes.rollingWindow(Number(slow)).select((window: { average(): number }) => window.average()))
  .skip(Number(slow));
const trades = backtest(
  {
    entryRule: (enter: (options: object) => void, args: { bar: { fast: number; slow: number } }) => {
      if (args.bar.fast > args.bar.slow) enter({ direction: 'long' });
    },
    exitRule: (exit: () => void, args: { bar: { fast: number; slow: number } }) => {
      if (args.bar.fast < args.bar.slow) exit();
    },
  },
  series,
);
process.stdout.write(`${JSON.stringify({ engine: 'grademark', rows: candles.length, trades: trades.length })}\n`);
