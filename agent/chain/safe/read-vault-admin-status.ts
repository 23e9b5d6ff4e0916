import type { PublicClient } from 'viem';
import { toAddress, type Address } from '../../model/address.js';
import type { VaultPolicy } from '../vault/vault-policy.js';
import { erc20Abi, mandateVaultAbi, safeL2Abi } from '../generated/index.js';
import { type PendingVaultChange, type VaultAllowance, readAllowance, readPendingChanges, readPolicy } from '../vault/read-vault.js';

/** The Safe behind an owner address, when the owner is one. */
export type SafeInfo = { address: Address; version: string; threshold: number; owners: Address[]; nonce: bigint };

/** A pending change with when it becomes valid, judged at the latest block's time. */
export type PendingChangeStatus = PendingVaultChange & {
  /** True when applyChange would pass the timelock now (block time ≥ eta). */
  validNow: boolean;
  /** Seconds until eta (0 when valid). */
  secondsToGo: bigint;
};

export type VaultTokenBalance = { token: Address; symbol: string; decimals: number; amount: bigint };

/** Everything `mandate vault status` shows. */
export type VaultAdminStatus = {
  vault: Address;
  chainId: number;
  blockNumber: bigint;
  blockTime: bigint;
  owner: Address;
  /** Set when the owner is a Safe (threshold, owners, nonce). */
  ownerSafe: SafeInfo | undefined;
  pendingOwner: Address;
  guardian: Address;
  /** The zero address when revoked. */
  agent: Address;
  paused: boolean;
  timelockDelay: bigint;
  policy: VaultPolicy;
  allowance: VaultAllowance;
  /** When the cooldown lets the next trade through (undefined before the first trade). */
  cooldownReadyAt: bigint | undefined;
  balances: VaultTokenBalance[];
  pendingChanges: PendingChangeStatus[];
};

/**
 * Reads a Safe's setup, or undefined when `address` is not a Safe (an account, another contract).
 *
 * @example
 * const safe = await readSafeInfo(publicClient, owner); // { threshold: 2, owners: [...], ... }
 */
export async function readSafeInfo(publicClient: PublicClient, address: Address): Promise<SafeInfo | undefined> {
  const code = await publicClient.getCode({ address });
  if (!code || code === '0x') return undefined;
  try {
    const [version, threshold, owners, nonce] = await Promise.all([
      publicClient.readContract({ address, abi: safeL2Abi, functionName: 'VERSION' }),
      publicClient.readContract({ address, abi: safeL2Abi, functionName: 'getThreshold' }),
      publicClient.readContract({ address, abi: safeL2Abi, functionName: 'getOwners' }),
      publicClient.readContract({ address, abi: safeL2Abi, functionName: 'nonce' }),
    ]);
    return { address, version, threshold: Number(threshold), owners: owners.map((owner) => toAddress(owner)), nonce };
  } catch {
    return undefined;
  }
}

/**
 * The vault's administration state at one block: roles (and the Safe behind the owner), pause, policy,
 * allowance, cooldown, balances of `tokens`, and pending changes with the time each becomes valid.
 *
 * @example
 * const status = await readVaultAdminStatus({ publicClient, vault, tokens: [manifest.tokens.USDC, manifest.tokens.WETH] });
 * status.pendingChanges.map((c) => [c.id, c.kind, c.eta, c.validNow]);
 */
export async function readVaultAdminStatus(parameters: {
  publicClient: PublicClient;
  vault: Address;
  tokens?: readonly { address: Address; symbol?: string | undefined; decimals?: number | undefined }[] | undefined;
}): Promise<VaultAdminStatus> {
  const { publicClient, vault } = parameters;
  const block = await publicClient.getBlock({ blockTag: 'latest' });
  const at = { publicClient, vault, blockNumber: block.number };
  const read = <T>(functionName: string) =>
    publicClient.readContract({ address: vault, abi: mandateVaultAbi, functionName, blockNumber: block.number } as never) as Promise<T>;
  const readAddress = async (functionName: string) => toAddress(await read<string>(functionName));
  const [chainId, owner, pendingOwner, guardian, agent, paused, timelockDelay, policy, allowance, changes] = await Promise.all([
    publicClient.getChainId(),
    readAddress('owner'),
    readAddress('pendingOwner'),
    readAddress('guardian'),
    readAddress('agent'),
    read<boolean>('paused'),
    read<bigint>('timelockDelay'),
    readPolicy(at),
    readAllowance(at),
    readPendingChanges(at),
  ]);
  const balances = await Promise.all(
    (parameters.tokens ?? []).map(async (token) => {
      const [amount, symbol, decimals] = await Promise.all([
        publicClient.readContract({ address: token.address, abi: erc20Abi, functionName: 'balanceOf', args: [vault], blockNumber: block.number }) as Promise<bigint>,
        token.symbol ?? (publicClient.readContract({ address: token.address, abi: erc20Abi, functionName: 'symbol' }) as Promise<string>).catch(() => token.address),
        token.decimals ?? (publicClient.readContract({ address: token.address, abi: erc20Abi, functionName: 'decimals' }) as Promise<number>).then(Number),
      ]);
      return { token: token.address, symbol, decimals, amount };
    }),
  );
  return {
    vault,
    chainId,
    blockNumber: block.number,
    blockTime: block.timestamp,
    owner,
    ownerSafe: await readSafeInfo(publicClient, owner),
    pendingOwner,
    guardian,
    agent,
    paused,
    timelockDelay: BigInt(timelockDelay),
    policy,
    allowance,
    cooldownReadyAt: allowance.lastTradeAt === 0n ? undefined : allowance.lastTradeAt + BigInt(policy.cooldown),
    balances,
    pendingChanges: changes.map((change) => ({
      ...change,
      validNow: block.timestamp >= change.eta,
      secondsToGo: change.eta > block.timestamp ? change.eta - block.timestamp : 0n,
    })),
  };
}
