import type { PublicClient } from 'viem';
import { maxUint256 } from 'viem';
import { MandateError } from '../model/base-error.js';
import { type Clock, systemClock } from '../model/clock.js';
import type { ChainlinkCsvRound } from '../market/csv/chainlink-rounds.js';
import type { Address } from '../model/address.js';
import { devAggregatorAbi, swapRouterAbi, uniswapV3PoolAbi } from '../chain/generated/index.js';
import { type OraclePricedPair, oraclePriceToSqrtPriceX96, sqrtPriceX96ToOraclePrice } from '../chain/price/sqrt-price.js';
import { createDevnetClients } from './devnet-clients.js';
import type { DevnetManifest, DevnetPool } from './devnet-manifest.js';
import { type NoiseSwapSize, defaultNoiseSwapsCsvPath, loadNoiseSwapSizes } from './noise-swap-sizes.js';
import { type PipelinedSender, createPipelinedSender } from '../chain/pipelined-sender.js';
import { defaultReplayCsvPath, loadReplayRounds } from './replay-rounds.js';
import { createSeededRandom } from './seeded-random.js';

/** A market driver option is out of range. */
export class MarketDriverOptionError extends MandateError {
  override name = 'MarketDriverOptionError';
}

export type MarketPoolState = {
  fee: number;
  address: Address;
  sqrtPriceX96: bigint;
  tick: number;
  /** The pool's ETH price in the feed's units (USD × 10^8), for comparing with the oracle. */
  price: bigint;
};

/** What the driver reports after each replayed round. */
export type MarketRoundProgress = {
  /** Rounds replayed so far in this run (this one included). */
  replayed: number;
  /** Rows of the CSV rejected (never replayed), counted when loading. */
  rejected: number;
  /** Rounds still to go in this run (bounded by maxRounds / until). */
  remaining: number;
  round: ChainlinkCsvRound;
  /** The chain time (unix seconds) of the block that set the round. */
  chainTime: bigint;
  /** Pool states after this round's arbitrage and noise swaps. */
  pools: MarketPoolState[];
  arbitrageSwaps: number;
  noiseSwaps: number;
};

export type MarketDriverResult = {
  replayed: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  /** Rounds not replayed because the aggregator already had them (set at deploy or by an earlier run). */
  alreadyOnChain: number;
  arbitrageSwaps: number;
  noiseSwaps: number;
  /** Swaps that reverted (another account moved the pool first); counted, not fatal. */
  failedSwaps: number;
  /** Chain time after the last replayed round, unix seconds. */
  chainTime: bigint;
  stoppedBy: 'end-of-data' | 'max-rounds' | 'until' | 'aborted';
};

export type RunMarketDriverParameters = {
  manifest: DevnetManifest;
  /** Chainlink rounds CSV to replay. Default: the shared ETH/USD history. */
  roundsCsvPath?: string | undefined;
  /** Uniswap events CSV whose SWAP sizes the noise swaps draw from. Default: the shared USDC/WETH day. */
  noiseSwapsCsvPath?: string | undefined;
  /** Chain seconds per wall second; 0 or Infinity replays as fast as the chain allows. Default 0. */
  speed?: number | undefined;
  /** Stop after this many replayed rounds. */
  maxRounds?: number | undefined;
  /** Stop before the first round whose updatedAt is after this time, unix seconds. */
  until?: bigint | undefined;
  /** Stops the driver between rounds (the round in flight completes). */
  signal?: AbortSignal | undefined;
  /** Called (and awaited) after each replayed round. */
  onRound?: ((progress: MarketRoundProgress) => void | Promise<void>) | undefined;
  /** Noise swaps per round (each on a random pool, sized from a random real swap). Default 2. */
  noiseSwapsPerRound?: number | undefined;
  /** Scale of the noise swap sizes, in percent of the real size. Default 100. */
  noiseScalePercent?: bigint | undefined;
  /** Seed of the noise swaps' PRNG, so a replay is reproducible. Default 1. */
  seed?: number | undefined;
  /**
   * The arbitrageur trades a pool only when it is further than this from the oracle price, in bps.
   * Default: the pool's fee (5 bps for the 0.05 % pool, 30 for the 0.3 % pool), which is what an
   * arbitrage must beat to be worth it.
   */
  deadbandBps?: number | undefined;
  /** The USDC/USD feed gets a new 1.00 round when its last is at least this old (seconds). Default 3600. */
  usdcHeartbeatSeconds?: number | undefined;
  /** Wall time, for pacing at `speed`. */
  clock?: Clock | undefined;
};

