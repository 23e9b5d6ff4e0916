import { createPublicClient, erc20Abi, http, type PublicClient } from 'viem';
import { readDevnetManifest } from '../devnet/devnet-manifest.js';
import { getChainPreset } from '../chain/presets/chain-presets.js';
import { resolveLiveMarket } from '../venues/live/resolve-live-market.js';
import { getVaultEvents } from '../chain/vault/vault-events.js';
import { ConfigError } from '../config/config-error.js';
import type { ResolvedConfig } from '../config/index.js';
import type { Address } from '../model/address.js';
import type { ConsoleToken } from './console-types.js';
import type { ConsoleChain } from './create-console.js';

export type ResolveConsoleChainOptions = {
  /** The devnet manifest's chain and vault (also when the config's preset is 'devnet' and no --rpc is given). */
  devnet?: boolean | undefined;
  manifest?: string | undefined;
  /** --rpc: overrides MANDATE_RPC_URL and chain.rpcUrl. */
  rpcUrl?: string | undefined;
  /** --vault: overrides chain.vault. */
  vault?: Address | undefined;
  /** --from-block: the vault's deploy block (log scans start there). Default 0 off the devnet. */
  fromBlock?: bigint | undefined;
};

/**
 * The chain `mandate console` shows: the devnet from its manifest, or an RPC (--rpc, MANDATE_RPC_URL or
 * chain.rpcUrl) and a vault (--vault or chain.vault). The tokens and pools come from the manifest or the
 * chain preset; off-preset they are found in the vault's TokenConfigured and PoolAllowed events. Read-only:
 * no key is needed.
 *
 * @example
 * const chain = await resolveConsoleChain(config, { devnet: true });
 */
export async function resolveConsoleChain(config: ResolvedConfig, options: ResolveConsoleChainOptions = {}): Promise<ConsoleChain> {
  const rpcGiven = options.rpcUrl ?? config.secrets.rpcUrl ?? config.chain.rpcUrl;
  if (options.devnet === true || (config.chain.preset === 'devnet' && options.rpcUrl === undefined)) {
    const manifest = readDevnetManifest(options.manifest ?? config.chain.devnetManifest);
    const vault = options.vault ?? manifest.contracts.MandateVault;
    if (vault === undefined) {
      throw new ConfigError([{ path: 'chain.devnetManifest', problem: 'lists no MandateVault', value: options.manifest ?? config.chain.devnetManifest, expected: 'a manifest written by `mandate devnet`' }]);
    }
    const { USDC, WETH } = manifest.tokens;
    return {
      network: 'devnet',
      chainId: manifest.chainId,
      vault,
      fromBlock: options.fromBlock ?? BigInt(manifest.startBlock),
      client: createPublicClient({ transport: http(manifest.rpcUrl, { batch: false }), pollingInterval: 250 }) as PublicClient,
      rpcUrl: manifest.rpcUrl,
      tokens: [USDC, WETH].map(({ address, symbol, decimals }) => ({ address, symbol, decimals })),
      pools: manifest.pools.map((pool) => ({ tokenA: USDC.address, tokenB: WETH.address, fee: pool.fee })),
    };
  }
  if (rpcGiven === undefined) {
    throw new ConfigError([{ path: 'chain.rpcUrl', problem: 'is needed to show a vault', value: undefined, expected: 'an RPC URL (--rpc, MANDATE_RPC_URL or chain.rpcUrl), or --devnet' }]);
  }
  const vault = options.vault ?? config.chain.vault;
  if (vault === undefined) throw new ConfigError([{ path: 'chain.vault', problem: 'is needed to show a vault', value: undefined, expected: 'your MandateVault address (--vault or chain.vault)' }]);
  const client = createPublicClient({ transport: http(rpcGiven) }) as PublicClient;
  const chainId = await client.getChainId();
  const fromBlock = options.fromBlock ?? 0n;
  const preset = getChainPreset(config.chain.preset);
  if (preset && preset.chainId === chainId) {
    const market = resolveLiveMarket(config);
    const tokens = [market.quote, market.base].map((token) => ({ address: token.address, symbol: token.symbol ?? token.address, decimals: token.decimals }));
    return { network: config.chain.preset, chainId, vault, fromBlock, client, rpcUrl: rpcGiven, tokens, pools: market.pools.map((pool) => ({ tokenA: market.quote.address, tokenB: market.base.address, fee: pool.fee })) };
  }
  const found = await discoverVaultMarket(client, vault, fromBlock);
  return { network: preset ? `chain ${chainId}` : config.chain.preset, chainId, vault, fromBlock, client, rpcUrl: rpcGiven, ...found };
}

/** The tokens and pools a vault allowed, from its events (chunked: providers cap log ranges). */
async function discoverVaultMarket(client: PublicClient, vault: Address, fromBlock: bigint): Promise<Pick<ConsoleChain, 'tokens' | 'pools'>> {
  const head = await client.getBlockNumber();
  const tokenAddresses = new Set<Address>();
  const pools: { tokenA: Address; tokenB: Address; fee: number }[] = [];
  for (let from = fromBlock; from <= head; from += 10_000n) {
    const to = from + 9_999n < head ? from + 9_999n : head;
    for (const event of await getVaultEvents({ client, vault, eventNames: ['TokenConfigured', 'PoolAllowed'], fromBlock: from, toBlock: to })) {
      if (event.eventName === 'TokenConfigured') tokenAddresses.add(event.args.token);
      else pools.push({ tokenA: event.args.token0, tokenB: event.args.token1, fee: event.args.fee });
    }
  }
  const tokens: ConsoleToken[] = await Promise.all(
    [...tokenAddresses].map(async (address) => {
      const [symbol, decimals] = await Promise.all([
        client.readContract({ address, abi: erc20Abi, functionName: 'symbol' }).catch(() => address),
        client.readContract({ address, abi: erc20Abi, functionName: 'decimals' }),
      ]);
      return { address, symbol, decimals };
    }),
  );
  return { tokens, pools };
}
