import { createPublicClient, http, type PublicClient } from 'viem';
import { readDevnetManifest } from '../../devnet/devnet-manifest.js';
import { ConfigError } from '../../config/config-error.js';
import type { ResolvedConfig } from '../../config/index.js';
import type { Address } from '../../model/address.js';

/** Where a journal's decisions are checked on-chain: a client, the vault and where its logs start. */
export type JournalChain = { client: PublicClient; vault: Address; fromBlock: bigint; network: string };

export type ResolveJournalChainOptions = {
  /** Use the devnet manifest (also when the config's preset is 'devnet'). */
  devnet?: boolean | undefined;
  manifest?: string | undefined;
  /** The RPC to read, over the manifest's, MANDATE_RPC_URL and chain.rpcUrl (`--rpc`). */
  rpcUrl?: string | undefined;
  /** Live: where to start scanning the vault's logs (its deploy block). Default 0. */
  fromBlock?: bigint | undefined;
};

/**
 * The chain `mandate decisions verify|prove` read: the devnet manifest's RPC and vault, or MANDATE_RPC_URL
 * (or chain.rpcUrl) and chain.vault for a real chain; `rpcUrl` (--rpc) outranks both. Read-only: no agent key is needed.
 *
 * @example
 * const { client, vault, fromBlock } = resolveJournalChain(config, { devnet: true });
 */
export function resolveJournalChain(config: ResolvedConfig, options: ResolveJournalChainOptions = {}): JournalChain {
  if (options.devnet === true || config.chain.preset === 'devnet') {
    const manifest = readDevnetManifest(options.manifest ?? config.chain.devnetManifest);
    const vault = manifest.contracts.MandateVault;
    if (vault === undefined) {
      throw new ConfigError([{ path: 'chain.devnetManifest', problem: 'lists no MandateVault', value: options.manifest ?? config.chain.devnetManifest, expected: 'a manifest written by `mandate devnet`' }]);
    }
    const client = createPublicClient({ transport: http(options.rpcUrl ?? manifest.rpcUrl, { batch: false }), pollingInterval: 100 }) as PublicClient;
    return { client, vault, fromBlock: BigInt(manifest.startBlock), network: 'devnet' };
  }
  const rpcUrl = options.rpcUrl ?? config.secrets.rpcUrl ?? config.chain.rpcUrl;
  if (rpcUrl === undefined) throw new ConfigError([{ path: 'chain.rpcUrl', problem: 'is needed to check decisions on-chain', value: undefined, expected: 'an RPC URL, or MANDATE_RPC_URL in the environment' }]);
  if (config.chain.vault === undefined) throw new ConfigError([{ path: 'chain.vault', problem: 'is needed to check decisions on-chain', value: undefined, expected: 'your MandateVault address' }]);
  const client = createPublicClient({ transport: http(rpcUrl) }) as PublicClient;
  return { client, vault: config.chain.vault, fromBlock: options.fromBlock ?? 0n, network: config.chain.preset };
}