/** The most the arbitrageur offers per swap; the price limit decides how much the pool actually takes. */
const arbitrageBudget = { USDC: 100_000_000n * 10n ** 6n, WETH: 50_000n * 10n ** 18n };

const toHexQuantity = (value: bigint) => `0x${value.toString(16)}`;

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Replays Chainlink rounds into the devnet's ETH/USD aggregator, oldest first, warping chain time to
 * each round's updatedAt, and keeps the USDC/WETH pools near the oracle like a real market: an
 * arbitrageur swaps each pool that is outside the deadband back to the oracle price (through the real
 * SwapRouter, with the oracle price as the swap's sqrtPriceLimitX96, so the pool's own math decides the
 * exact amount that reaches it), then noise swaps sized like real swaps of the shared pool push it around.
 * Invalid rows (the all-zero round, out-of-order or duplicate rounds) are rejected and counted, never
 * replayed. The USDC/USD feed gets a fresh 1.00 round whenever its last one is `usdcHeartbeatSeconds`
 * old at an ETH/USD round, like a real feed's heartbeat, so it never goes stale.
 *
 * @example
 * const controller = new AbortController();
 * const result = await runMarketDriver({
 *   manifest: readDevnetManifest(),
 *   speed: 3600,
 *   signal: controller.signal,
 *   onRound: (p) => console.log(p.replayed, p.round.answer, p.pools.map((pool) => pool.price)),
 * });
 */
