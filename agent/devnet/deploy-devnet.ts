import { type Chain, type PublicClient, maxUint256, parseEther, stringToHex } from 'viem';
import type { ResolvedConfig } from '../config/index.js';
import { sortsBefore, toAddress, type Address } from '../model/address.js';
import type { ChainlinkRound } from '../market/validate-round.js';
import type { Clock } from '../model/clock.js';
import { systemClock } from '../model/clock.js';
import { type DevAccount, type DevnetRole, devAccounts } from '../chain/dev-accounts.js';
import {
  devAggregatorAbi,
  devAggregatorBytecode,
  devTokenAbi,
  devTokenBytecode,
  nftDescriptorAbi,
  nftDescriptorBytecode,
  nonfungiblePositionManagerAbi,
  nonfungiblePositionManagerBytecode,
  nonfungibleTokenPositionDescriptorAbi,
  nonfungibleTokenPositionDescriptorBytecode,
  nonfungibleTokenPositionDescriptorLinkReferences,
  quoterV2Abi,
  quoterV2Bytecode,
  swapRouterAbi,
  swapRouterBytecode,
  uniswapV3FactoryAbi,
  uniswapV3FactoryBytecode,
  weth9Abi,
  weth9Bytecode,
} from '../chain/generated/index.js';
import { linkBytecode } from '../chain/link-bytecode.js';
import { oraclePriceToSqrtPriceX96 } from '../chain/price/sqrt-price.js';
import { createDevnetClients } from './devnet-clients.js';
import type { DevnetManifest } from './devnet-manifest.js';
import { approximateTick, devnetLiquidityRanges } from './liquidity-ranges.js';
import { type PipelinedSender, createPipelinedSender } from '../chain/pipelined-sender.js';

/** The fee tiers the devnet deploys, with how much of the standard liquidity layout each gets. */
export const devnetPoolFees = [
  { fee: 500, tickSpacing: 10, liquidityPercent: 100n },
  { fee: 3000, tickSpacing: 60, liquidityPercent: 50n },
] as const;

/** Chainlink feeds are 8 decimals for USD pairs. */
export const devnetFeedDecimals = 8;

/** What an extension gets to deploy more contracts on top of the core devnet. */
export type DevnetDeployContext = {
  rpcUrl: string;
  chain: Chain;
  publicClient: PublicClient;
  /** The manifest so far (everything but the extensions' contracts). */
  manifest: DevnetManifest;
  /** The agent config, when one was loaded (the vault's devnet policy comes from it). */
  config: ResolvedConfig | undefined;
  /** A pipelined sender for a role's account (created on first use, nonces tracked). */
  senderFor(role: DevnetRole): Promise<PipelinedSender>;
};

/**
 * A later deploy step (the vault, a Safe): runs after the core devnet is deployed and mined, and
 * returns the addresses it deployed by name; they land in `manifest.contracts`.
 *
 * @example
 * const vaultExtension: DevnetExtension = {
 *   name: 'vault',
 *   async deploy(ctx) {
 *     const sender = await ctx.senderFor('deployer');
 *     const { address } = await sender.deploy('MandateVault', { abi: mandateVaultAbi, bytecode: mandateVaultBytecode, args: [...] });
 *     await sender.settle();
 *     return { MandateVault: address };
 *   },
 * };
 */
export type DevnetExtension = {
  name: string;
  deploy(context: DevnetDeployContext): Promise<Record<string, Address>>;
};

export type DeployDevnetParameters = {
  rpcUrl: string;
  /** The first round of the replay: pools start at its price, the ETH/USD feed at this round. */
  firstRound: ChainlinkRound;
  /** Where the replay comes from, recorded in the manifest. */
  replaySource: string;
  /** Later deploy steps (see DevnetExtension). */
  extensions?: readonly DevnetExtension[] | undefined;
  /** The agent config, handed to the extensions. */
  config?: ResolvedConfig | undefined;
  /** Used to measure the deploy time. */
  clock?: Clock | undefined;
};

