import { type ChainlinkRound } from '../validate-round.js';
import { readCsv, readCsvHeader, requireColumns } from './read-csv.js';

/** The columns of a Chainlink rounds CSV (see data/README.md). */
export const chainlinkRoundColumns = ['round', 'answer', 'start', 'update', 'answeredInRound'] as const;

export type ChainlinkCsvRound = ChainlinkRound & { line: number };

export type UnparsableRow = { line: number; reason: string };

const parseInteger = (text: string): bigint | undefined => {
  const trimmed = text.trim();
  // Some exports write integers as floats ("199045.0"); accept an all-zero fraction, nothing else.
  const match = /^(-?\d+)(?:\.0+)?$/.exec(trimmed);
  return match ? BigInt(match[1]!) : undefined;
};

/**
 * Reads every row of a Chainlink rounds CSV (columns found by header name) and returns the rounds
 * oldest first, whatever the file's order. Rows that are not integers are returned in `unparsable`
 * with their line number; rows that parse but are invalid (answer 0, updatedAt 0...) are returned as
 * rounds so the caller's validator rejects and counts them with the same rules as live feeds.
 *
 * The shared file is newest first, so it must be read whole to replay it oldest first; it is small
 * (11k rows). Backtests over long histories should use files in ascending order and stream them.
 *
 * @example
 * const { rounds, unparsable } = await readChainlinkRounds('data/chainlink/eth-usd.csv');
 */
export async function readChainlinkRounds(
  path: string,
): Promise<{ rounds: ChainlinkCsvRound[]; unparsable: UnparsableRow[] }> {
  requireColumns(path, await readCsvHeader(path), chainlinkRoundColumns);
  const rounds: ChainlinkCsvRound[] = [];
  const unparsable: UnparsableRow[] = [];
  for await (const { line, values } of readCsv(path, { onMalformed: (l, reason) => unparsable.push({ line: l, reason }) })) {
    const roundId = parseInteger(values.round!);
    const answer = parseInteger(values.answer!);
    const startedAt = parseInteger(values.start!);
    const updatedAt = parseInteger(values.update!);
    const answeredInRound = parseInteger(values.answeredInRound!);
    if (roundId === undefined || answer === undefined || startedAt === undefined || updatedAt === undefined || answeredInRound === undefined) {
      unparsable.push({ line, reason: 'a cell is not an integer' });
      continue;
    }
    rounds.push({ line, roundId, answer, startedAt, updatedAt, answeredInRound });
  }
  rounds.sort((a, b) => (a.roundId < b.roundId ? -1 : a.roundId > b.roundId ? 1 : a.line - b.line));
  return { rounds, unparsable };
}