export async function runMarketDriver(parameters: RunMarketDriverParameters): Promise<MarketDriverResult> {
  const { manifest, signal } = parameters;
  const speed = parameters.speed ?? 0;
  if (!(speed >= 0)) {
    throw new MarketDriverOptionError(`Invalid market speed ${speed}.`, { details: 'Use a number of chain seconds per wall second > 0, or 0 / Infinity for as fast as possible.' });
  }
  if (parameters.maxRounds !== undefined && !(Number.isInteger(parameters.maxRounds) && parameters.maxRounds >= 0)) {
    throw new MarketDriverOptionError(`Invalid max rounds ${parameters.maxRounds}.`, { details: 'Use a whole number ≥ 0.' });
  }
  const noisePerRound = parameters.noiseSwapsPerRound ?? 2;
  const noiseScalePercent = parameters.noiseScalePercent ?? 100n;
  const clock = parameters.clock ?? systemClock;

  const [{ rounds, rejected, rejectedByReason }, noiseSizes] = await Promise.all([
    loadReplayRounds(parameters.roundsCsvPath ?? defaultReplayCsvPath),
    noisePerRound > 0 ? loadNoiseSwapSizes(parameters.noiseSwapsCsvPath ?? defaultNoiseSwapsCsvPath) : Promise.resolve([] as NoiseSwapSize[]),
  ]);

  const { chain, publicClient } = createDevnetClients(manifest.rpcUrl, manifest.chainId);
  const sender = await createPipelinedSender({ publicClient, chain, privateKey: manifest.accounts.market.privateKey });
  const ethUsd = manifest.feeds['ETH/USD'].address;
  const usdcUsd = manifest.feeds['USDC/USD'].address;
  const pair: OraclePricedPair = {
    base: { address: manifest.tokens.WETH.address, decimals: manifest.tokens.WETH.decimals },
    quote: { address: manifest.tokens.USDC.address, decimals: manifest.tokens.USDC.decimals },
    feedDecimals: manifest.feeds['ETH/USD'].decimals,
  };
  const random = createSeededRandom(parameters.seed ?? 1);

  const [latestEthRound, [latestUsdcRound, , , latestUsdcUpdatedAt]] = await Promise.all([
    publicClient.readContract({ address: ethUsd, abi: devAggregatorAbi, functionName: 'latestRound' }),
    publicClient.readContract({ address: usdcUsd, abi: devAggregatorAbi, functionName: 'latestRoundData' }),
  ]);
  let usdcRoundId = latestUsdcRound;
  let usdcUpdatedAt = latestUsdcUpdatedAt;
  const usdcHeartbeat = BigInt(parameters.usdcHeartbeatSeconds ?? 3600);
  const pending = rounds.filter((r) => r.roundId > latestEthRound);
  const alreadyOnChain = rounds.length - pending.length;
  const bounded = pending.filter((r) => parameters.until === undefined || r.updatedAt <= parameters.until);
  const toReplay = parameters.maxRounds === undefined ? bounded : bounded.slice(0, parameters.maxRounds);

  const result: MarketDriverResult = {
    replayed: 0,
    rejected: rejected.length,
    rejectedByReason,
    alreadyOnChain,
    arbitrageSwaps: 0,
    noiseSwaps: 0,
    failedSwaps: 0,
    chainTime: (await publicClient.getBlock()).timestamp,
    stoppedBy: 'end-of-data',
  };
  const paced = speed > 0 && Number.isFinite(speed);
  const wallStart = clock.now();
  const chainStart = toReplay[0]?.updatedAt ?? 0n;

  for (const round of toReplay) {
    if (signal?.aborted) {
      result.stoppedBy = 'aborted';
      return result;
    }
    if (paced) {
      const dueMs = wallStart + (Number(round.updatedAt - chainStart) * 1000) / speed;
      await sleep(dueMs - clock.now(), signal);
      if (signal?.aborted) {
        result.stoppedBy = 'aborted';
        return result;
      }
    }

    const chainTime = await warpNextBlock(publicClient, round.updatedAt);
    await sender.write('ETH/USD round', {
      address: ethUsd,
      abi: devAggregatorAbi,
      functionName: 'setRound',
      args: [round.roundId, round.answer, round.startedAt, round.updatedAt, round.answeredInRound],
      gas: 300_000n,
    });
    if (round.updatedAt - usdcUpdatedAt >= usdcHeartbeat) {
      usdcRoundId += 1n;
      usdcUpdatedAt = round.updatedAt;
      await sender.write('USDC/USD round', {
        address: usdcUsd,
        abi: devAggregatorAbi,
        functionName: 'setRound',
        args: [usdcRoundId, 10n ** BigInt(manifest.feeds['USDC/USD'].decimals), round.updatedAt, round.updatedAt, usdcRoundId],
        gas: 300_000n,
      });
    }

    // Read fresh every round: an agent may have traded since the last one.
    const before = await readPools(publicClient, manifest.pools, pair);
    let arbitrageSwaps = 0;
    for (const pool of before) {
      if (await arbitragePool(sender, manifest, pool, round.answer, pair, parameters.deadbandBps ?? pool.fee / 100)) arbitrageSwaps++;
    }
    let noiseSwaps = 0;
    for (let i = 0; i < noisePerRound && noiseSizes.length > 0; i++) {
      const size = noiseSizes[random.int(noiseSizes.length)]!;
      const pool = manifest.pools[random.int(manifest.pools.length)]!;
      const amountIn = (size.amountIn * noiseScalePercent) / 100n;
      if (amountIn === 0n) continue;
      await swap(sender, manifest, pool.fee, size.tokenIn, amountIn, 0n, 'noise swap');
      noiseSwaps++;
    }
    // A swap may revert if another account traded the pool between our read and our swap (its price
    // limit is then on the wrong side); the market moves on, and the next round corrects the price.
    const receipts = await sender.settle({ mayRevert: (sent) => sent.label.endsWith('swap') });
    const reverted = receipts.filter((r) => r.status !== 'success');
    result.failedSwaps += reverted.length;
    arbitrageSwaps -= reverted.filter((r) => r.label === 'arbitrage swap').length;
    noiseSwaps -= reverted.filter((r) => r.label === 'noise swap').length;

    result.replayed++;
    result.arbitrageSwaps += arbitrageSwaps;
    result.noiseSwaps += noiseSwaps;
    result.chainTime = chainTime;
    if (!parameters.onRound) continue;
    await parameters.onRound({
      replayed: result.replayed,
      rejected: result.rejected,
      remaining: toReplay.length - result.replayed,
      round,
      chainTime,
      pools: await readPools(publicClient, manifest.pools, pair),
      arbitrageSwaps,
      noiseSwaps,
    });
  }

  if (parameters.maxRounds !== undefined && result.replayed === parameters.maxRounds && bounded.length > parameters.maxRounds) {
    result.stoppedBy = 'max-rounds';
  } else if (bounded.length < pending.length) {
    result.stoppedBy = 'until';
  }
  return result;
}

