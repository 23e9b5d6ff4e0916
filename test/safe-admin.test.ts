/**
 * Vault administration through a real Safe on the real devnet: the default devnet steps deploy the vault,
 * then a 2-of-3 Safe from @safe-global/safe-smart-account's npm artifacts that takes the vault's ownership
 * (transferOwnership by the devnet owner, acceptOwnership executed by the Safe). Loosening goes through the
 * Safe and its timelock; the guardian's immediate powers stay with the guardian key; a Safe transaction
 * short of the threshold is refused by the Safe itself.
 *
 * Each test starts from the same chain state (an anvil snapshot taken after the deploy).
 */
import { type Account, type Chain, type PublicClient, type Transport, type WalletClient, createWalletClient, encodeFunctionData, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AnvilInstance, startAnvil } from '../agent/chain/anvil.js';
import { deployDevnet } from '../agent/devnet/deploy-devnet.js';
import { createDevnetClients } from '../agent/devnet/devnet-clients.js';
import { defaultDevnetExtensions } from '../agent/devnet/devnet-extensions.js';
import type { DevnetManifest } from '../agent/devnet/devnet-manifest.js';
import { defaultReplayCsvPath, loadReplayRounds } from '../agent/devnet/replay-rounds.js';
import { mandateVaultAbi, safeL2Abi } from '../agent/chain/generated/index.js';
import { SafeTransactionError, adminWriteVault, buildSafeTransaction, executeSafeTransaction, hashSafeTransaction, readSafeTransactionHash, signSafeTransaction, type VaultAdmin } from '../agent/chain/safe/index.js';
import { devnetSafeOwners } from '../agent/devnet/devnet-safe.js';
import { VaultRevertError, readPendingChanges, readPolicy } from '../agent/chain/vault/index.js';
import type { Address, Hex } from '../agent/model/address.js';

const USD = 10n ** 18n;

let anvil: AnvilInstance;
let manifest: DevnetManifest;
let publicClient: PublicClient;
let chain: Chain;
let vault: Address;
let safe: Address;
let snapshot: Hex;

const rpc = (method: string, params: unknown[] = []) => publicClient.request({ method: method as 'eth_chainId', params: params as never });
const wallet = (privateKey: Hex): WalletClient<Transport, Chain, Account> =>
  createWalletClient({ account: privateKeyToAccount(privateKey), chain, transport: http(anvil.rpcUrl) });
const owners = () => devnetSafeOwners();
/** The Safe, signed by owners `signers` (indexes into the three), executed by the first signer. */
const throughSafe = (signers: number[] = [0, 1]): VaultAdmin => ({
  kind: 'safe',
  safe,
  ownerKeys: signers.map((i) => owners()[i]!.privateKey),
  walletClient: wallet(owners()[signers[0] ?? 2]!.privateKey),
});
const guardian = (): VaultAdmin => ({ kind: 'key', walletClient: wallet(manifest.accounts.guardian.privateKey) });
const latestTime = async () => (await publicClient.getBlock({ blockTag: 'latest' })).timestamp;

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

beforeAll(async () => {
  const { rounds } = await loadReplayRounds(defaultReplayCsvPath);
  const firstRound = rounds[0]!;
  anvil = await startAnvil({ timestamp: firstRound.updatedAt - 60n });
  manifest = await deployDevnet({ rpcUrl: anvil.rpcUrl, firstRound, replaySource: defaultReplayCsvPath, extensions: defaultDevnetExtensions });
  ({ publicClient, chain } = createDevnetClients(anvil.rpcUrl, manifest.chainId));
  vault = manifest.contracts.MandateVault!;
  safe = manifest.contracts.Safe!;
  snapshot = (await rpc('evm_snapshot')) as Hex;
});

afterAll(async () => {
  await anvil?.stop();
});

beforeEach(async () => {
  await rpc('evm_revert', [snapshot]);
  snapshot = (await rpc('evm_snapshot')) as Hex;
});

