import { type TransactionReceipt, encodeDeployData, zeroAddress } from 'viem';
import { toAddress, type Address, type Hex } from '../../model/address.js';
import type { VaultPolicy } from './vault-policy.js';
import { mandateVaultAbi, mandateVaultBytecode } from '../generated/MandateVault.js';
import { VaultCallError, toVaultError } from './vault-errors.js';
import type { VaultWriteClients } from './write-vault.js';

/** A token the vault allows from deploy, with its USD feed and the oldest feed answer it accepts (seconds). */
export type VaultTokenSetup = { token: Address; feed: Address; maxOracleAge: number };
/** A pool the vault allows from deploy (token order does not matter). */
export type VaultPoolSetup = { tokenA: Address; tokenB: Address; fee: number };

export type DeployVaultParameters = VaultWriteClients & {
  /** The Uniswap v3 SwapRouter every trade goes through (immutable). */
  router: Address;
  owner: Address;
  /** May only make things stricter. Default: none (the zero address). */
  guardian?: Address | undefined;
  /** The only account that may trade and commit decisions. Default: none (the zero address) until setAgent. */
  agent?: Address | undefined;
  /** Seconds a loosening change waits between queue and apply. */
  timelockDelay: bigint | number;
  policy: VaultPolicy;
  tokens: readonly VaultTokenSetup[];
  pools: readonly VaultPoolSetup[];
  /** L2s only: the Chainlink sequencer-uptime feed (immutable). Default none. */
  sequencerUptimeFeed?: Address | undefined;
  /** Seconds after the sequencer comes back before trading resumes (immutable). Default 0. */
  sequencerGracePeriod?: number | undefined;
};

export type DeployVaultReturnType = { address: Address; hash: Hex; receipt: TransactionReceipt };

/**
 * Deploys a fully configured MandateVault (its constructor takes everything: there is no setup window) from
 * the wallet's account. The deployment is simulated first, so a bad setup (a zero owner, a refill interval
 * of 0, a token with more than 36 decimals...) throws VaultRevertError with the reason and costs nothing.
 * Fund the vault afterwards with plain token transfers.
 *
 * @example
 * const { address } = await deployVault({
 *   publicClient, walletClient, router: manifest.uniswap.swapRouter,
 *   owner, guardian, agent, timelockDelay: 86_400,
 *   policy: { perTradeCapUsd: 5_000n * 10n ** 18n, allowanceCapUsd: 20_000n * 10n ** 18n, refillAmountUsd: 5_000n * 10n ** 18n,
 *             refillInterval: 3_600, maxSlippageBps: 100, cooldown: 300 },
 *   tokens: [{ token: usdc, feed: usdcUsd, maxOracleAge: 4_500 }, { token: weth, feed: ethUsd, maxOracleAge: 4_500 }],
 *   pools: [{ tokenA: usdc, tokenB: weth, fee: 500 }],
 * });
 */
export async function deployVault(parameters: DeployVaultParameters): Promise<DeployVaultReturnType> {
  const { publicClient, walletClient } = parameters;
  const args = [
    {
      router: parameters.router,
      owner: parameters.owner,
      guardian: parameters.guardian ?? zeroAddress,
      agent: parameters.agent ?? zeroAddress,
      timelockDelay: BigInt(parameters.timelockDelay),
      policy: parameters.policy,
      tokens: parameters.tokens.map((t) => ({ token: t.token, feed: t.feed, maxOracleAge: t.maxOracleAge })),
      pools: parameters.pools.map((p) => ({ tokenA: p.tokenA, tokenB: p.tokenB, fee: p.fee })),
      sequencerUptimeFeed: parameters.sequencerUptimeFeed ?? zeroAddress,
      sequencerGracePeriod: parameters.sequencerGracePeriod ?? 0,
    },
  ] as const;
  const data = encodeDeployData({ abi: mandateVaultAbi, bytecode: mandateVaultBytecode, args });
  try {
    await publicClient.call({ account: walletClient.account, data });
  } catch (error) {
    throw toVaultError(error, { functionName: 'constructor' });
  }
  let hash: Hex;
  try {
    hash = await walletClient.deployContract({ abi: mandateVaultAbi, bytecode: mandateVaultBytecode, args });
  } catch (error) {
    throw toVaultError(error, { functionName: 'constructor' });
  }
  const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  if (receipt.status !== 'success' || !receipt.contractAddress) {
    throw new VaultCallError('The MandateVault deployment reverted.', { details: `Transaction ${hash} in block ${receipt.blockNumber}.` });
  }
  return { address: toAddress(receipt.contractAddress), hash, receipt };
}
