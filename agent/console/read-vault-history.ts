import { erc20Abi, formatUnits, type PublicClient } from 'viem';
import { readTokenConfig } from '../chain/vault/read-vault.js';
import type { Address } from '../model/address.js';
import { aggregatorV3Abi } from '../policy/read-policy-state.js';
import type { ConsoleToken, ConsoleVaultHistory } from './console-types.js';

export type ReadVaultHistoryParameters = {
  client: PublicClient;
  vault: Address;
  tokens: readonly ConsoleToken[];
  /**
   * The first sample, whose balances are the holding benchmark: the console passes the block before the
   * agent's first trade (what it started trading with), else the vault's deploy block.
   */
  fromBlock: bigint;
  /** Samples, evenly spaced from `fromBlock` to the latest block. Default 60. */
  points?: number | undefined;
};

/**
 * The vault's holdings and their oracle value over time: balances and each token's feed (the one the vault
 * prices it by) read at evenly spaced blocks, valued, and set against holding the first sample's balances.
 * Reading old blocks needs an RPC with archive state; samples it refuses are left out and `note` says so.
 *
 * @example
 * const { points, pnlVsHoldingUsd } = await readVaultHistory({ client, vault, tokens, fromBlock: 0n });
 */
export async function readVaultHistory(parameters: ReadVaultHistoryParameters): Promise<ConsoleVaultHistory> {
  const { client, vault, tokens } = parameters;
  const head = await client.getBlockNumber({ cacheTime: 0 });
  const feeds = await Promise.all(tokens.map((token) => readTokenConfig({ publicClient: client, vault }, token.address).then((c) => (c.allowed ? c.feed : undefined))));
  const feedDecimals = await Promise.all(feeds.map((feed) => (feed ? client.readContract({ address: feed, abi: aggregatorV3Abi, functionName: 'decimals' }) : undefined)));

  const count = BigInt(Math.max(2, parameters.points ?? 60));
  const from = parameters.fromBlock > head ? head : parameters.fromBlock;
  const span = head - from;
  const blocks = [...new Set(Array.from({ length: Number(count) }, (_, i) => from + (span * BigInt(i)) / (count - 1n)))];

  let refused = 0;
  const sampled = await Promise.all(
    blocks.map(async (blockNumber) => {
      try {
        const [block, balances, answers] = await Promise.all([
          client.getBlock({ blockNumber }),
          Promise.all(tokens.map((token) => client.readContract({ address: token.address, abi: erc20Abi, functionName: 'balanceOf', args: [vault], blockNumber }))),
          Promise.all(feeds.map((feed) => (feed ? client.readContract({ address: feed, abi: aggregatorV3Abi, functionName: 'latestRoundData', blockNumber }) : undefined))),
        ]);
        const point = { block: blockNumber.toString(), time: Number(block.timestamp), valueUsd: 0, holdingUsd: 0, balances: {} as Record<string, number>, prices: {} as Record<string, number> };
        tokens.forEach((token, i) => {
          point.balances[token.symbol] = Number(formatUnits(balances[i]!, token.decimals));
          const answer = answers[i];
          if (answer !== undefined && feedDecimals[i] !== undefined) point.prices[token.symbol] = Number(formatUnits(answer[1], feedDecimals[i]!));
        });
        return point;
      } catch {
        // Not archive state, or the contracts did not exist yet at this block: leave the sample out.
        refused += 1;
        return undefined;
      }
    }),
  );
  const value = (balances: Record<string, number>, prices: Record<string, number>) =>
    Object.entries(balances).reduce((sum, [symbol, amount]) => sum + amount * (prices[symbol] ?? 0), 0);
  // From the first funded sample: before its deposit a vault holds nothing, and holding nothing is no benchmark.
  const points = sampled.filter((point) => point !== undefined);
  for (const point of points) point.valueUsd = value(point.balances, point.prices);
  const funded = points.findIndex((point) => point.valueUsd > 0);
  points.splice(0, Math.max(0, funded));
  const first = points[0];
  for (const point of points) point.holdingUsd = value(first!.balances, point.prices);
  const last = points[points.length - 1];
  return {
    points,
    pnlVsHoldingUsd: last ? last.valueUsd - last.holdingUsd : null,
    note: refused > 0 ? `${refused} of ${blocks.length} samples could not be read (before the contracts existed, or the RPC keeps no old state).` : undefined,
  };
}

/**
 * Where the console's value history starts: the block before the first trade of the runs shown (the
 * balances the agent started trading with are the holding benchmark), else the vault's deploy block.
 *
 * @example
 * readVaultHistory({ client, vault, tokens, fromBlock: historyStart(records, chain) });
 */
export function historyStart(records: { firstTradeBlock(): bigint | undefined }, chain: { fromBlock: bigint }): bigint {
  const first = records.firstTradeBlock();
  return first !== undefined && first - 1n > chain.fromBlock ? first - 1n : chain.fromBlock;
}
