import { createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readChainlinkRounds } from '../../agent/market/csv/chainlink-rounds.js';
import { sampleData } from '../../agent/market/sample-data.js';
import { backtestMarket } from '../../backtest/backtest-market.js';
import { bootstrapSource } from '../../backtest/sources/generated-source.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A Chainlink rounds CSV of `rounds` rounds bootstrapped (blocks of 24) from the returns of the sample
 * ETH/USD file, one round a minute, in the layout `mandate data fetch` writes. Written once under
 * .mandate/bench/ and reused: the backtest benchmarks read the same rows as the user's CLI would.
 *
 * @example
 * const path = await bootstrapRoundsFile(1_000_000);
 */
export async function bootstrapRoundsFile(rounds: number): Promise<string> {
  const path = join(repoRoot, '.mandate', 'bench', `eth-usd-bootstrap-${rounds}.csv`);
  if (existsSync(path)) return path;
  mkdirSync(dirname(path), { recursive: true });
  const { rounds: real } = await readChainlinkRounds(sampleData.ethUsdRounds);
  const prices = real.filter((round) => round.answer > 0n && round.updatedAt > 0n).map((round) => Number(round.answer) / 1e8);
  const source = bootstrapSource({ events: rounds, feed: backtestMarket.oracle!, prices, seed: 7 });
  const partial = `${path}.partial`;
  const out = createWriteStream(partial);
  const phase = 6n << 64n;
  let id = 0n;
  const write = (text: string) => (out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', () => resolve())));
  await write('round,answer,start,update,answeredInRound,decimals\n');
  for await (const batch of source.batches() as AsyncIterable<readonly { kind: string; answer?: bigint; time: number }[]>) {
    let text = '';
    for (const event of batch) {
      id += 1n;
      text += `${phase + id},${event.answer},${event.time},${event.time},${phase + id},8\n`;
    }
    await write(text);
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  renameSync(partial, path);
  return path;
}
