import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeEventLog, parseAbi, toEventSelector, type TransactionReceipt } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChainlinkSource } from '../agent/market/chainlink-source.js';
import { createMarketStream } from '../agent/market/create-market-stream.js';
import { uniswapV3SwapEvent } from '../agent/market/decode-swap-log.js';
import type { MarketEvent } from '../agent/model/market-event.js';
import { startMarketFixture, type MarketFixture } from './support/market-fixture.js';
import { createUniswapPoolSource } from '../agent/market/uniswap-pool-source.js';
import { toAddress } from '../agent/model/address.js';

const answerUpdatedAbi = parseAbi(['event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt)']);
const answerUpdatedTopic = toEventSelector(answerUpdatedAbi[0]);
const swapTopic = toEventSelector(uniswapV3SwapEvent);

let fixture: MarketFixture;
let stateDir: string;
beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'mandate-market-'));
  fixture = await startMarketFixture({ statePath: join(stateDir, 'anvil-state.json') });
});
afterAll(async () => {
  await fixture?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

async function until(what: string, condition: () => boolean | Promise<boolean>, limitMs = 30_000): Promise<void> {
  for (let waited = 0; waited < limitMs; waited += 10) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`Timed out waiting until ${what}`);
}

/** "kind@block:logIndex" of every Swap and positive AnswerUpdated log in these receipts, in chain order. */
function expectedPositions(receipts: TransactionReceipt[]): string[] {
  const positions: { block: bigint; logIndex: number; text: string }[] = [];
  for (const log of receipts.flatMap((receipt) => receipt.logs)) {
    let kind: string | undefined;
    if (toAddress(log.address) === fixture.pool && log.topics[0] === swapTopic) kind = 'pool';
    if (toAddress(log.address) === fixture.aggregator && log.topics[0] === answerUpdatedTopic) {
      const { args } = decodeEventLog({ abi: answerUpdatedAbi, topics: log.topics, data: log.data });
      if (args.current > 0n) kind = 'oracle';
    }
    if (kind) positions.push({ block: log.blockNumber, logIndex: log.logIndex, text: `${kind}@${log.blockNumber}:${log.logIndex}` });
  }
  positions.sort((a, b) => (a.block !== b.block ? (a.block < b.block ? -1 : 1) : a.logIndex - b.logIndex));
  return positions.map((p) => p.text);
}

describe('market stream when the RPC drops', () => {
  it('backs off while the node is down and resumes from the last processed block: nothing lost, nothing twice', async () => {
    const roundBase = 7n << 64n;
    const price = (dollars: number) => BigInt(dollars) * 10n ** 8n;
    const fromBlock = (await fixture.head()) + 1n;
    const warnings: string[] = [];
    const stream = createMarketStream({
      client: fixture.client,
      sources: [
        createChainlinkSource({ client: fixture.client, feeds: [fixture.aggregator], mode: 'events' }),
        createUniswapPoolSource({ client: fixture.client, pools: [fixture.pool] }),
      ],
      fromBlock,
      confirmations: 1,
      pollIntervalMs: 10,
      backoff: { initialMs: 10, maxMs: 100 },
      logger: { warn: (_details, message) => warnings.push(message) },
    });
    const received: MarketEvent[] = [];
    const subscription = stream.market$.subscribe((event) => received.push(event));
    const receipts: TransactionReceipt[] = [];
    try {
      receipts.push(await fixture.confirm(await fixture.sendRound(roundBase + 1n, price(2000))));
      receipts.push(await fixture.confirm(await fixture.sendSwap(true, 10n ** 18n)));
      receipts.push(await fixture.confirm(await fixture.sendSwap(false, 10n ** 17n)));
      const processedBeforeDrop = receipts.at(-1)!.blockNumber - 1n;
      await until('the stream is one block behind the head', () => stream.stats().lastProcessedBlock === processedBeforeDrop);
      // These are mined but not yet confirmed when the node goes away: they must arrive after it is back.
      receipts.push(
        ...(await fixture.inOneBlock(async () => [await fixture.sendSwap(true, 2n * 10n ** 18n), await fixture.sendRound(roundBase + 2n, price(2010))])),
      );

      await fixture.stopNode();
      await until('the stream has failed and backed off a few times', () => stream.stats().rpcErrors >= 3);
      expect(stream.stats().consecutiveErrors).toBeGreaterThanOrEqual(3);
      await fixture.startNode();

      receipts.push(await fixture.confirm(await fixture.sendSwap(false, 3n * 10n ** 18n)));
      receipts.push(await fixture.confirm(await fixture.sendRound(roundBase + 3n, price(1990))));
      await fixture.mine(1);
      const head = await fixture.head();
      await until('the stream has caught up again', () => stream.stats().lastProcessedBlock === head - 1n);
    } finally {
      subscription.unsubscribe();
    }

    const logEvents = received.filter((event) => event.block! >= fromBlock);
    expect(logEvents.map((event) => `${event.kind}@${event.block}:${event.logIndex}`)).toEqual(expectedPositions(receipts));
    const stats = stream.stats();
    expect(stats.reconnects).toBeGreaterThanOrEqual(1);
    expect(stats.consecutiveErrors).toBe(0);
    expect(stats.dropped).toEqual({ duplicate: 0, 'out-of-order': 0 });
    // The pool's start read and 4 swaps; 3 rounds (the feed had no round yet at the start block).
    expect(stats.eventsByKind).toEqual({ oracle: 3, pool: 5 });
    expect(warnings.some((message) => message.includes('retrying'))).toBe(true);
  });
});
