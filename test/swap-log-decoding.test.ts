import { describe, expect, it } from 'vitest';
import { decodePoolLog, decodeSwapLog, PoolLogDecodeError } from '../agent/market/decode-swap-log.js';
import { liquidityAfterPositionChange } from '../agent/market/pool-liquidity.js';
import { readCsv, readCsvHeader, requireColumns } from '../agent/market/csv/read-csv.js';
import { toAddress, type Hex } from '../agent/model/address.js';

// The real USDC/WETH 0.05% pool's logs of 2024-01-05, raw and as decoded by a third party (see the data README).
const logsPath = 'data/uniswap-v3/usdc-weth-500-2024-01-05.logs.csv';
const eventsPath = 'data/uniswap-v3/usdc-weth-500-2024-01-05.events.csv';
const poolAddress = toAddress('0x88e6a0c2ddd26feeb64f039a2c41296fcb3f5640');

type RawLogRow = { line: number; block: bigint; logIndex: number; topics: Hex[]; data: Hex };

/** The logs file writes topics as a Python list string: "['0xabc…', '0xdef…']". */
const parseTopics = (text: string): Hex[] => (text.match(/0x[0-9a-fA-F]{64}/g) ?? []) as Hex[];

/** The events file writes some integers as floats ("199045.0"). */
const integer = (text: string): bigint => {
  const match = /^(-?\d+)(?:\.0+)?$/.exec(text.trim());
  if (!match) throw new Error(`not an integer: ${JSON.stringify(text)}`);
  return BigInt(match[1]!);
};

let rawLogs: Promise<Map<string, RawLogRow>> | undefined;
/** The raw logs by "txHash:logIndex", read once for all tests. */
const readRawLogs = () => (rawLogs ??= readRawLogsFile());

async function readRawLogsFile(): Promise<Map<string, RawLogRow>> {
  requireColumns(logsPath, await readCsvHeader(logsPath), ['block_number', 'transaction_hash', 'log_index', 'topics', 'data']);
  const byKey = new Map<string, RawLogRow>();
  for await (const { line, values } of readCsv(logsPath)) {
    const key = `${values.transaction_hash!.toLowerCase()}:${Number(values.log_index)}`;
    if (byKey.has(key)) throw new Error(`logs.csv line ${line}: duplicate log ${key}`);
    byKey.set(key, {
      line,
      block: integer(values.block_number!),
      logIndex: Number(values.log_index),
      topics: parseTopics(values.topics!),
      data: values.data! as Hex,
    });
  }
  return byKey;
}

const eventColumns = [
  'block_number', 'tx_type', 'transaction_hash', 'pool_log_index', 'sender', 'receipt', 'amount0', 'amount1',
  'total_liquidity', 'sqrtPriceX96', 'current_tick', 'tick_lower', 'tick_upper', 'liquidity',
];