/**
 * Sets the next block's timestamp to `target`, or to the latest block's time when that is later: rounds
 * can share an updatedAt (the shared file has a few) and chain time never goes backwards. Another
 * account (an agent) may mine a block in between, so a refusal is retried against the new latest block.
 */
async function warpNextBlock(publicClient: PublicClient, target: bigint): Promise<bigint> {
  // Usually the round is later than the chain, so try it directly and only read the chain's time
  // when the node refuses (saves a round trip per round).
  let latest = 0n;
  for (let attempt = 1; ; attempt++) {
    if (attempt > 1) latest = (await publicClient.getBlock()).timestamp;
    const chainTime = target > latest ? target : latest;
    try {
      await publicClient.request({ method: 'evm_setNextBlockTimestamp' as 'eth_chainId', params: [toHexQuantity(chainTime)] as never });
      return chainTime;
    } catch (error) {
      if (attempt >= 4) throw error;
    }
  }
}

async function readPools(publicClient: PublicClient, pools: readonly DevnetPool[], pair: OraclePricedPair): Promise<MarketPoolState[]> {
  return Promise.all(
    pools.map(async (pool) => {
      const [sqrtPriceX96, tick] = await publicClient.readContract({ address: pool.address, abi: uniswapV3PoolAbi, functionName: 'slot0' });
      return { fee: pool.fee, address: pool.address, sqrtPriceX96, tick, price: sqrtPriceX96ToOraclePrice(sqrtPriceX96, pair) };
    }),
  );
}

/**
 * Swaps a pool back to the oracle price when it is outside the deadband. Returns whether it swapped.
 * Selling token0 lowers sqrtPriceX96 and selling token1 raises it; the limit stops the swap exactly at
 * the oracle's sqrtPriceX96, however many ticks that crosses.
 */
async function arbitragePool(
  sender: PipelinedSender,
  manifest: DevnetManifest,
  pool: MarketPoolState,
  answer: bigint,
  pair: OraclePricedPair,
  deadbandBps: number,
): Promise<boolean> {
  const gap = pool.price > answer ? pool.price - answer : answer - pool.price;
  if (gap * 10_000n <= BigInt(Math.round(deadbandBps)) * answer) return false;
  const target = oraclePriceToSqrtPriceX96(answer, pair);
  if (target === pool.sqrtPriceX96) return false;
  const token0IsUsdc = BigInt(manifest.tokens.USDC.address) < BigInt(manifest.tokens.WETH.address);
  const sellToken0 = target < pool.sqrtPriceX96;
  const tokenIn = sellToken0 === token0IsUsdc ? 'USDC' : 'WETH';
  await swap(sender, manifest, pool.fee, tokenIn, arbitrageBudget[tokenIn], target, 'arbitrage swap');
  return true;
}

async function swap(
  sender: PipelinedSender,
  manifest: DevnetManifest,
  fee: number,
  tokenIn: 'USDC' | 'WETH',
  amountIn: bigint,
  sqrtPriceLimitX96: bigint,
  label: string,
): Promise<void> {
  const tokenOut = tokenIn === 'USDC' ? 'WETH' : 'USDC';
  await sender.write(label, {
    address: manifest.uniswap.swapRouter,
    abi: swapRouterAbi,
    functionName: 'exactInputSingle',
    args: [
      {
        tokenIn: manifest.tokens[tokenIn].address,
        tokenOut: manifest.tokens[tokenOut].address,
        fee,
        recipient: sender.address,
        deadline: maxUint256,
        amountIn,
        amountOutMinimum: 0n,
        sqrtPriceLimitX96,
      },
    ],
    gas: 2_000_000n,
  });
}
