import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, type PublicClient, createWalletClient, maxUint256 } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnvilInstance, startAnvil } from '../agent/chain/anvil.js';
import { deployDevnet } from '../agent/devnet/deploy-devnet.js';
import { createDevnetClients } from '../agent/devnet/devnet-clients.js';
import { type DevnetManifest, devnetPool, readDevnetManifest, writeDevnetManifest } from '../agent/devnet/devnet-manifest.js';
import { approximateTick, devnetLiquidityRanges } from '../agent/devnet/liquidity-ranges.js';
import { defaultReplayCsvPath, loadReplayRounds } from '../agent/devnet/replay-rounds.js';
import { devAggregatorAbi, devTokenAbi, erc20Abi, quoterV2Abi, swapRouterAbi, uniswapV3PoolAbi } from '../agent/chain/generated/index.js';
import { oraclePriceToSqrtPriceX96 } from '../agent/chain/price/sqrt-price.js';
import type { ChainlinkCsvRound } from '../agent/market/csv/chainlink-rounds.js';

const require = createRequire(import.meta.url);
const sdkCore = require('@uniswap/sdk-core') as { Token: new (chainId: number, address: string, decimals: number) => unknown };
const v3Sdk = require('@uniswap/v3-sdk') as {
  computePoolAddress(args: { factoryAddress: string; tokenA: unknown; tokenB: unknown; fee: number }): string;
};

let anvil: AnvilInstance;
let manifest: DevnetManifest;
let firstRound: ChainlinkCsvRound;
let publicClient: PublicClient;

beforeAll(async () => {
  firstRound = (await loadReplayRounds(defaultReplayCsvPath)).rounds[0]!;
  anvil = await startAnvil({ timestamp: firstRound.updatedAt - 60n });
  manifest = await deployDevnet({ rpcUrl: anvil.rpcUrl, firstRound, replaySource: defaultReplayCsvPath });
  // Measured for the record, not asserted: timing depends on the machine.
  console.log(`devnet deploy took ${manifest.deployMs} ms`);
  publicClient = createDevnetClients(anvil.rpcUrl, manifest.chainId).publicClient;
});

afterAll(async () => {
  await anvil?.stop();
});

const traderWallet = () =>
  createWalletClient({
    account: privateKeyToAccount(manifest.accounts.trader.privateKey),
    chain: createDevnetClients(anvil.rpcUrl, manifest.chainId).chain,
    transport: http(anvil.rpcUrl),
  });

const balanceOf = (token: `0x${string}`, owner: `0x${string}`) =>
  publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [owner] });

