import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PublicClient } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnvilInstance, startAnvil } from '../agent/chain/anvil.js';
import { deployDevnet } from '../agent/devnet/deploy-devnet.js';
import { createDevnetClients } from '../agent/devnet/devnet-clients.js';
import type { DevnetManifest } from '../agent/devnet/devnet-manifest.js';
import { type MarketRoundProgress, runMarketDriver } from '../agent/devnet/market-driver.js';
import { defaultReplayCsvPath, loadReplayRounds } from '../agent/devnet/replay-rounds.js';
import { devAggregatorAbi } from '../agent/chain/generated/index.js';
import type { ChainlinkCsvRound } from '../agent/market/csv/chainlink-rounds.js';

let anvil: AnvilInstance;
let manifest: DevnetManifest;
let publicClient: PublicClient;
let sharedRounds: ChainlinkCsvRound[];

beforeAll(async () => {
  sharedRounds = (await loadReplayRounds(defaultReplayCsvPath)).rounds;
  const firstRound = sharedRounds[0]!;
  anvil = await startAnvil({ timestamp: firstRound.updatedAt - 60n });
  manifest = await deployDevnet({ rpcUrl: anvil.rpcUrl, firstRound, replaySource: defaultReplayCsvPath });
  publicClient = createDevnetClients(anvil.rpcUrl, manifest.chainId).publicClient;
});

afterAll(async () => {
  await anvil?.stop();
});

const ethUsd = () => manifest.feeds['ETH/USD'].address;

