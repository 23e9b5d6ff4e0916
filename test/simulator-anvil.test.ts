import { type Address, type PublicClient, createPublicClient, http, maxUint256 } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnvilInstance, startAnvil } from '../agent/chain/anvil.js';
import { deployDevnet } from '../agent/devnet/deploy-devnet.js';
import { createDevnetClients } from '../agent/devnet/devnet-clients.js';
import { type DevnetManifest, type DevnetPool, devnetPool } from '../agent/devnet/devnet-manifest.js';
import { type PipelinedSender, createPipelinedSender } from '../agent/chain/pipelined-sender.js';
import { defaultReplayCsvPath, loadReplayRounds } from '../agent/devnet/replay-rounds.js';
import { devTokenAbi, nonfungiblePositionManagerAbi, swapRouterAbi, uniswapV3PoolAbi } from '../agent/chain/generated/index.js';
import {
  type SwapParameters,
  type SwapReturnType,
  type UniswapV3Pool,
  createPool,
  quoteSwap,
  swap,
} from '../backtest/uniswap-v3/pool.js';
import { type SeededRandom, createSeededRandom } from './support/uniswap-v3/seeded-random.js';
import { MAX_SQRT_RATIO, MAX_TICK, MIN_SQRT_RATIO, MIN_TICK, getSqrtRatioAtTick } from '../backtest/uniswap-v3/tick-math.js';

// The exact simulator against the real Uniswap v3 pool (the npm v3-core/v3-periphery bytecode) on anvil:
// the same seeded swaps go through the SwapRouter and through the simulator, and every result must agree
// to the wei. The devnet's 0.05 % pool gets extra narrow positions so that swaps cross many ticks.
const SWAPS = 600;
const SEED = 20261124;
const EXTRA_POSITIONS = 16;

let anvil: AnvilInstance;
let manifest: DevnetManifest;
let publicClient: PublicClient;
/** JSON-RPC batching for the many historical reads (one HTTP round trip per batch). */
let batchedClient: PublicClient;

beforeAll(async () => {
  const firstRound = (await loadReplayRounds(defaultReplayCsvPath)).rounds[0]!;
  anvil = await startAnvil({ timestamp: firstRound.updatedAt - 60n });
  manifest = await deployDevnet({ rpcUrl: anvil.rpcUrl, firstRound, replaySource: defaultReplayCsvPath });
  const clients = createDevnetClients(anvil.rpcUrl, manifest.chainId);
  publicClient = clients.publicClient;
  batchedClient = createPublicClient({ chain: clients.chain, transport: http(anvil.rpcUrl, { batch: { batchSize: 250 } }) }) as PublicClient;
}, 120_000);

afterAll(async () => {
  await anvil?.stop();
});

type ChainState = { sqrtPriceX96: bigint; tick: number; liquidity: bigint };

async function readChainState(pool: Address, blockNumber?: bigint): Promise<ChainState> {
  const [slot0, liquidity] = await Promise.all([
    batchedClient.readContract({ address: pool, abi: uniswapV3PoolAbi, functionName: 'slot0', blockNumber }),
    batchedClient.readContract({ address: pool, abi: uniswapV3PoolAbi, functionName: 'liquidity', blockNumber }),
  ]);
  return { sqrtPriceX96: slot0[0], tick: Number(slot0[1]), liquidity };
}

/** Every tick some position starts or ends at (from the pool's Mint events), with ticks() read off the pool. */
async function readInitializedTicks(pool: Address) {
  const mints = await publicClient.getContractEvents({ address: pool, abi: uniswapV3PoolAbi, eventName: 'Mint', fromBlock: 0n });
  const indexes = [...new Set(mints.flatMap((log) => [Number(log.args.tickLower!), Number(log.args.tickUpper!)]))].sort((a, b) => a - b);
  const infos = await Promise.all(
    indexes.map((index) => batchedClient.readContract({ address: pool, abi: uniswapV3PoolAbi, functionName: 'ticks', args: [index] })),
  );
  return indexes.map((index, i) => ({ index, liquidityGross: infos[i]![0], liquidityNet: infos[i]![1], initialized: infos[i]![7] }));
}

