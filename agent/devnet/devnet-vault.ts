import { encodeDeployData, zeroAddress } from 'viem';
import { configSchema, vaultPolicyFromRisk, type MandateConfig } from '../config/index.js';
import type { Address } from '../model/address.js';
import type { VaultPolicy } from '../policy/policy-state.js';
import type { DevnetExtension } from './deploy-devnet.js';
import type { DevnetManifest } from './devnet-manifest.js';
import { devTokenAbi, mandateVaultAbi, mandateVaultBytecode, weth9Abi } from '../chain/generated/index.js';
import type { VaultPoolSetup, VaultTokenSetup } from '../chain/vault/deploy-vault.js';
import { toVaultError } from '../chain/vault/vault-errors.js';

/** Everything the devnet vault is deployed with (the constructor's VaultSetup, in TypeScript units). */
export type DevnetVaultSetup = {
  router: Address;
  owner: Address;
  guardian: Address;
  agent: Address;
  timelockDelay: bigint;
  policy: VaultPolicy;
  tokens: VaultTokenSetup[];
  pools: VaultPoolSetup[];
};

/**
 * The devnet vault's setup: the devnet's SwapRouter, the owner / guardian / agent accounts, the policy and
 * oracle age from the config's `risk` section (its defaults without a config: $5,000 per trade, a $20,000
 * allowance refilling $5,000 an hour, 1 % max slippage against the oracle, 5 minutes between trades, answers
 * up to 75 minutes old, which covers the replayed ETH/USD heartbeat of about an hour and the hourly USDC/USD
 * refresh, and a one-day timelock), USDC and WETH with their feeds, and both USDC/WETH pools (fee 500 and 3000).
 *
 * @example
 * const setup = devnetVaultSetup(manifest, config?.risk);
 * setup.policy.perTradeCapUsd; // 5000n * 10n ** 18n with the defaults
 */
export function devnetVaultSetup(manifest: DevnetManifest, risk?: MandateConfig['risk'] | undefined): DevnetVaultSetup {
  const fromRisk = vaultPolicyFromRisk(risk ?? configSchema.parse({}).risk);
  const { USDC, WETH } = manifest.tokens;
  return {
    router: manifest.uniswap.swapRouter,
    owner: manifest.accounts.owner.address,
    guardian: manifest.accounts.guardian.address,
    agent: manifest.accounts.agent.address,
    timelockDelay: BigInt(fromRisk.timelockDelay),
    policy: {
      perTradeCapUsd: fromRisk.perTradeCapUsd,
      allowanceCapUsd: fromRisk.allowanceCapUsd,
      refillAmountUsd: fromRisk.refillAmountUsd,
      refillInterval: fromRisk.refillInterval,
      maxSlippageBps: fromRisk.maxSlippageBps,
      cooldown: fromRisk.cooldown,
    },
    tokens: [
      { token: USDC.address, feed: manifest.feeds['USDC/USD'].address, maxOracleAge: fromRisk.maxOracleAge },
      { token: WETH.address, feed: manifest.feeds['ETH/USD'].address, maxOracleAge: fromRisk.maxOracleAge },
    ],
    pools: manifest.pools.map((pool) => ({ tokenA: pool.token0, tokenB: pool.token1, fee: pool.fee })),
  };
}

export type VaultDevnetExtensionOptions = {
  /** USD worth of each token the vault starts with (USDC, and WETH at the first replayed price). Default 50 000. */
  fundUsdPerToken?: bigint | undefined;
};

/**
 * The devnet step that deploys the MandateVault (see devnetVaultSetup) and funds it: the deployer mints USDC
 * to it and wraps ETH into WETH9 for it. The address lands in `manifest.contracts.MandateVault`.
 *
 * @example
 * const manifest = await deployDevnet({ rpcUrl, firstRound, replaySource, extensions: [createVaultDevnetExtension({ fundUsdPerToken: 10_000n })] });
 * manifest.contracts.MandateVault; // '0x...'
 */
export function createVaultDevnetExtension(options: VaultDevnetExtensionOptions = {}): DevnetExtension {
  const fundUsd = options.fundUsdPerToken ?? 50_000n;
  return {
    name: 'vault',
    async deploy(ctx) {
      const { manifest, publicClient } = ctx;
      const setup = devnetVaultSetup(manifest, ctx.config?.risk);
      const args = [{ ...setup, sequencerUptimeFeed: zeroAddress, sequencerGracePeriod: 0 }] as const;
      const deployer = await ctx.senderFor('deployer');
      // Simulated first: the pipelined sender does not estimate gas, so a bad policy would only show as a
      // reverted deployment; this names the reason (say, a zero refill interval in the config).
      try {
        await publicClient.call({ account: deployer.address, data: encodeDeployData({ abi: mandateVaultAbi, bytecode: mandateVaultBytecode, args }) });
      } catch (error) {
        throw toVaultError(error, { functionName: 'constructor' });
      }
      const vault = await deployer.deploy('MandateVault', { abi: mandateVaultAbi, bytecode: mandateVaultBytecode, args, gas: 8_000_000n });

      const { USDC, WETH } = manifest.tokens;
      const firstAnswer = BigInt(manifest.replay.firstAnswer);
      const feedDecimals = BigInt(manifest.feeds['ETH/USD'].decimals);
      const usdc = fundUsd * 10n ** BigInt(USDC.decimals);
      const weth = (fundUsd * 10n ** BigInt(WETH.decimals) * 10n ** feedDecimals) / firstAnswer;
      await deployer.write('fund vault: mint USDC', { address: USDC.address, abi: devTokenAbi, functionName: 'mint', args: [vault.address, usdc] });
      await deployer.write('fund vault: wrap ETH', { address: WETH.address, abi: weth9Abi, functionName: 'deposit', args: [], value: weth });
      await deployer.write('fund vault: send WETH', { address: WETH.address, abi: weth9Abi, functionName: 'transfer', args: [vault.address, weth] });
      await deployer.settle();
      return { MandateVault: vault.address };
    },
  };
}

/** The devnet vault step with its default funding ($50,000 of USDC and of WETH). */
export const vaultDevnetExtension: DevnetExtension = createVaultDevnetExtension();