describe('the devnet Safe', () => {
  it('is a 2-of-3 Safe of accounts 6, 7, 8 and owns the vault after a two-step transfer', async () => {
    const read = <T>(functionName: string) => publicClient.readContract({ address: safe, abi: safeL2Abi, functionName } as never) as Promise<T>;
    expect(await read<Address[]>('getOwners')).toEqual(owners().map((o) => o.address));
    expect(await read<bigint>('getThreshold')).toBe(2n);
    expect(await read<string>('VERSION')).toBe('1.5.0');
    expect(await read<bigint>('nonce')).toBe(1n); // acceptOwnership was its first transaction
    expect(await publicClient.readContract({ address: vault, abi: mandateVaultAbi, functionName: 'owner' })).toBe(safe);
    expect(await publicClient.readContract({ address: vault, abi: mandateVaultAbi, functionName: 'pendingOwner' })).toBe('0x0000000000000000000000000000000000000000');
    for (const name of ['SafeL2Singleton', 'SafeProxyFactory', 'SafeFallbackHandler']) expect(manifest.contracts[name]).toMatch(/^0x[0-9a-fA-F]{40}$/);
  });

  it('computes the Safe transaction hash exactly as the Safe does', async () => {
    const transaction = await buildSafeTransaction({ publicClient, safe, to: vault, data: encodeFunctionData({ abi: mandateVaultAbi, functionName: 'unpause' }), nonce: 7n });
    expect(hashSafeTransaction({ chainId: manifest.chainId, safe, transaction })).toBe(await readSafeTransactionHash({ publicClient, safe, transaction }));
  });

  it('refuses a transaction with only 1 of the 2 signatures, and one signed by a non-owner', async () => {
    const transaction = await buildSafeTransaction({ publicClient, safe, to: vault, data: encodeFunctionData({ abi: mandateVaultAbi, functionName: 'pause' }) });
    const one = await signSafeTransaction({ chainId: manifest.chainId, safe, transaction, privateKeys: [owners()[0]!.privateKey] });
    const executor = wallet(owners()[0]!.privateKey);
    const short = await failure(executeSafeTransaction({ publicClient, walletClient: executor, safe, transaction, signatures: one, functionName: 'pause' }));
    expect(short).toBeInstanceOf(SafeTransactionError);
    expect((short as SafeTransactionError).code).toBe('GS020');
    expect((short as SafeTransactionError).shortMessage).toMatch(/fewer signatures than the threshold/);

    const withOutsider = await signSafeTransaction({ chainId: manifest.chainId, safe, transaction, privateKeys: [owners()[0]!.privateKey, manifest.accounts.trader.privateKey] });
    const outsider = await failure(executeSafeTransaction({ publicClient, walletClient: executor, safe, transaction, signatures: withOutsider }));
    expect((outsider as SafeTransactionError).code).toBe('GS026');
    expect(await publicClient.readContract({ address: vault, abi: mandateVaultAbi, functionName: 'paused' })).toBe(false);
  });
});