/** ETH given to the accounts that provide liquidity and trade, so gas and WETH deposits never run out. */
const fundedEther: Partial<Record<DevnetRole, bigint>> = {
  deployer: parseEther('100000000'),
  market: parseEther('100000000'),
  trader: parseEther('1000000'),
};

const rpc = (publicClient: PublicClient, method: string, params: unknown[]) =>
  publicClient.request({ method: method as 'eth_chainId', params: params as never });

/**
 * Deploys the whole devnet on a running anvil: USDC (DevToken, 6 decimals) and WETH (the real WETH9, 18
 * decimals), the real Uniswap v3 factory, SwapRouter, NFTDescriptor + NonfungibleTokenPositionDescriptor
 * (linked), NonfungiblePositionManager and QuoterV2 from the npm artifacts, USDC/WETH pools (fee 500 and
 * 3000) at the first replayed price with liquidity in several ranges, and the ETH/USD and USDC/USD
 * aggregators with their first round. The trader and the market driver account get both tokens.
 *
 * Chain time is moved to the first round's updatedAt first (when behind), so the feeds are fresh and
 * the replay can move forward from there. Transactions are pipelined (explicit nonces and gas, one wait
 * at the end), which keeps the deploy to about a second.
 *
 * @example
 * const anvil = await startAnvil({ timestamp: firstRound.updatedAt - 60n });
 * const manifest = await deployDevnet({ rpcUrl: anvil.rpcUrl, firstRound, replaySource: defaultReplayCsvPath });
 */
