import { defineChain, type Chain } from 'viem';
import { getChainPreset } from '../../chain/presets/chain-presets.js';
import { resolveLiveMarket } from './resolve-live-market.js';
import type { DevnetManifest } from '../../devnet/devnet-manifest.js';
import { ConfigError } from '../../config/config-error.js';
import type { ResolvedConfig } from '../../config/index.js';
import { MandateError } from '../../model/base-error.js';
import type { Address, Hex } from '../../model/address.js';

/** A token the agent trades, with what formatting and sizing need. */
export type TargetToken = { address: Address; decimals: number; symbol: string };

/**
 * Everything chain-specific an agent needs, whether it came from the devnet manifest or from a chain
 * preset + the config + the environment. The rest of the agent never asks where it came from.
 */
export type AgentTarget = {
  /** 'devnet' or the preset name. */
  network: string;
  chain: Chain;
  rpcUrl: string;
  vault: Address;
  /** Where vault log scans start (its deploy block, or 0 when unknown). */
  vaultFromBlock: bigint;
  agentKey: Hex;
  base: TargetToken;
  quote: TargetToken;
  /** The feed pricing the base token (ETH/USD) and, when configured, the quote token (USDC/USD). */
  baseFeed: Address;
  quoteFeed: Address | undefined;
  /** Every feed the market stream watches. */
  feeds: readonly Address[];
  pools: readonly { fee: number; address: Address }[];
};

/** The devnet has no vault: it was deployed without the vault extension. */
export class NoVaultError extends MandateError {
  override name = 'NoVaultError';
}

/**
 * The target of `mandate run --devnet` and `mandate demo`: addresses from the devnet manifest, the agent
 * key from its dev accounts (public anvil keys, fine on a local chain only).
 *
 * @example
 * const target = devnetAgentTarget(readDevnetManifest(config.chain.devnetManifest), config);
 */
export function devnetAgentTarget(manifest: DevnetManifest, config: Pick<ResolvedConfig, 'market'>): AgentTarget {
  const vault = manifest.contracts.MandateVault;
  if (vault === undefined) {
    throw new NoVaultError('The devnet has no MandateVault.', {
      details: `Its manifest lists contracts: ${Object.keys(manifest.contracts).join(', ') || 'none'}. Start it with \`mandate devnet\`, which deploys the vault.`,
    });
  }
  const feedByName = { 'ETH/USD': manifest.feeds['ETH/USD'], 'USDC/USD': manifest.feeds['USDC/USD'] } as const;
  const feeds = config.market.feeds.map((feed) => (typeof feed === 'string' ? feedByName[feed].address : feed.address));
  const pools = config.market.pools.map((pool) => {
    const found = manifest.pools.find((p) => p.fee === pool.fee);
    if (!found) throw new ConfigError([{ path: 'market.pools', problem: 'names a fee tier the devnet has no pool for', value: pool.fee, expected: manifest.pools.map((p) => p.fee).join(' or ') }]);
    return { fee: pool.fee, address: pool.address ?? found.address };
  });
  return {
    network: 'devnet',
    chain: defineChain({
      id: manifest.chainId,
      name: 'Mandate devnet',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [manifest.rpcUrl] } },
    }),
    rpcUrl: manifest.rpcUrl,
    vault,
    vaultFromBlock: BigInt(manifest.startBlock),
    agentKey: manifest.accounts.agent.privateKey,
    base: manifest.tokens.WETH,
    quote: manifest.tokens.USDC,
    baseFeed: manifest.feeds['ETH/USD'].address,
    quoteFeed: feeds.includes(manifest.feeds['USDC/USD'].address) ? manifest.feeds['USDC/USD'].address : undefined,
    feeds,
    pools,
  };
}

/**
 * The target of `mandate run` on a real chain: the preset's official Uniswap v3 and Chainlink addresses,
 * `chain.vault`, the RPC URL (MANDATE_RPC_URL or chain.rpcUrl) and MANDATE_AGENT_KEY. loadConfig's 'live'
 * mode already insists on all of them; this only resolves them.
 *
 * @example
 * const target = liveAgentTarget(await loadConfig(undefined, { mode: 'live' }));
 */
export function liveAgentTarget(config: ResolvedConfig): AgentTarget {
  const market = resolveLiveMarket(config);
  const preset = getChainPreset(config.chain.preset)!;
  const rpcUrl = config.secrets.rpcUrl ?? config.chain.rpcUrl;
  const missing = (path: string, expected: string) => new ConfigError([{ path, problem: 'is required for a live run', value: undefined, expected }]);
  if (rpcUrl === undefined) throw missing('chain.rpcUrl', 'an RPC URL, or MANDATE_RPC_URL in the environment');
  if (config.chain.vault === undefined) throw missing('chain.vault', 'the address of your MandateVault');
  if (config.secrets.agentKey === undefined) throw missing('MANDATE_AGENT_KEY', 'the agent account\'s private key in the environment');
  const ethUsd = market.feeds.find((feed) => feed.name === 'ETH/USD') ?? market.feeds[0]!;
  const usdcUsd = market.feeds.find((feed) => feed.name === 'USDC/USD');
  return {
    network: config.chain.preset,
    chain: defineChain({
      id: preset.chainId,
      name: preset.name,
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [rpcUrl] } },
    }),
    rpcUrl,
    vault: config.chain.vault,
    vaultFromBlock: 0n,
    agentKey: config.secrets.agentKey,
    base: { address: market.base.address, decimals: market.base.decimals, symbol: market.base.symbol ?? config.market.base },
    quote: { address: market.quote.address, decimals: market.quote.decimals, symbol: market.quote.symbol ?? config.market.quote },
    baseFeed: ethUsd.address,
    quoteFeed: usdcUsd?.address,
    feeds: market.feeds.map((feed) => feed.address),
    pools: market.pools,
  };
}
