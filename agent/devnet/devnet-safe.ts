import { encodeFunctionData } from 'viem';
import { toAddress, type Address, type Hex } from '../model/address.js';
import { devAccountAt } from '../chain/dev-accounts.js';
import type { DevnetExtension } from './deploy-devnet.js';
import type { DevnetManifest } from './devnet-manifest.js';
import { TransactionFailedError } from '../chain/pipelined-sender.js';
import { mandateVaultAbi, safeL2Abi } from '../chain/generated/index.js';
import { deploySafe } from '../chain/safe/deploy-safe.js';
import { buildSafeTransaction, hashSafeTransaction, readSafeTransactionHash } from '../chain/safe/safe-transaction.js';
import { SafeHashMismatchError } from '../chain/safe/safe-errors.js';
import { packSafeSignatures, signSafeTransaction } from '../chain/safe/sign-safe-transaction.js';

/** The anvil accounts that own the devnet Safe (free indexes after the devnet roles). */
export const devnetSafeOwnerIndexes = [6, 7, 8] as const;
/** Signatures the devnet Safe needs. */
export const devnetSafeThreshold = 2;

/**
 * The devnet Safe's owners: anvil accounts 6, 7 and 8 (public keys: devnet only).
 *
 * @example
 * const [alice, bob] = devnetSafeOwners();
 * await writeVaultThroughSafe({ ..., ownerKeys: [alice.privateKey, bob.privateKey] }, 'unpause', []);
 */
export function devnetSafeOwners(): { index: number; address: Address; privateKey: Hex }[] {
  return devnetSafeOwnerIndexes.map((index) => ({ index, ...devAccountAt(index) }));
}

/**
 * The devnet Safe's address from a manifest, if the Safe step ran.
 *
 * @example
 * const safe = devnetSafeAddress(manifest); // manifest.contracts.Safe
 */
export function devnetSafeAddress(manifest: DevnetManifest): Address | undefined {
  return manifest.contracts.Safe;
}

/**
 * The devnet step after the vault's: deploys a real 2-of-3 Safe (owners: anvil accounts 6, 7, 8) and makes it
 * the vault's owner the way a DAO would take over: the devnet owner calls transferOwnership(safe), then the
 * Safe calls acceptOwnership in a transaction signed by two of its owners (executed by the deployer, who
 * pays the gas). The guardian and agent stay the devnet accounts. Lands in the manifest as `Safe`,
 * `SafeL2Singleton`, `SafeProxyFactory` and `SafeFallbackHandler`.
 *
 * @example
 * const manifest = await deployDevnet({ rpcUrl, firstRound, replaySource, extensions: [vaultDevnetExtension, safeDevnetExtension] });
 * await publicClient.readContract({ address: manifest.contracts.MandateVault, abi: mandateVaultAbi, functionName: 'owner' }); // manifest.contracts.Safe
 */
export const safeDevnetExtension: DevnetExtension = {
  name: 'safe',
  async deploy(ctx) {
    const { publicClient, manifest } = ctx;
    const vault = manifest.contracts.MandateVault;
    if (!vault) throw new TransactionFailedError('The Safe devnet step needs the vault: register it after the vault step.');
    const owners = devnetSafeOwners();
    const deployer = await ctx.senderFor('deployer');
    const deployed = await deploySafe({ publicClient, sender: deployer, owners: owners.map((o) => o.address), threshold: devnetSafeThreshold });

    const owner = await ctx.senderFor('owner');
    await owner.write('vault: transferOwnership to the Safe', { address: vault, abi: mandateVaultAbi, functionName: 'transferOwnership', args: [deployed.safe] });
    await owner.settle();

    const transaction = await buildSafeTransaction({
      publicClient,
      safe: deployed.safe,
      to: vault,
      data: encodeFunctionData({ abi: mandateVaultAbi, functionName: 'acceptOwnership' }),
    });
    const chainId = manifest.chainId;
    const local = hashSafeTransaction({ chainId, safe: deployed.safe, transaction });
    const onChain = await readSafeTransactionHash({ publicClient, safe: deployed.safe, transaction });
    if (local !== onChain) throw new SafeHashMismatchError(local, onChain);
    const signatures = await signSafeTransaction({
      chainId,
      safe: deployed.safe,
      transaction,
      privateKeys: owners.slice(0, devnetSafeThreshold).map((o) => o.privateKey),
    });
    const t = transaction;
    await deployer.write('Safe: vault.acceptOwnership', {
      address: deployed.safe,
      abi: safeL2Abi,
      functionName: 'execTransaction',
      args: [t.to, t.value, t.data, t.operation, t.safeTxGas, t.baseGas, t.gasPrice, t.gasToken, t.refundReceiver, packSafeSignatures(signatures)],
      gas: 500_000n,
    });
    await deployer.settle();
    const newOwner = toAddress(await publicClient.readContract({ address: vault, abi: mandateVaultAbi, functionName: 'owner' }));
    if (newOwner !== deployed.safe) {
      throw new TransactionFailedError('The Safe did not become the vault owner.', { details: `vault.owner() is ${newOwner}, the Safe is ${deployed.safe}.` });
    }
    return {
      Safe: deployed.safe,
      SafeL2Singleton: deployed.singleton,
      SafeProxyFactory: deployed.proxyFactory,
      SafeFallbackHandler: deployed.fallbackHandler,
    };
  },
};