export async function deployDevnet(parameters: DeployDevnetParameters): Promise<DevnetManifest> {
  const clock = parameters.clock ?? systemClock;
  const started = clock.now();
  const { rpcUrl, firstRound } = parameters;

  const probe = createDevnetClients(rpcUrl, 1);
  const chainId = await probe.publicClient.getChainId();
  const { chain, publicClient } = createDevnetClients(rpcUrl, chainId);
  const accounts = devAccounts();
  const startBlock = Number(await publicClient.getBlockNumber());

  for (const [role, value] of Object.entries(fundedEther)) {
    await rpc(publicClient, 'anvil_setBalance', [accounts[role as DevnetRole].address, `0x${value.toString(16)}`]);
  }
  const latest = await publicClient.getBlock();
  if (latest.timestamp < firstRound.updatedAt) {
    await rpc(publicClient, 'evm_setNextBlockTimestamp', [`0x${firstRound.updatedAt.toString(16)}`]);
  }

  const senders = new Map<DevnetRole, PipelinedSender>();
  const senderFor = async (role: DevnetRole) => {
    let sender = senders.get(role);
    if (!sender) {
      sender = await createPipelinedSender({ publicClient, chain, privateKey: accounts[role].privateKey });
      senders.set(role, sender);
    }
    return sender;
  };
  const deployer = await senderFor('deployer');

  // Contracts (addresses are known before mining: deployer + nonce).
  const usdc = await deployer.deploy('USDC', { abi: devTokenAbi, bytecode: devTokenBytecode, args: ['USD Coin (devnet)', 'USDC', 6] });
  const weth = await deployer.deploy('WETH9', { abi: weth9Abi, bytecode: weth9Bytecode });
  const factory = await deployer.deploy('UniswapV3Factory', { abi: uniswapV3FactoryAbi, bytecode: uniswapV3FactoryBytecode });
  const swapRouter = await deployer.deploy('SwapRouter', {
    abi: swapRouterAbi,
    bytecode: swapRouterBytecode,
    args: [factory.address, weth.address],
  });
  const nftDescriptor = await deployer.deploy('NFTDescriptor', { abi: nftDescriptorAbi, bytecode: nftDescriptorBytecode });
  const positionDescriptor = await deployer.deploy('NonfungibleTokenPositionDescriptor', {
    abi: nonfungibleTokenPositionDescriptorAbi,
    bytecode: linkBytecode(nonfungibleTokenPositionDescriptorBytecode, nonfungibleTokenPositionDescriptorLinkReferences, {
      NFTDescriptor: nftDescriptor.address,
    }),
    args: [weth.address, stringToHex('ETH', { size: 32 })],
  });
  const positionManager = await deployer.deploy('NonfungiblePositionManager', {
    abi: nonfungiblePositionManagerAbi,
    bytecode: nonfungiblePositionManagerBytecode,
    args: [factory.address, weth.address, positionDescriptor.address],
  });
  const quoterV2 = await deployer.deploy('QuoterV2', { abi: quoterV2Abi, bytecode: quoterV2Bytecode, args: [factory.address, weth.address] });
  const ethUsd = await deployer.deploy('ETH/USD aggregator', {
    abi: devAggregatorAbi,
    bytecode: devAggregatorBytecode,
    args: [devnetFeedDecimals, 'ETH / USD'],
  });
  const usdcUsd = await deployer.deploy('USDC/USD aggregator', {
    abi: devAggregatorAbi,
    bytecode: devAggregatorBytecode,
    args: [devnetFeedDecimals, 'USDC / USD'],
  });

  // First oracle rounds.
  await deployer.write('ETH/USD first round', {
    address: ethUsd.address,
    abi: devAggregatorAbi,
    functionName: 'setRound',
    args: [firstRound.roundId, firstRound.answer, firstRound.startedAt, firstRound.updatedAt, firstRound.answeredInRound],
  });
  await deployer.write('USDC/USD first round', {
    address: usdcUsd.address,
    abi: devAggregatorAbi,
    functionName: 'setRound',
    args: [1n, 10n ** BigInt(devnetFeedDecimals), firstRound.updatedAt, firstRound.updatedAt, 1n],
  });

  // Pools at the first replayed price.
  const pair = {
    base: { address: weth.address, decimals: 18 },
    quote: { address: usdc.address, decimals: 6 },
    feedDecimals: devnetFeedDecimals,
  };
  const [token0, token1] = sortsBefore(usdc.address, weth.address) ? [usdc.address, weth.address] : [weth.address, usdc.address];
  const sqrtPriceX96 = oraclePriceToSqrtPriceX96(firstRound.answer, pair);
  for (const { fee } of devnetPoolFees) {
    await deployer.write(`create pool ${fee}`, {
      address: positionManager.address,
      abi: nonfungiblePositionManagerAbi,
      functionName: 'createAndInitializePoolIfNecessary',
      args: [token0, token1, fee, sqrtPriceX96],
      gas: 8_000_000n,
    });
  }

  // Liquidity, in several ranges per pool, minted by the deployer through the position manager.
  const currentTick = approximateTick(sqrtPriceX96);
  const usdToUsdc = (usd: bigint) => usd * 10n ** 6n;
  const usdToWeth = (usd: bigint) => (usd * 10n ** 18n * 10n ** BigInt(devnetFeedDecimals)) / firstRound.answer;
  const rangesByFee = devnetPoolFees.map((p) => ({ ...p, ranges: devnetLiquidityRanges(currentTick, p.tickSpacing, p.liquidityPercent) }));
  const totalUsd = rangesByFee.flatMap((p) => p.ranges).reduce((sum, r) => sum + r.usdPerSide, 0n);
  await deployer.write('mint USDC for liquidity', {
    address: usdc.address,
    abi: devTokenAbi,
    functionName: 'mint',
    args: [deployer.address, usdToUsdc(totalUsd)],
  });
  await deployer.write('wrap WETH for liquidity', {
    address: weth.address,
    abi: weth9Abi,
    functionName: 'deposit',
    args: [],
    value: usdToWeth(totalUsd) + 1n,
  });
  for (const token of [usdc.address, weth.address]) {
    await deployer.write(`approve position manager ${token}`, {
      address: token,
      abi: devTokenAbi,
      functionName: 'approve',
      args: [positionManager.address, maxUint256],
    });
  }
  for (const { fee, ranges } of rangesByFee) {
    for (const range of ranges) {
      const usdcAmount = usdToUsdc(range.usdPerSide);
      const wethAmount = usdToWeth(range.usdPerSide);
      const [amount0Desired, amount1Desired] = token0 === usdc.address ? [usdcAmount, wethAmount] : [wethAmount, usdcAmount];
      await deployer.write(`liquidity ${fee} [${range.tickLower}, ${range.tickUpper}]`, {
        address: positionManager.address,
        abi: nonfungiblePositionManagerAbi,
        functionName: 'mint',
        args: [
          {
            token0,
            token1,
            fee,
            tickLower: range.tickLower,
            tickUpper: range.tickUpper,
            amount0Desired,
            amount1Desired,
            amount0Min: 0n,
            amount1Min: 0n,
            recipient: deployer.address,
            deadline: maxUint256,
          },
        ],
        gas: 1_500_000n,
      });
    }
  }

  // Tokens for the trader (manual swaps) and the market driver (arbitrage and noise swaps).
  const holdings: { role: DevnetRole; usdc: bigint; weth: bigint }[] = [
    { role: 'trader', usdc: 1_000_000n * 10n ** 6n, weth: parseEther('500') },
    { role: 'market', usdc: 1_000_000_000n * 10n ** 6n, weth: parseEther('1000000') },
  ];
  for (const holding of holdings) {
    const sender = await senderFor(holding.role);
    await sender.write('mint USDC', { address: usdc.address, abi: devTokenAbi, functionName: 'mint', args: [sender.address, holding.usdc] });
    await sender.write('wrap WETH', { address: weth.address, abi: weth9Abi, functionName: 'deposit', args: [], value: holding.weth });
    for (const token of [usdc.address, weth.address]) {
      await sender.write(`approve router ${token}`, {
        address: token,
        abi: devTokenAbi,
        functionName: 'approve',
        args: [swapRouter.address, maxUint256],
      });
    }
  }

  for (const sender of senders.values()) await sender.settle();

  const pools = await Promise.all(
    rangesByFee.map(async ({ fee, tickSpacing, ranges }) => ({
      address: toAddress(
        await publicClient.readContract({
          address: factory.address,
          abi: uniswapV3FactoryAbi,
          functionName: 'getPool',
          args: [token0, token1, fee],
        }),
      ),
      token0,
      token1,
      fee,
      tickSpacing,
      initialSqrtPriceX96: sqrtPriceX96.toString(),
      positions: ranges.length,
    })),
  );

  const manifest: DevnetManifest = {
    version: 1,
    chainId,
    rpcUrl,
    startBlock,
    deployedAt: 0,
    accounts: accounts as Record<DevnetRole, DevAccount>,
    tokens: {
      USDC: { address: usdc.address, symbol: 'USDC', decimals: 6 },
      WETH: { address: weth.address, symbol: 'WETH', decimals: 18 },
    },
    uniswap: {
      factory: factory.address,
      swapRouter: swapRouter.address,
      positionManager: positionManager.address,
      positionDescriptor: positionDescriptor.address,
      nftDescriptorLibrary: nftDescriptor.address,
      quoterV2: quoterV2.address,
      weth9: weth.address,
    },
    pools,
    feeds: {
      'ETH/USD': { address: ethUsd.address, decimals: devnetFeedDecimals, description: 'ETH / USD' },
      'USDC/USD': { address: usdcUsd.address, decimals: devnetFeedDecimals, description: 'USDC / USD' },
    },
    replay: {
      source: parameters.replaySource,
      firstRoundId: firstRound.roundId.toString(),
      firstAnswer: firstRound.answer.toString(),
      firstUpdatedAt: Number(firstRound.updatedAt),
    },
    contracts: {},
    deployMs: 0,
  };

  for (const extension of parameters.extensions ?? []) {
    const deployed = await extension.deploy({ rpcUrl, chain, publicClient, manifest, config: parameters.config, senderFor });
    for (const sender of senders.values()) await sender.settle();
    Object.assign(manifest.contracts, deployed);
  }

  manifest.deployedAt = Number((await publicClient.getBlock()).timestamp);
  manifest.deployMs = clock.now() - started;
  return manifest;
}