/** Narrow and medium positions scattered around the price, minted by the market account through the position manager. */
async function mintExtraPositions(sender: PipelinedSender, pool: DevnetPool, tick: number, random: SeededRandom): Promise<void> {
  const { positionManager } = manifest.uniswap;
  for (const token of [pool.token0, pool.token1]) {
    await sender.write(`approve position manager ${token}`, { address: token, abi: devTokenAbi, functionName: 'approve', args: [positionManager, maxUint256] });
  }
  const usdcIsToken0 = pool.token0 === manifest.tokens.USDC.address;
  for (let i = 0; i < EXTRA_POSITIONS; i++) {
    const tickLower = Math.floor((tick + random.int(-1500, 1500)) / pool.tickSpacing) * pool.tickSpacing;
    const tickUpper = tickLower + random.int(1, 150) * pool.tickSpacing;
    const usd = BigInt(random.int(50_000, 3_000_000));
    const usdc = usd * 10n ** 6n;
    const weth = (usd * 10n ** 18n) / 1_000n; // generous: the manager takes what the range needs
    await sender.write(`extra position [${tickLower}, ${tickUpper}]`, {
      address: positionManager,
      abi: nonfungiblePositionManagerAbi,
      functionName: 'mint',
      args: [
        {
          token0: pool.token0,
          token1: pool.token1,
          fee: pool.fee,
          tickLower,
          tickUpper,
          amount0Desired: usdcIsToken0 ? usdc : weth,
          amount1Desired: usdcIsToken0 ? weth : usdc,
          amount0Min: 0n,
          amount1Min: 0n,
          recipient: sender.address,
          deadline: maxUint256,
        },
      ],
      gas: 1_500_000n,
    });
  }
  await sender.settle();
}

type PlannedSwap = { parameters: SwapParameters; simulated: SwapReturnType; limited: boolean };

/**
 * A random swap from the simulated pool's state, as the router will send it: either direction, exact
 * input or output, sizes from 1 wei to tens of millions of dollars, a fifth of them with a price
 * limit. An exact-output swap without a limit must deliver its whole amount (the router requires it), so
 * one that would run out is halved until it does not.
 */
function planSwap(random: SeededRandom, pool: UniswapV3Pool, usdcIsToken0: boolean, ethUsd: number, homeTick: number): PlannedSwap {
  // Lean back toward the starting price, so big swaps keep crossing the narrow ranges instead of leaving them.
  const drift = pool.tick - homeTick;
  const zeroForOne = random.next() < (drift > 300 ? 0.8 : drift < -300 ? 0.2 : 0.5);
  const exactInput = random.next() < 0.5;
  const specifiedIsToken0 = zeroForOne === exactInput;
  const specifiedIsUsdc = specifiedIsToken0 === usdcIsToken0;
  let amount: bigint;
  if (random.next() < 0.05) amount = BigInt(random.int(1, 1000)); // dust: rounding edges
  else {
    // $0.000001 .. $30M, log-uniform, plus a third of swaps from $30k up, which cross ranges.
    const usd = random.next() < 0.35 ? 10 ** (4.5 + random.next() * 3) : 10 ** (random.next() * 13.5 - 6);
    amount = specifiedIsUsdc ? BigInt(Math.ceil(usd * 1e6)) : BigInt(Math.ceil((usd / ethUsd) * 1e18));
  }
  let sqrtPriceLimitX96: bigint | undefined;
  if (random.next() < 0.2) {
    const distance = Math.floor(10 ** (random.next() * 3)); // 1 .. 1,000 ticks away
    const limitTick = Math.min(MAX_TICK - 1, Math.max(MIN_TICK + 1, zeroForOne ? pool.tick - distance : pool.tick + distance));
    sqrtPriceLimitX96 = getSqrtRatioAtTick(limitTick) + BigInt(random.int(0, 1_000_000));
    if (zeroForOne && sqrtPriceLimitX96 >= pool.sqrtPriceX96) sqrtPriceLimitX96 = pool.sqrtPriceX96 - 1n;
    if (!zeroForOne && sqrtPriceLimitX96 <= pool.sqrtPriceX96) sqrtPriceLimitX96 = pool.sqrtPriceX96 + 1n;
    if (sqrtPriceLimitX96 <= MIN_SQRT_RATIO) sqrtPriceLimitX96 = MIN_SQRT_RATIO + 1n;
    if (sqrtPriceLimitX96 >= MAX_SQRT_RATIO) sqrtPriceLimitX96 = MAX_SQRT_RATIO - 1n;
  }
  for (;;) {
    const parameters: SwapParameters = { zeroForOne, amountSpecified: exactInput ? amount : -amount, sqrtPriceLimitX96 };
    const quoted = quoteSwap(pool, parameters);
    const delivered = specifiedIsToken0 ? quoted.amount0 : quoted.amount1;
    if (exactInput || sqrtPriceLimitX96 !== undefined || delivered === parameters.amountSpecified || amount === 1n) {
      return { parameters, simulated: swap(pool, parameters), limited: sqrtPriceLimitX96 !== undefined };
    }
    amount /= 2n;
  }
}

