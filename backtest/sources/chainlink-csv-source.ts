import { readChainlinkRounds, chainlinkRoundColumns } from '../../agent/market/csv/chainlink-rounds.js';
import { readCsv, readCsvHeader, requireColumns } from '../../agent/market/csv/read-csv.js';
import type { Address } from '../../agent/model/address.js';
import type { OracleUpdate } from '../../agent/model/market-event.js';
import { createRoundValidator, type ChainlinkRound } from '../../agent/market/validate-round.js';
import { createSourceStats, DEFAULT_BATCH_SIZE, type HistoricalSource } from './historical-source.js';

export type ChainlinkCsvSourceParameters = {
  path: string;
  /** The feed address the events carry (the CSV has no address column). */
  feed: Address;
  /** The feed's answer decimals. Default 8 (Chainlink USD feeds). */
  decimals?: number | undefined;
};

const integerPattern = /^(-?\d+)(?:\.0+)?$/;
const parseInteger = (text: string | undefined): bigint | undefined => {
  const match = text === undefined ? null : integerPattern.exec(text.trim());
  return match ? BigInt(match[1]!) : undefined;
};

/**
 * Chainlink rounds from a CSV in the `round,answer,start,update,answeredInRound` layout, as OracleUpdates
 * oldest first. Every round goes through createRoundValidator (the live feeds' rules: answer > 0,
 * updatedAt ≠ 0 and not after now, no duplicate or earlier round id), with "now" the round's own time, as
 * a replay sees it; rejections are counted by the validator's reasons, plus `unparsable` and
 * `time-out-of-order` (a later round id with an earlier updatedAt).
 *
 * Order: a file whose first rounds ascend is streamed (memory stays flat). A newest-first file, like the
 * shared ETH/USD history, cannot be replayed oldest first without reading it whole, so it is read whole
 * (11k rows: a megabyte); write long histories oldest first.
 *
 * @example
 * const source = chainlinkCsvSource({ path: 'data/chainlink/eth-usd.csv', feed: ethUsd });
 * for await (const batch of source.batches()) for (const event of batch) console.log(event.answer);
 */
export function chainlinkCsvSource(parameters: ChainlinkCsvSourceParameters): HistoricalSource {
  const { path, feed } = parameters;
  const decimals = parameters.decimals ?? 8;
  const counts = createSourceStats();
  return {
    kind: 'chainlink-csv',
    label: path,
    async *batches() {
      requireColumns(path, await readCsvHeader(path), chainlinkRoundColumns);
      const validator = createRoundValidator();
      let lastTime = Number.NEGATIVE_INFINITY;
      let batch: OracleUpdate[] = [];

      // Returns the event to emit, or undefined when the round is rejected (and counted).
      const accept = (round: ChainlinkRound): OracleUpdate | undefined => {
        const now = round.updatedAt > 0n ? round.updatedAt : BigInt(Math.max(0, lastTime));
        const check = validator.check(round, now);
        if (!check.ok) {
          counts.reject(check.reason);
          return undefined;
        }
        const time = Number(round.updatedAt);
        if (time < lastTime) {
          counts.reject('time-out-of-order');
          return undefined;
        }
        lastTime = time;
        counts.emitted++;
        return { kind: 'oracle', feed, roundId: round.roundId, answer: round.answer, decimals, updatedAt: round.updatedAt, time };
      };

      if (await ascends(path)) {
        for await (const { values } of readCsv(path, { onMalformed: () => (counts.rows++, counts.reject('unparsable')) })) {
          counts.rows++;
          const round = parseRound(values);
          if (round === undefined) {
            counts.reject('unparsable');
            continue;
          }
          const event = accept(round);
          if (event === undefined) continue;
          batch.push(event);
          if (batch.length === DEFAULT_BATCH_SIZE) {
            yield batch;
            batch = [];
          }
        }
      } else {
        const { rounds, unparsable } = await readChainlinkRounds(path);
        counts.rows += rounds.length + unparsable.length;
        for (let i = 0; i < unparsable.length; i++) counts.reject('unparsable');
        for (const round of rounds) {
          const event = accept(round);
          if (event === undefined) continue;
          batch.push(event);
          if (batch.length === DEFAULT_BATCH_SIZE) {
            yield batch;
            batch = [];
          }
        }
      }
      if (batch.length > 0) yield batch;
    },
    stats: () => counts.snapshot(),
  };
}

function parseRound(values: Record<string, string>): ChainlinkRound | undefined {
  const roundId = parseInteger(values.round);
  const answer = parseInteger(values.answer);
  const startedAt = parseInteger(values.start);
  const updatedAt = parseInteger(values.update);
  const answeredInRound = parseInteger(values.answeredInRound);
  if (roundId === undefined || answer === undefined || startedAt === undefined || updatedAt === undefined || answeredInRound === undefined) {
    return undefined;
  }
  return { roundId, answer, startedAt, updatedAt, answeredInRound };
}

/** Whether the file's first two parsable rounds have ascending round ids (then it can be streamed). */
async function ascends(path: string): Promise<boolean> {
  let first: bigint | undefined;
  for await (const { values } of readCsv(path)) {
    const id = parseInteger(values.round);
    if (id === undefined) continue;
    if (first === undefined) first = id;
    else return id > first;
  }
  return true;
}