describe('policy changes through the Safe', () => {
  it('queues a loosening, refuses to apply it before the timelock with the decoded error, applies it after', async () => {
    const policy = await readPolicy({ publicClient, vault });
    const looser = { ...policy, perTradeCapUsd: 10_000n * USD };
    const queued = await adminWriteVault({ publicClient, vault, admin: throughSafe([1, 2]) }, 'queuePolicy', [looser]);
    expect(queued.via).toBe('safe');
    expect(queued.signers?.sort()).toEqual([owners()[1]!.address, owners()[2]!.address].sort());
    const id = queued.result;
    const [pending] = await readPendingChanges({ publicClient, vault });
    expect(pending).toMatchObject({ id, kind: 'SetPolicy', policy: looser });
    expect(pending!.eta).toBe((await latestTime()) + 86_400n);

    // Simulated from the Safe before anyone signs: the vault's own error, decoded.
    const early = await failure(adminWriteVault({ publicClient, vault, admin: throughSafe() }, 'applyChange', [id]));
    expect(early).toBeInstanceOf(VaultRevertError);
    expect((early as VaultRevertError).errorName).toBe('ChangeNotReady');
    expect((early as VaultRevertError).shortMessage).toMatch(/^Change 1 is timelocked until .*Z/);

    // Signed and sent anyway: the Safe bubbles the vault's revert up, decoded the same way.
    const transaction = await buildSafeTransaction({ publicClient, safe, to: vault, data: encodeFunctionData({ abi: mandateVaultAbi, functionName: 'applyChange', args: [id] }) });
    const signatures = await signSafeTransaction({ chainId: manifest.chainId, safe, transaction, privateKeys: [owners()[0]!.privateKey, owners()[1]!.privateKey] });
    const sent = await failure(executeSafeTransaction({ publicClient, walletClient: wallet(owners()[0]!.privateKey), safe, transaction, signatures, functionName: 'applyChange' }));
    expect((sent as VaultRevertError).errorName).toBe('ChangeNotReady');

    await rpc('evm_setNextBlockTimestamp', [`0x${pending!.eta.toString(16)}`]);
    await rpc('evm_mine');
    const applied = await adminWriteVault({ publicClient, vault, admin: throughSafe([0, 2]) }, 'applyChange', [id]);
    expect(applied.receipt.status).toBe('success');
    expect(await readPolicy({ publicClient, vault })).toEqual(looser);
    expect(await readPendingChanges({ publicClient, vault })).toEqual([]);
  });

  it('cancels a pending change through the Safe', async () => {
    const { USDC, WETH } = manifest.tokens;
    const { result: id } = await adminWriteVault({ publicClient, vault, admin: throughSafe() }, 'queuePool', [USDC.address, WETH.address, 10_000]);
    expect((await readPendingChanges({ publicClient, vault })).map((c) => c.id)).toEqual([id]);
    await adminWriteVault({ publicClient, vault, admin: throughSafe() }, 'cancelChange', [id]);
    expect(await readPendingChanges({ publicClient, vault })).toEqual([]);
  });

  it('the old owner key and a single Safe owner can no longer administer the vault', async () => {
    const ownerKey: VaultAdmin = { kind: 'key', walletClient: wallet(manifest.accounts.owner.privateKey) };
    const direct = await failure(adminWriteVault({ publicClient, vault, admin: ownerKey }, 'unpause', []));
    expect((direct as VaultRevertError).errorName).toBe('NotOwner');
    const single: VaultAdmin = { kind: 'key', walletClient: wallet(owners()[0]!.privateKey) };
    expect(((await failure(adminWriteVault({ publicClient, vault, admin: single }, 'withdraw', [manifest.tokens.USDC.address, 1n]))) as VaultRevertError).errorName).toBe('NotOwner');
  });
});

describe('the guardian next to the Safe', () => {
  it('pauses and tightens at once but cannot loosen; the Safe unpauses', async () => {
    const policy = await readPolicy({ publicClient, vault });
    await adminWriteVault({ publicClient, vault, admin: guardian() }, 'pause', []);
    expect(await publicClient.readContract({ address: vault, abi: mandateVaultAbi, functionName: 'paused' })).toBe(true);

    const tighter = { ...policy, perTradeCapUsd: 1_000n * USD };
    await adminWriteVault({ publicClient, vault, admin: guardian() }, 'tightenPolicy', [tighter]);
    expect(await readPolicy({ publicClient, vault })).toEqual(tighter);

    const loosen = await failure(adminWriteVault({ publicClient, vault, admin: guardian() }, 'tightenPolicy', [policy]));
    expect([(loosen as VaultRevertError).errorName, (loosen as VaultRevertError).args]).toEqual(['NotTightening', ['perTradeCapUsd', 1_000n * USD, policy.perTradeCapUsd]]);
    expect(((await failure(adminWriteVault({ publicClient, vault, admin: guardian() }, 'queuePolicy', [policy]))) as VaultRevertError).errorName).toBe('NotOwner');
    expect(((await failure(adminWriteVault({ publicClient, vault, admin: guardian() }, 'unpause', []))) as VaultRevertError).errorName).toBe('NotOwner');

    await adminWriteVault({ publicClient, vault, admin: throughSafe() }, 'unpause', []);
    expect(await publicClient.readContract({ address: vault, abi: mandateVaultAbi, functionName: 'paused' })).toBe(false);
  });

  it('revokes the agent at once; the Safe sets it back', async () => {
    await adminWriteVault({ publicClient, vault, admin: guardian() }, 'revokeAgent', []);
    expect(await publicClient.readContract({ address: vault, abi: mandateVaultAbi, functionName: 'agent' })).toBe('0x0000000000000000000000000000000000000000');
    await adminWriteVault({ publicClient, vault, admin: throughSafe() }, 'setAgent', [manifest.accounts.agent.address]);
    expect(await publicClient.readContract({ address: vault, abi: mandateVaultAbi, functionName: 'agent' })).toBe(manifest.accounts.agent.address);
  });
});