describe('simulator vs the real Uniswap v3 pool on anvil', () => {
  it(`matches ${SWAPS} seeded router swaps to the wei (amounts, sqrtPriceX96, tick, liquidity)`, async () => {
    const started = performance.now();
    const random = createSeededRandom(SEED);
    const pool = devnetPool(manifest, 500);
    const sender = await createPipelinedSender({ publicClient, chain: createDevnetClients(anvil.rpcUrl, manifest.chainId).chain, privateKey: manifest.accounts.market.privateKey });
    const initial = await readChainState(pool.address);
    await mintExtraPositions(sender, pool, initial.tick, random);

    // The simulated pool, built only from what the real pool reports.
    const start = await readChainState(pool.address);
    const ticks = await readInitializedTicks(pool.address);
    expect(ticks.every((t) => t.initialized)).toBe(true);
    const simulated = createPool({ fee: pool.fee, tickSpacing: pool.tickSpacing, ...start, ticks });
    expect(simulated.liquidity).toBe(start.liquidity);

    const usdcIsToken0 = pool.token0 === manifest.tokens.USDC.address;
    const price0In1 = (Number(start.sqrtPriceX96) / 2 ** 96) ** 2; // token1 base units per token0 base unit
    const ethUsd = usdcIsToken0 ? 1e12 / price0In1 : price0In1 * 1e-12;

    // Plan each swap on the simulator and send it at once: nonces are local and anvil mines each
    // transaction on arrival, in order, so no receipt needs to be awaited until the end.
    const planned: PlannedSwap[] = [];
    for (let i = 0; i < SWAPS; i++) {
      const plan = planSwap(random, simulated, usdcIsToken0, ethUsd, start.tick);
      planned.push(plan);
      const { zeroForOne, amountSpecified, sqrtPriceLimitX96 } = plan.parameters;
      const [tokenIn, tokenOut] = zeroForOne ? [pool.token0, pool.token1] : [pool.token1, pool.token0];
      const common = { tokenIn, tokenOut, fee: pool.fee, recipient: sender.address, deadline: maxUint256, sqrtPriceLimitX96: sqrtPriceLimitX96 ?? 0n };
      if (amountSpecified > 0n) {
        await sender.write(`swap ${i}`, {
          address: manifest.uniswap.swapRouter,
          abi: swapRouterAbi,
          functionName: 'exactInputSingle',
          args: [{ ...common, amountIn: amountSpecified, amountOutMinimum: 0n }],
          gas: 6_000_000n,
        });
      } else {
        await sender.write(`swap ${i}`, {
          address: manifest.uniswap.swapRouter,
          abi: swapRouterAbi,
          functionName: 'exactOutputSingle',
          args: [{ ...common, amountOut: -amountSpecified, amountInMaximum: maxUint256 >> 1n }],
          gas: 6_000_000n,
        });
      }
    }
    const receipts = await sender.settle({ timeoutMs: 60_000 });
    const sent = performance.now();

    // The chain's side: the Swap event of each transaction and slot0/liquidity right after its block.
    const swapLogs = await publicClient.getContractEvents({
      address: pool.address,
      abi: uniswapV3PoolAbi,
      eventName: 'Swap',
      fromBlock: receipts[0]!.blockNumber,
      toBlock: receipts.at(-1)!.blockNumber,
    });
    const logByHash = new Map(swapLogs.map((log) => [log.transactionHash, log]));
    // Anvil may mine several of these transactions into one block; slot0 and liquidity at a block are the
    // state after its last swap, so they are compared for that swap (the Swap event, which carries the
    // state after each swap, is compared for every one).
    const lastInBlock = receipts.map((receipt, i) => receipts[i + 1]?.blockNumber !== receipt.blockNumber);
    const states = await Promise.all(
      receipts.map((receipt, i) => (lastInBlock[i] ? readChainState(pool.address, receipt.blockNumber) : undefined)),
    );

    const mismatches: string[] = [];
    const seen = { exactIn: 0, exactOut: 0, zeroForOne: 0, oneForZero: 0, limited: 0, stoppedAtLimit: 0, crossing: 0, ticksCrossed: 0, stateReads: 0 };
    planned.forEach(({ parameters, simulated: ours, limited }, i) => {
      const receipt = receipts[i]!;
      const log = logByHash.get(receipt.transactionHash);
      const state = states[i];
      const after = { sqrtPriceX96: ours.sqrtPriceX96, tick: ours.tick, liquidity: ours.liquidity };
      const chain = log && {
        amount0: log.args.amount0,
        amount1: log.args.amount1,
        event: { sqrtPriceX96: log.args.sqrtPriceX96, tick: log.args.tick, liquidity: log.args.liquidity },
        slot0AndLiquidity: state,
      };
      const expected = { amount0: ours.amount0, amount1: ours.amount1, event: after, slot0AndLiquidity: state && after };
      if (state) seen.stateReads++;
      try {
        expect(chain).toEqual(expected);
      } catch {
        const show = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}` : x));
        mismatches.push(`swap ${i} ${show(parameters)}: chain ${show(chain)}, simulator ${show(expected)}`);
      }
      if (parameters.amountSpecified > 0n) seen.exactIn++;
      else seen.exactOut++;
      if (parameters.zeroForOne) seen.zeroForOne++;
      else seen.oneForZero++;
      if (limited) seen.limited++;
      if (limited && ours.sqrtPriceX96 === parameters.sqrtPriceLimitX96) seen.stoppedAtLimit++;
      if (ours.ticksCrossed > 0) seen.crossing++;
      seen.ticksCrossed += ours.ticksCrossed;
    });

    // Swaps never change tick liquidity, and the simulator's crossings must have left its ticks as the pool's.
    const ticksAfter = await readInitializedTicks(pool.address);
    expect(ticksAfter.map(({ index, liquidityGross, liquidityNet }) => ({ index, liquidityGross, liquidityNet }))).toEqual(
      simulated.ticks.indexes.map((index) => ({ index, ...simulated.ticks.info.get(index)! })),
    );

    console.log(
      `simulator vs anvil: ${planned.length} swaps, ${mismatches.length} mismatches, ${ticks.length} initialised ticks, ${JSON.stringify(seen)}; ` +
        `sent and mined in ${((sent - started) / 1000).toFixed(1)} s, compared in ${((performance.now() - sent) / 1000).toFixed(1)} s`,
    );
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(receipts.every((r) => r.status === 'success')).toBe(true);
    expect(swapLogs).toHaveLength(SWAPS);
    // The mix must exercise what matters, or agreement would prove little.
    for (const count of Object.values(seen)) expect(count).toBeGreaterThan(20);
  }, 120_000);
});