describe('decoding the real pool logs of 2024-01-05', () => {
  it('decodes every raw log to exactly the values of its row in the events file', async () => {
    const logs = await readRawLogs();
    requireColumns(eventsPath, await readCsvHeader(eventsPath), eventColumns);
    const seen = new Set<string>();
    const counts: Record<string, number> = {};
    let previousPosition = -1n;
    // The active liquidity implied by Mint/Burn logs since the last swap, checked against the next swap's
    // own log (the chain's truth) when that swap stays at the same tick (so it crossed no initialised tick).
    // The file's total_liquidity on MINT/BURN rows is the exporter's estimate, not a log value: it is off
    // for positions whose lower tick equals the current tick, so it is not what we check against.
    let state: { tick: number; liquidity: bigint } | undefined;
    let changedByPositions = false;
    let liquidityChecks = 0;

    for await (const { line, values } of readCsv(eventsPath)) {
      const key = `${values.transaction_hash!.toLowerCase()}:${integer(values.pool_log_index!)}`;
      const raw = logs.get(key);
      expect(raw, `events.csv line ${line}: no raw log ${key}`).toBeDefined();
      if (!raw) continue;
      seen.add(key);
      expect(raw.block, `line ${line} block`).toBe(integer(values.block_number!));
      // Both files are in log order; the position (block, logIndex) must only grow.
      const position = raw.block * 1_000_000n + BigInt(raw.logIndex);
      expect(position > previousPosition, `line ${line} is out of log order`).toBe(true);
      previousPosition = position;

      const decoded = decodePoolLog(raw);
      const type = values.tx_type!;
      counts[type] = (counts[type] ?? 0) + 1;
      const where = `events.csv line ${line} (${type} ${key})`;
      switch (decoded.eventName) {
        case 'Swap': {
          expect(type, where).toBe('SWAP');
          const update = decodeSwapLog({ ...raw, address: poolAddress, blockNumber: raw.block }, 0);
          expect(update.amount0, where).toBe(integer(values.amount0!));
          expect(update.amount1, where).toBe(integer(values.amount1!));
          expect(update.sqrtPriceX96, where).toBe(integer(values.sqrtPriceX96!));
          expect(BigInt(update.tick), where).toBe(integer(values.current_tick!));
          expect(update.liquidity, where).toBe(integer(values.total_liquidity!));
          expect(update.block, where).toBe(raw.block);
          expect(update.logIndex, where).toBe(raw.logIndex);
          expect(toAddress(decoded.args.sender), where).toBe(toAddress(values.sender!));
          expect(toAddress(decoded.args.recipient), where).toBe(toAddress(values.receipt!));
          if (state && changedByPositions && update.tick === state.tick) {
            expect(update.liquidity, `${where}: liquidity after the Mints/Burns before it`).toBe(state.liquidity);
            liquidityChecks++;
          }
          state = { tick: update.tick, liquidity: update.liquidity };
          changedByPositions = false;
          break;
        }
        case 'Mint':
        case 'Burn': {
          expect(type, where).toBe(decoded.eventName.toUpperCase());
          expect(decoded.args.amount, where).toBe(integer(values.liquidity!));
          expect(decoded.args.amount0, where).toBe(integer(values.amount0!));
          expect(decoded.args.amount1, where).toBe(integer(values.amount1!));
          expect(BigInt(decoded.args.tickLower), where).toBe(integer(values.tick_lower!));
          expect(BigInt(decoded.args.tickUpper), where).toBe(integer(values.tick_upper!));
          // The file's `sender` is Mint's sender (the caller, e.g. the position manager) and Burn's owner.
          const sender = decoded.eventName === 'Mint' ? decoded.args.sender : decoded.args.owner;
          expect(toAddress(sender), where).toBe(toAddress(values.sender!));
          if (state) {
            const liquidityDelta = decoded.eventName === 'Mint' ? decoded.args.amount : -decoded.args.amount;
            const change = { tickLower: decoded.args.tickLower, tickUpper: decoded.args.tickUpper, liquidityDelta };
            state = { tick: state.tick, liquidity: liquidityAfterPositionChange(state, change) };
            changedByPositions = true;
          }
          break;
        }
        case 'Collect': {
          expect(type, where).toBe('COLLECT');
          expect(decoded.args.amount0, where).toBe(integer(values.amount0!));
          expect(decoded.args.amount1, where).toBe(integer(values.amount1!));
          expect(BigInt(decoded.args.tickLower), where).toBe(integer(values.tick_lower!));
          expect(BigInt(decoded.args.tickUpper), where).toBe(integer(values.tick_upper!));
          expect(toAddress(decoded.args.owner), where).toBe(toAddress(values.sender!));
          expect(toAddress(decoded.args.recipient), where).toBe(toAddress(values.receipt!));
          break;
        }
        default:
          throw new Error(`${where}: unexpected ${decoded.eventName} event`);
      }
    }

    // Nothing silently dropped: every raw log has a row, and the day holds each kind of event.
    const unmatched = [...logs.keys()].filter((key) => !seen.has(key));
    expect(unmatched).toEqual([]);
    expect(seen.size).toBe(logs.size);
    expect(counts.SWAP).toBeGreaterThan(6000);
    expect(counts.MINT).toBeGreaterThan(0);
    expect(counts.BURN).toBeGreaterThan(0);
    expect(counts.COLLECT).toBeGreaterThan(0);
    expect(liquidityChecks).toBeGreaterThan(50);
  });

  it('refuses to read a Mint as a swap and names the event', async () => {
    const logs = await readRawLogs();
    const mint = [...logs.values()].find((log) => decodePoolLog(log).eventName === 'Mint')!;
    expect(() => decodeSwapLog({ ...mint, address: poolAddress, blockNumber: mint.block }, 0)).toThrow(/Mint event/);
  });

  it('rejects a log that is not a pool event, and a swap whose data is cut short', async () => {
    const transfer: Hex = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';
    expect(() => decodePoolLog({ topics: [transfer], data: '0x' })).toThrow(PoolLogDecodeError);
    expect(() => decodePoolLog({ topics: [], data: '0x' })).toThrow(PoolLogDecodeError);
    const logs = await readRawLogs();
    const swap = [...logs.values()].find((log) => decodePoolLog(log).eventName === 'Swap')!;
    expect(() => decodePoolLog({ topics: swap.topics, data: swap.data.slice(0, 66) as Hex })).toThrow(PoolLogDecodeError);
  });
});
