import { createRequire } from 'node:module';
import { createPublicClient, createTestClient, createWalletClient, http, type Hex, type PublicClient, type TransactionReceipt } from 'viem';
import { nonceManager, privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { startAnvil, type AnvilInstance } from '../../agent/chain/anvil.js';
import {
  devAggregatorAbi,
  devAggregatorBytecode,
  devTokenAbi,
  devTokenBytecode,
  nonfungiblePositionManagerAbi,
  nonfungiblePositionManagerBytecode,
  swapRouterAbi,
  swapRouterBytecode,
  uniswapV3FactoryAbi,
  uniswapV3FactoryBytecode,
  uniswapV3PoolAbi,
} from '../../agent/chain/generated/index.js';
import { sortsBefore, toAddress, type Address } from '../../agent/model/address.js';

// anvil's first default account: a well-known dev key that only ever holds devnet ether.
const devKey: Hex = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const maxUint = 2n ** 256n - 1n;
// Fixed gas skips estimation, which fails for transactions queued behind others with automine off.
const gas = 12_000_000n;

export type MarketFixtureParameters = {
  /** anvil --state file: lets `restart()` bring the chain back as it was. */
  statePath?: string | undefined;
};

/**
 * A real anvil with the contracts the market sources read: a Chainlink-style DevAggregator and a real
 * Uniswap v3 pool (factory, position manager and router from the npm artifacts) with liquidity, plus
 * helpers to set rounds, swap, mine and restart the node. For the market source tests.
 *
 * @example
 * const fixture = await startMarketFixture({ statePath: join(tmp, 'state.json') });
 * await fixture.setRound(1n, 2000_00000000n);
 * await fixture.stop();
 */
export async function startMarketFixture(parameters: MarketFixtureParameters = {}) {
  let anvil: AnvilInstance = await startAnvil({ statePath: parameters.statePath });
  const transport = http(anvil.rpcUrl, { retryCount: 0 });
  const client = createPublicClient({ chain: foundry, transport, pollingInterval: 50 }) as PublicClient;
  const account = privateKeyToAccount(devKey, { nonceManager });
  const wallet = createWalletClient({ account, chain: foundry, transport });
  const testClient = createTestClient({ mode: 'anvil', chain: foundry, transport });

  const confirm = async (hash: Hex): Promise<TransactionReceipt> => {
    const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    if (receipt.status !== 'success') throw new Error(`Fixture transaction ${hash} reverted (block ${receipt.blockNumber}).`);
    return receipt;
  };
  const deploy = async (abi: readonly unknown[], bytecode: Hex, args: readonly unknown[]): Promise<Address> => {
    const receipt = await confirm(await wallet.deployContract({ abi, bytecode, args } as never));
    return toAddress(receipt.contractAddress!);
  };
  const write = (address: Address, abi: readonly unknown[], functionName: string, args: readonly unknown[]) =>
    wallet.writeContract({ address, abi, functionName, args, gas } as never);

  const aggregator = await deploy(devAggregatorAbi, devAggregatorBytecode, [8, 'ETH / USD']);
  const tokenA = await deploy(devTokenAbi, devTokenBytecode, ['Token A', 'A', 18]);
  const tokenB = await deploy(devTokenAbi, devTokenBytecode, ['Token B', 'B', 18]);
  const [token0, token1] = sortsBefore(tokenA, tokenB) ? [tokenA, tokenB] : [tokenB, tokenA];
  const factory = await deploy(uniswapV3FactoryAbi, uniswapV3FactoryBytecode, []);
  // The descriptor only renders token URIs, and WETH only matters for ether swaps: neither is used here.
  const positionManager = await deploy(nonfungiblePositionManagerAbi, nonfungiblePositionManagerBytecode, [factory, token1, token1]);
  const router = await deploy(swapRouterAbi, swapRouterBytecode, [factory, token1]);
  await confirm(await write(factory, uniswapV3FactoryAbi, 'createPool', [token0, token1, 500]));
  const pool = toAddress(await client.readContract({ address: factory, abi: uniswapV3FactoryAbi, functionName: 'getPool', args: [token0, token1, 500] }));
  await confirm(await write(pool, uniswapV3PoolAbi, 'initialize', [2n ** 96n]));
  for (const token of [token0, token1]) {
    await confirm(await write(token, devTokenAbi, 'mint', [account.address, 10n ** 30n]));
    await confirm(await write(token, devTokenAbi, 'approve', [positionManager, maxUint]));
    await confirm(await write(token, devTokenAbi, 'approve', [router, maxUint]));
  }
  await confirm(
    await write(positionManager, nonfungiblePositionManagerAbi, 'mint', [
      {
        token0, token1, fee: 500, tickLower: -887_270, tickUpper: 887_270,
        amount0Desired: 10n ** 24n, amount1Desired: 10n ** 24n, amount0Min: 0n, amount1Min: 0n,
        recipient: account.address, deadline: 2n ** 40n,
      },
    ]),
  );

  const latestTime = async () => (await client.getBlock({ blockTag: 'latest' })).timestamp;

  const fixture = {
    client,
    aggregator,
    pool,
    token0,
    token1,
    get rpcUrl() {
      return anvil.rpcUrl;
    },
    /** Sets a round on the aggregator (updatedAt defaults to the latest block's time); returns the tx hash. */
    async sendRound(roundId: bigint, answer: bigint, updatedAt?: bigint, on: Address = aggregator): Promise<Hex> {
      const time = updatedAt ?? (await latestTime());
      return write(on, devAggregatorAbi, 'setRound', [roundId, answer, time, time, roundId]);
    },
    /** Deploys another DevAggregator (8 decimals). */
    deployAggregator: () => deploy(devAggregatorAbi, devAggregatorBytecode, [8, 'ETH / USD']),
    /**
     * Deploys a proxy in front of `aggregatorAddress` that behaves like Chainlink's EACAggregatorProxy for
     * reads: round ids carry the phase id in their top bits, while the aggregator's own logs do not.
     */
    async deployFeedProxy(aggregatorAddress: Address, phaseId: number): Promise<Address> {
      const { abi, bytecode } = compileFeedProxy();
      return deploy(abi, bytecode, [aggregatorAddress, phaseId]);
    },
    /** Points a feed proxy at another aggregator under a new phase id; returns the tx hash. */
    sendPhaseChange(proxy: Address, aggregatorAddress: Address, phaseId: number): Promise<Hex> {
      return write(proxy, compileFeedProxy().abi, 'setPhase', [aggregatorAddress, phaseId]);
    },
    /** Swaps `amountIn` of token0 for token1 (or the reverse); returns the tx hash. */
    sendSwap(zeroForOne: boolean, amountIn: bigint): Promise<Hex> {
      const [tokenIn, tokenOut] = zeroForOne ? [token0, token1] : [token1, token0];
      return write(router, swapRouterAbi, 'exactInputSingle', [
        { tokenIn, tokenOut, fee: 500, recipient: account.address, deadline: 2n ** 40n, amountIn, amountOutMinimum: 0n, sqrtPriceLimitX96: 0n },
      ]);
    },
    /** Adds a liquidity position over [tickLower, tickUpper) through the position manager; returns the tx hash. */
    sendMint(tickLower: number, tickUpper: number): Promise<Hex> {
      return write(positionManager, nonfungiblePositionManagerAbi, 'mint', [
        {
          token0, token1, fee: 500, tickLower, tickUpper, amount0Desired: 10n ** 21n, amount1Desired: 10n ** 21n,
          amount0Min: 0n, amount1Min: 0n, recipient: account.address, deadline: 2n ** 40n,
        },
      ]);
    },
    confirm,
    /** Sends several transactions into ONE block (automine off while they are sent) and returns their receipts. */
    async inOneBlock(send: () => Promise<Hex[]>): Promise<TransactionReceipt[]> {
      await testClient.setAutomine(false);
      try {
        const hashes = await send();
        await testClient.mine({ blocks: 1 });
        return await Promise.all(hashes.map(confirm));
      } finally {
        await testClient.setAutomine(true);
      }
    },
    /** Mines empty blocks. */
    mine: (blocks: number) => testClient.mine({ blocks }),
    head: () => client.getBlockNumber({ cacheTime: 0 }),
    /** Stops anvil (it dumps its state to statePath), so RPC requests fail until `start()`. */
    async stopNode(): Promise<void> {
      await anvil.stop();
    },
    /** Starts anvil again on the same port from its dumped state. */
    async startNode(): Promise<void> {
      anvil = await startAnvil({ port: anvil.port, statePath: parameters.statePath });
    },
    async stop(): Promise<void> {
      await anvil.stop();
    },
  };
  return fixture;
}
export type MarketFixture = Awaited<ReturnType<typeof startMarketFixture>>;

const feedProxySource = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface IAggregator {
    function decimals() external view returns (uint8);
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80);
    function getRoundData(uint80 roundId) external view returns (uint80, int256, uint256, uint256, uint80);
}

