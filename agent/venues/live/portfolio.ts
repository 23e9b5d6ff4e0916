import { formatUnits, type PublicClient } from 'viem';
import type { Executor } from '../../model/ports.js';
import type { Address } from '../../model/address.js';
import { aggregatorV3Abi } from '../../policy/read-policy-state.js';
import type { AgentTarget } from './agent-target.js';

/** The vault's holdings of the traded pair and their oracle value, for summaries (display numbers). */
export type Portfolio = {
  /** Base token held (e.g. WETH), in whole tokens. */
  base: number;
  /** Quote token held (e.g. USDC), in whole tokens. */
  quote: number;
  /** Oracle prices in USD per whole token (the quote is 1 without a quote feed). */
  basePrice: number;
  quotePrice: number;
  valueUsd: number;
};

/**
 * Reads the vault's balances and the feeds' latest answers, and values the holdings.
 *
 * @example
 * const { valueUsd } = await readPortfolio(client, executor, target, { base: target.baseFeed, quote: target.quoteFeed });
 */
export async function readPortfolio(
  client: PublicClient,
  executor: Pick<Executor, 'balances'>,
  target: Pick<AgentTarget, 'base' | 'quote'>,
  feeds: { base: Address; quote: Address | undefined },
): Promise<Portfolio> {
  const price = async (feed: Address | undefined): Promise<number> => {
    if (feed === undefined) return 1;
    const [decimals, round] = await Promise.all([
      client.readContract({ address: feed, abi: aggregatorV3Abi, functionName: 'decimals' }),
      client.readContract({ address: feed, abi: aggregatorV3Abi, functionName: 'latestRoundData' }),
    ]);
    return Number(formatUnits(round[1], decimals));
  };
  const [balances, basePrice, quotePrice] = await Promise.all([executor.balances(), price(feeds.base), price(feeds.quote)]);
  const amount = (token: { address: Address; decimals: number }) => Number(formatUnits(balances.get(token.address) ?? 0n, token.decimals));
  const base = amount(target.base);
  const quote = amount(target.quote);
  return { base, quote, basePrice, quotePrice, valueUsd: base * basePrice + quote * quotePrice };
}
