import { type PublicClient, decodeAbiParameters } from 'viem';
import { toAddress, type Address, type Hex } from '../../model/address.js';
import type { VaultPolicy } from './vault-policy.js';
import { mandateVaultAbi } from '../generated/MandateVault.js';

/** Where to read: the vault and, optionally, a block (default latest). */
export type ReadVaultParameters = { publicClient: PublicClient; vault: Address; blockNumber?: bigint | undefined };

const readVault = <T>(parameters: ReadVaultParameters, functionName: string, args: readonly unknown[] = []): Promise<T> =>
  parameters.publicClient.readContract({
    address: parameters.vault,
    abi: mandateVaultAbi,
    functionName,
    args,
    blockNumber: parameters.blockNumber,
  } as never) as Promise<T>;

/**
 * The vault's current policy (IMandateVault.Policy: USD with 18 decimals, seconds).
 *
 * @example
 * const policy = await readPolicy({ publicClient, vault });
 * formatUsd18(policy.perTradeCapUsd); // '$5,000.00'
 */
export async function readPolicy(parameters: ReadVaultParameters): Promise<VaultPolicy> {
  const p = await readVault<VaultPolicy>(parameters, 'policy');
  return {
    perTradeCapUsd: p.perTradeCapUsd,
    allowanceCapUsd: p.allowanceCapUsd,
    refillAmountUsd: p.refillAmountUsd,
    refillInterval: p.refillInterval,
    maxSlippageBps: p.maxSlippageBps,
    cooldown: p.cooldown,
  };
}

export type VaultAllowance = {
  /** What a trade may spend now (the step refill applied up to the block time). */
  accruedUsd: bigint;
  /** The stored allowance and its refill anchor, settled at the last trade or policy change. */
  storedUsd: bigint;
  updatedAt: bigint;
  /** The last trade's time, 0 before the first: the cooldown runs from it. */
  lastTradeAt: bigint;
};

/**
 * The vault's allowance as of the block: accrued (spendable now), stored, its anchor, and the last trade time.
 *
 * @example
 * const { accruedUsd } = await readAllowance({ publicClient, vault });
 */
export async function readAllowance(parameters: ReadVaultParameters): Promise<VaultAllowance> {
  const [accrued, [stored, updatedAt], lastTradeAt] = await Promise.all([
    readVault<bigint>(parameters, 'accruedAllowance'),
    readVault<readonly [bigint, number]>(parameters, 'allowanceState'),
    readVault<number>(parameters, 'lastTradeAt'),
  ]);
  return { accruedUsd: accrued, storedUsd: stored, updatedAt: BigInt(updatedAt), lastTradeAt: BigInt(lastTradeAt) };
}

/** A token's configuration in the vault; `allowed` is false for a token never configured or removed. */
export type VaultTokenConfig = { feed: Address; maxOracleAge: number; decimals: number; allowed: boolean };

/**
 * How the vault prices a token, and whether it is allowed.
 *
 * @example
 * const { allowed, feed, maxOracleAge } = await readTokenConfig({ publicClient, vault }, weth);
 */
export async function readTokenConfig(parameters: ReadVaultParameters, token: Address): Promise<VaultTokenConfig> {
  const c = await readVault<VaultTokenConfig>(parameters, 'tokenConfig', [token]);
  return { feed: toAddress(c.feed), maxOracleAge: c.maxOracleAge, decimals: c.decimals, allowed: c.allowed };
}

/** A queued loosening change, decoded by kind (IMandateVault.ChangeKind and its data encoding). */
export type PendingVaultChange = { id: bigint; eta: bigint; data: Hex } & (
  | { kind: 'SetPolicy'; policy: VaultPolicy }
  | { kind: 'SetToken'; token: Address; feed: Address; maxOracleAge: number }
  | { kind: 'AllowPool'; tokenA: Address; tokenB: Address; fee: number }
  | { kind: 'SetTimelockDelay'; delay: bigint }
);

const policyTuple = {
  type: 'tuple',
  components: [
    { name: 'perTradeCapUsd', type: 'uint96' },
    { name: 'allowanceCapUsd', type: 'uint96' },
    { name: 'refillAmountUsd', type: 'uint96' },
    { name: 'refillInterval', type: 'uint32' },
    { name: 'maxSlippageBps', type: 'uint16' },
    { name: 'cooldown', type: 'uint32' },
  ],
} as const;

/**
 * Decodes a change's `data` by its kind (0 SetPolicy, 1 SetToken, 2 AllowPool, 3 SetTimelockDelay).
 *
 * @example
 * decodeVaultChange(1n, 0, data, eta); // { kind: 'SetPolicy', policy, ... }
 */
export function decodeVaultChange(id: bigint, kind: number, data: Hex, eta: bigint): PendingVaultChange {
  const base = { id, eta, data };
  switch (kind) {
    case 0: {
      const [policy] = decodeAbiParameters([policyTuple], data);
      return { ...base, kind: 'SetPolicy', policy: { ...policy } };
    }
    case 1: {
      const [token, feed, maxOracleAge] = decodeAbiParameters([{ type: 'address' }, { type: 'address' }, { type: 'uint32' }], data);
      return { ...base, kind: 'SetToken', token: toAddress(token), feed: toAddress(feed), maxOracleAge };
    }
    case 2: {
      const [tokenA, tokenB, fee] = decodeAbiParameters([{ type: 'address' }, { type: 'address' }, { type: 'uint24' }], data);
      return { ...base, kind: 'AllowPool', tokenA: toAddress(tokenA), tokenB: toAddress(tokenB), fee };
    }
    default: {
      const [delay] = decodeAbiParameters([{ type: 'uint64' }], data);
      return { ...base, kind: 'SetTimelockDelay', delay };
    }
  }
}

/**
 * Every pending change, decoded, ordered by id (the vault keeps them unordered).
 *
 * @example
 * for (const change of await readPendingChanges({ publicClient, vault })) console.log(change.id, change.kind, change.eta);
 */
export async function readPendingChanges(parameters: ReadVaultParameters): Promise<PendingVaultChange[]> {
  const ids = [...(await readVault<readonly bigint[]>(parameters, 'pendingChangeIds'))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return Promise.all(
    ids.map(async (id) => {
      const [kind, data, eta] = await readVault<readonly [number, Hex, bigint]>(parameters, 'pendingChange', [id]);
      return decodeVaultChange(id, kind, data, BigInt(eta));
    }),
  );
}