/** A rounds CSV built from the oldest shared rounds plus one bad row of each kind the driver must reject. */
function writeCraftedCsv(): string {
  const [r0, r1, r2, r3, r4, r5] = sharedRounds as [ChainlinkCsvRound, ...ChainlinkCsvRound[]] & { length: 6 };
  const row = (i: number, r: { roundId: bigint; answer: bigint; startedAt: bigint; updatedAt: bigint; answeredInRound: bigint }) =>
    `${i},${r.roundId},${r.answer},${r.startedAt},${r.updatedAt},${r.answeredInRound}`;
  const lines = [
    ',round,answer,start,update,answeredInRound',
    row(0, { ...r5!, roundId: r5!.roundId + 1n, answeredInRound: r5!.roundId + 1n, updatedAt: r5!.updatedAt - 100n }), // goes back in time
    row(1, r5!),
    row(2, r4!),
    row(3, r3!),
    row(4, r2!),
    row(5, r2!), // duplicate round
    row(6, r1!),
    row(7, r0),
    '8,not-a-number,1,1,1,1',
    row(9, { roundId: r0.roundId - 1n, answer: 0n, startedAt: 0n, updatedAt: 0n, answeredInRound: r0.roundId - 1n }), // the all-zero round
  ];
  const path = join(mkdtempSync(join(tmpdir(), 'mandate-rounds-')), 'rounds.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('the market driver', () => {
  it('rejects and counts invalid rows and never replays them', async () => {
    const result = await runMarketDriver({ manifest, roundsCsvPath: writeCraftedCsv(), noiseSwapsPerRound: 1 });
    expect(result.rejectedByReason).toEqual({ 'non-positive-answer': 1, 'duplicate-round': 1, 'out-of-order': 1, unparsable: 1 });
    expect(result.rejected).toBe(4);
    expect(result.alreadyOnChain).toBe(1); // the first round, set at deploy
    expect(result.replayed).toBe(5);
    expect(result.stoppedBy).toBe('end-of-data');
    const [latestRoundId, answer] = await publicClient.readContract({ address: ethUsd(), abi: devAggregatorAbi, functionName: 'latestRoundData' });
    expect([latestRoundId, answer]).toEqual([sharedRounds[5]!.roundId, sharedRounds[5]!.answer]);
  });

  it('replays the shared rounds into the aggregator with chain time following their updatedAt', async () => {
    const fromBlock = await publicClient.getBlockNumber();
    const progress: MarketRoundProgress[] = [];
    const result = await runMarketDriver({ manifest, maxRounds: 15, onRound: (p) => void progress.push(p) });
    expect(result).toMatchObject({ replayed: 15, alreadyOnChain: 6, noiseSwaps: 30, failedSwaps: 0, stoppedBy: 'max-rounds' });
    expect(result.rejectedByReason['non-positive-answer']).toBeGreaterThanOrEqual(1);

    const replayed = sharedRounds.slice(6, 21);
    expect(progress.map((p) => p.round.roundId)).toEqual(replayed.map((r) => r.roundId));
    for (const round of replayed) {
      const [roundId, answer, startedAt, updatedAt] = await publicClient.readContract({
        address: ethUsd(),
        abi: devAggregatorAbi,
        functionName: 'getRoundData',
        args: [round.roundId],
      });
      expect([roundId, answer, startedAt, updatedAt]).toEqual([round.roundId, round.answer, round.startedAt, round.updatedAt]);
    }

    // Each round was set in a block whose timestamp is the round's updatedAt.
    const logs = await publicClient.getContractEvents({ address: ethUsd(), abi: devAggregatorAbi, eventName: 'AnswerUpdated', fromBlock });
    expect(logs.map((l) => l.args.roundId)).toEqual(replayed.map((r) => r.roundId));
    for (const log of logs) {
      const block = await publicClient.getBlock({ blockNumber: log.blockNumber });
      expect(block.timestamp).toBe(log.args.updatedAt);
    }
    // The USDC/USD feed was refreshed on its heartbeat: never older than an hour at an ETH/USD round.
    const usdcLogs = await publicClient.getContractEvents({ address: manifest.feeds['USDC/USD'].address, abi: devAggregatorAbi, eventName: 'AnswerUpdated', fromBlock });
    expect(usdcLogs.length).toBeGreaterThan(0);
    let usdcUpdatedAt = 0n;
    for (const round of replayed) {
      for (const log of usdcLogs) if (log.args.updatedAt! <= round.updatedAt && log.args.updatedAt! > usdcUpdatedAt) usdcUpdatedAt = log.args.updatedAt!;
      expect(round.updatedAt - usdcUpdatedAt < 3600n).toBe(true);
    }
    const latest = await publicClient.getBlock();
    expect(latest.timestamp >= replayed.at(-1)!.updatedAt).toBe(true);
    expect(latest.timestamp < sharedRounds[21]!.updatedAt).toBe(true);
  });

  it('keeps both pools within the fee deadband of the oracle when there is no noise', async () => {
    const progress: MarketRoundProgress[] = [];
    const result = await runMarketDriver({ manifest, maxRounds: 8, noiseSwapsPerRound: 0, onRound: (p) => void progress.push(p) });
    expect(result.replayed).toBe(8);
    expect(result.arbitrageSwaps).toBeGreaterThan(0);
    for (const p of progress) {
      for (const pool of p.pools) {
        const gap = pool.price > p.round.answer ? pool.price - p.round.answer : p.round.answer - pool.price;
        // Within the fee in bps, plus one unit of rounding from the sqrt price conversion.
        expect(gap * 10_000n <= BigInt(pool.fee / 100) * p.round.answer + 10_000n).toBe(true);
      }
    }
  });

  it('stops between rounds when aborted, and before a round after `until`', async () => {
    const controller = new AbortController();
    const aborted = await runMarketDriver({
      manifest,
      signal: controller.signal,
      onRound: (p) => {
        if (p.replayed === 3) controller.abort();
      },
    });
    expect(aborted).toMatchObject({ replayed: 3, stoppedBy: 'aborted' });

    const [latestRoundId] = await publicClient.readContract({ address: ethUsd(), abi: devAggregatorAbi, functionName: 'latestRoundData' });
    const next = sharedRounds.findIndex((r) => r.roundId === latestRoundId) + 1;
    const until = sharedRounds[next + 1]!.updatedAt; // two more rounds fit
    const bounded = await runMarketDriver({ manifest, until, noiseSwapsPerRound: 0 });
    expect(bounded).toMatchObject({ replayed: 2, stoppedBy: 'until' });
  });

  it('replays two rounds that share an updatedAt without moving chain time backwards (runs last: jumps ahead)', async () => {
    const newest = sharedRounds.at(-1)!;
    const same = newest.updatedAt + 10_000n;
    const path = join(mkdtempSync(join(tmpdir(), 'mandate-rounds-')), 'same-time.csv');
    writeFileSync(
      path,
      [
        ',round,answer,start,update,answeredInRound',
        `0,${newest.roundId + 1001n},230000000000,${same},${same},${newest.roundId + 1001n}`,
        `1,${newest.roundId + 1000n},229000000000,${same},${same},${newest.roundId + 1000n}`,
      ].join('\n'),
    );
    const progress: MarketRoundProgress[] = [];
    const result = await runMarketDriver({ manifest, roundsCsvPath: path, onRound: (p) => void progress.push(p) });
    expect(result).toMatchObject({ replayed: 2, rejected: 0 });
    expect(progress[0]!.chainTime).toBe(same);
    expect(progress[1]!.chainTime >= same).toBe(true);
    const [roundId, answer, , updatedAt] = await publicClient.readContract({ address: ethUsd(), abi: devAggregatorAbi, functionName: 'latestRoundData' });
    expect([roundId, answer, updatedAt]).toEqual([newest.roundId + 1001n, 230000000000n, same]);
  });
});
