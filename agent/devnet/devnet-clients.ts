import { type Chain, type PublicClient, createPublicClient, defineChain, http } from 'viem';

/**
 * The viem chain and public client for a local devnet. The polling interval is short because anvil
 * mines on arrival: waiting seconds for a receipt would only slow the deploy and the market driver.
 *
 * @example
 * const { chain, publicClient } = createDevnetClients('http://127.0.0.1:8545', 31337);
 * await publicClient.getBlockNumber();
 */
export function createDevnetClients(rpcUrl: string, chainId: number): { chain: Chain; publicClient: PublicClient } {
  const chain = defineChain({
    id: chainId,
    name: 'Mandate devnet',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  const publicClient = createPublicClient({ chain, transport: http(rpcUrl, { batch: false }), pollingInterval: 50 }) as PublicClient;
  return { chain, publicClient };
}