/// Reads like Chainlink's EACAggregatorProxy: one phase, its id in the top bits of every round id.
contract FeedProxy {
    address public aggregator;
    uint16 public phaseId;

    constructor(address aggregator_, uint16 phaseId_) {
        aggregator = aggregator_;
        phaseId = phaseId_;
    }

    /// Moves to a new aggregator, as Chainlink does when it upgrades a feed (a new phase).
    function setPhase(address aggregator_, uint16 phaseId_) external {
        aggregator = aggregator_;
        phaseId = phaseId_;
    }

    function decimals() external view returns (uint8) {
        return IAggregator(aggregator).decimals();
    }

    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound) =
            IAggregator(aggregator).latestRoundData();
        return (withPhase(roundId), answer, startedAt, updatedAt, withPhase(answeredInRound));
    }

    function getRoundData(uint80 roundId) external view returns (uint80, int256, uint256, uint256, uint80) {
        (, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound) =
            IAggregator(aggregator).getRoundData(uint80(uint64(roundId)));
        return (roundId, answer, startedAt, updatedAt, withPhase(answeredInRound));
    }

    function withPhase(uint80 id) private view returns (uint80) {
        return uint80((uint256(phaseId) << 64) | uint256(id));
    }
}
`;

let feedProxyArtifact: { abi: readonly unknown[]; bytecode: Hex } | undefined;

/** Compiles the feed proxy with solc-js (once per process). */
function compileFeedProxy(): { abi: readonly unknown[]; bytecode: Hex } {
  if (feedProxyArtifact) return feedProxyArtifact;
  const solc = createRequire(import.meta.url)('solc') as { compile(input: string): string };
  const output = JSON.parse(
    solc.compile(
      JSON.stringify({
        language: 'Solidity',
        sources: { 'FeedProxy.sol': { content: feedProxySource } },
        settings: { optimizer: { enabled: true, runs: 200 }, outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
      }),
    ),
  ) as { errors?: { severity: string; formattedMessage: string }[]; contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>> };
  const errors = (output.errors ?? []).filter((error) => error.severity === 'error');
  if (errors.length > 0) throw new Error(`FeedProxy does not compile:\n${errors.map((error) => error.formattedMessage).join('\n')}`);
  const contract = output.contracts['FeedProxy.sol']!.FeedProxy!;
  feedProxyArtifact = { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` };
  return feedProxyArtifact;
}