describe('the devnet, deployed from nothing', () => {
  it('writes a manifest that reads back identically', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'mandate-devnet-')), 'devnet.json');
    writeDevnetManifest(manifest, path);
    expect(readDevnetManifest(path)).toEqual(manifest);
    expect(manifest.pools.map((p) => [p.fee, p.tickSpacing])).toEqual([
      [500, 10],
      [3000, 60],
    ]);
    expect(Object.keys(manifest.accounts).sort()).toEqual(['agent', 'deployer', 'guardian', 'market', 'owner', 'trader']);
    for (const account of Object.values(manifest.accounts)) {
      expect(privateKeyToAccount(account.privateKey).address).toBe(account.address);
    }
  });

  it('has every pool at the address v3-sdk computePoolAddress gives', async () => {
    const usdc = new sdkCore.Token(manifest.chainId, manifest.tokens.USDC.address, 6);
    const weth = new sdkCore.Token(manifest.chainId, manifest.tokens.WETH.address, 18);
    for (const pool of manifest.pools) {
      const expected = v3Sdk.computePoolAddress({ factoryAddress: manifest.uniswap.factory, tokenA: usdc, tokenB: weth, fee: pool.fee });
      expect(pool.address).toBe(expected);
      expect(await publicClient.getCode({ address: pool.address })).toMatch(/^0x[0-9a-f]{100,}/);
    }
  });

  it('starts the pools at the first replayed price and the feeds at their first round', async () => {
    const expected = oraclePriceToSqrtPriceX96(firstRound.answer, {
      base: { address: manifest.tokens.WETH.address, decimals: 18 },
      quote: { address: manifest.tokens.USDC.address, decimals: 6 },
      feedDecimals: 8,
    });
    for (const pool of manifest.pools) {
      const [sqrtPriceX96] = await publicClient.readContract({ address: pool.address, abi: uniswapV3PoolAbi, functionName: 'slot0' });
      expect(sqrtPriceX96).toBe(expected);
      expect(await publicClient.readContract({ address: pool.address, abi: uniswapV3PoolAbi, functionName: 'liquidity' })).toBeGreaterThan(0n);
    }
    const [roundId, answer, , updatedAt] = await publicClient.readContract({
      address: manifest.feeds['ETH/USD'].address,
      abi: devAggregatorAbi,
      functionName: 'latestRoundData',
    });
    expect([roundId, answer, updatedAt]).toEqual([firstRound.roundId, firstRound.answer, firstRound.updatedAt]);
    const [, usdcAnswer] = await publicClient.readContract({
      address: manifest.feeds['USDC/USD'].address,
      abi: devAggregatorAbi,
      functionName: 'latestRoundData',
    });
    expect(usdcAnswer).toBe(100_000_000n);
    expect(await publicClient.readContract({ address: manifest.feeds['ETH/USD'].address, abi: devAggregatorAbi, functionName: 'decimals' })).toBe(8);
  });

  it('gives the trader both tokens', async () => {
    expect(await balanceOf(manifest.tokens.USDC.address, manifest.accounts.trader.address)).toBeGreaterThan(0n);
    expect(await balanceOf(manifest.tokens.WETH.address, manifest.accounts.trader.address)).toBeGreaterThan(0n);
  });

  it('fills a SwapRouter swap with exactly the amount QuoterV2 quoted', async () => {
    const pool = devnetPool(manifest, 3000);
    const params = {
      tokenIn: manifest.tokens.WETH.address,
      tokenOut: manifest.tokens.USDC.address,
      amountIn: 3n * 10n ** 18n,
      fee: pool.fee,
      sqrtPriceLimitX96: 0n,
    };
    const { result: quote } = await publicClient.simulateContract({
      address: manifest.uniswap.quoterV2,
      abi: quoterV2Abi,
      functionName: 'quoteExactInputSingle',
      args: [params],
    });
    const trader = manifest.accounts.trader.address;
    const usdcBefore = await balanceOf(manifest.tokens.USDC.address, trader);
    const hash = await traderWallet().writeContract({
      address: manifest.uniswap.swapRouter,
      abi: swapRouterAbi,
      functionName: 'exactInputSingle',
      args: [{ ...params, recipient: trader, deadline: maxUint256, amountOutMinimum: 0n }],
    });
    expect((await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 })).status).toBe('success');
    const received = (await balanceOf(manifest.tokens.USDC.address, trader)) - usdcBefore;
    expect(received).toBe(quote[0]);
    const [sqrtPriceX96After] = await publicClient.readContract({ address: pool.address, abi: uniswapV3PoolAbi, functionName: 'slot0' });
    expect(sqrtPriceX96After).toBe(quote[1]);
  });

  it('crosses initialised ticks on a large swap: the tick passes a range boundary and liquidity changes', async () => {
    const pool = devnetPool(manifest, 500);
    const trader = manifest.accounts.trader.address;
    const amountIn = 5_000_000n * 10n ** 6n; // 5M USDC against ±0.5 % of 1M USDC/side
    const mint = await traderWallet().writeContract({
      address: manifest.tokens.USDC.address,
      abi: devTokenAbi,
      functionName: 'mint',
      args: [trader, amountIn],
    });
    await publicClient.waitForTransactionReceipt({ hash: mint, pollingInterval: 20 });

    const [, tickBefore] = await publicClient.readContract({ address: pool.address, abi: uniswapV3PoolAbi, functionName: 'slot0' });
    const liquidityBefore = await publicClient.readContract({ address: pool.address, abi: uniswapV3PoolAbi, functionName: 'liquidity' });
    const params = { tokenIn: manifest.tokens.USDC.address, tokenOut: manifest.tokens.WETH.address, amountIn, fee: 500, sqrtPriceLimitX96: 0n };
    const { result: quote } = await publicClient.simulateContract({
      address: manifest.uniswap.quoterV2,
      abi: quoterV2Abi,
      functionName: 'quoteExactInputSingle',
      args: [params],
    });
    expect(quote[2]).toBeGreaterThanOrEqual(1); // initializedTicksCrossed

    const hash = await traderWallet().writeContract({
      address: manifest.uniswap.swapRouter,
      abi: swapRouterAbi,
      functionName: 'exactInputSingle',
      args: [{ ...params, recipient: trader, deadline: maxUint256, amountOutMinimum: 0n }],
    });
    expect((await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 })).status).toBe('success');
    const [, tickAfter] = await publicClient.readContract({ address: pool.address, abi: uniswapV3PoolAbi, functionName: 'slot0' });
    const liquidityAfter = await publicClient.readContract({ address: pool.address, abi: uniswapV3PoolAbi, functionName: 'liquidity' });

    const boundaries = devnetLiquidityRanges(approximateTick(BigInt(pool.initialSqrtPriceX96)), pool.tickSpacing, 100n).flatMap((r) => [
      r.tickLower,
      r.tickUpper,
    ]);
    const [low, high] = tickBefore < tickAfter ? [tickBefore, tickAfter] : [tickAfter, tickBefore];
    const crossed = boundaries.filter((tick) => tick > low && tick <= high);
    expect(crossed.length).toBeGreaterThanOrEqual(1);
    for (const tick of crossed) {
      const info = await publicClient.readContract({ address: pool.address, abi: uniswapV3PoolAbi, functionName: 'ticks', args: [tick] });
      expect(info[7]).toBe(true); // initialized
    }
    expect(liquidityAfter).not.toBe(liquidityBefore);
  });
});
