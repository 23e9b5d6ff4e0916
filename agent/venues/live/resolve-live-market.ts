import { ConfigError } from '../../config/config-error.js';
import type { MandateConfig } from '../../config/config-schema.js';
import type { Address } from '../../model/address.js';
import type { ChainPreset, TokenPreset } from '../../chain/presets/chain-preset.js';
import { getChainPreset } from '../../chain/presets/chain-presets.js';
import { uniswapV3PoolAddress } from '../../chain/presets/pool-address.js';

/** The concrete addresses a live agent watches and trades, from the preset and `market` config. */
export type LiveMarket = {
  readonly preset: ChainPreset;
  readonly base: TokenPreset;
  readonly quote: TokenPreset;
  /** Chainlink feeds to watch, preset names resolved to addresses. */
  readonly feeds: ReadonlyArray<{ readonly name: string; readonly address: Address; readonly decimals: number }>;
  /** The base/quote pools to watch, by fee tier; computed from the factory unless configured. */
  readonly pools: ReadonlyArray<{ readonly fee: number; readonly address: Address }>;
  /** Check it before trusting a price on an L2; undefined on L1. */
  readonly sequencerUptimeFeed: Address | undefined;
};

/**
 * Resolves a validated config's market section against its chain preset: feed names to addresses, pool
 * fee tiers to pool addresses. Devnet configs have no preset (their addresses are in the devnet manifest).
 *
 * @example
 * const config = await loadConfig(undefined, { mode: 'live' });
 * const market = resolveLiveMarket(config);
 * market.pools[0]; // { fee: 500, address: '0x88e6…' } on Ethereum
 */
export function resolveLiveMarket(config: Pick<MandateConfig, 'chain' | 'market'>): LiveMarket {
  const preset = getChainPreset(config.chain.preset);
  if (!preset) {
    throw new ConfigError([
      {
        path: 'chain.preset',
        problem: 'has no preset addresses',
        value: config.chain.preset,
        expected: 'ethereum, base or arbitrum (devnet addresses come from the devnet manifest)',
      },
    ]);
  }
  const base = preset.tokens[config.market.base];
  const quote = preset.tokens[config.market.quote];
  const byName = { 'ETH/USD': preset.chainlink.ethUsd, 'USDC/USD': preset.chainlink.usdcUsd } as const;
  return {
    preset,
    base,
    quote,
    feeds: config.market.feeds.map((feed) => (typeof feed === 'string' ? { name: feed, ...byName[feed] } : feed)),
    pools: config.market.pools.map((pool) => ({
      fee: pool.fee,
      address: pool.address ?? uniswapV3PoolAddress(preset.uniswapV3, base.address, quote.address, pool.fee),
    })),
    sequencerUptimeFeed: preset.chainlink.sequencerUptime,
  };
}
