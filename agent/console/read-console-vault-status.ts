import { formatUnits, type PublicClient } from 'viem';
import { readVaultAdminStatus, type PendingChangeStatus } from '../chain/safe/read-vault-admin-status.js';
import { zeroAddress, type Address } from '../model/address.js';
import type { VaultPolicy } from '../policy/policy-state.js';
import { poolKey } from '../policy/policy-state.js';
import { readPolicyState } from '../policy/read-policy-state.js';
import type { ConsoleField, ConsoleToken, ConsoleVaultStatus } from './console-types.js';

export type ReadConsoleVaultStatusParameters = {
  client: PublicClient;
  vault: Address;
  /** The tokens the agent trades (the vault's storage cannot be listed). */
  tokens: readonly ConsoleToken[];
  /** The pools the agent trades, for the policy's allow-list. */
  pools?: readonly { tokenA: Address; tokenB: Address; fee: number }[] | undefined;
};

const usd = (value: bigint) => formatUnits(value, 18);

/**
 * The vault, for the console, as one plain JSON object: holdings valued at the vault's own oracles, the
 * roles, the policy, what it leaves now (allowance, cooldown, per-trade cap, oracle freshness, pause) and
 * the queued changes with their ETA. Built on the vault readers `mandate vault status` and the risk gate
 * use; the page renders `roles`, `policy`, `headroom` and each change's `fields` generically, so a new
 * limit (a loss budget, a drawdown breaker) is one more field here, not a change to the page.
 *
 * @example
 * const status = await readConsoleVaultStatus({ client, vault, tokens: [usdc, weth] });
 * status.headroom.find((f) => f.label === 'Allowance left')?.value; // '2500.0'
 */
export async function readConsoleVaultStatus(parameters: ReadConsoleVaultStatusParameters): Promise<ConsoleVaultStatus> {
  const { client, vault, tokens } = parameters;
  const [admin, snapshot] = await Promise.all([
    readVaultAdminStatus({ publicClient: client, vault, tokens }),
    readPolicyState(client, vault, { tokens: tokens.map((token) => token.address), pools: parameters.pools }),
  ]);
  const now = Number(admin.blockTime);
  const { oracleRounds, feedDecimals } = snapshot.oracles;
  const symbolOf = (address: Address) => tokens.find((token) => token.address === address)?.symbol ?? address;

  const holdings = admin.balances.map((balance) => {
    const config = snapshot.state.tokens.get(balance.token);
    const round = config ? oracleRounds.get(config.feed) : undefined;
    const decimals = config ? feedDecimals.get(config.feed) : undefined;
    const priceUsd = round && decimals !== undefined ? Number(formatUnits(round.answer, decimals)) : null;
    const amount = formatUnits(balance.amount, balance.decimals);
    return {
      symbol: balance.symbol,
      address: balance.token,
      amount,
      priceUsd,
      valueUsd: priceUsd === null ? null : Number(amount) * priceUsd,
      oracleUpdatedAt: round ? Number(round.updatedAt) : null,
    };
  });

  const policy = admin.policy;
  const owner = admin.ownerSafe ? `${admin.ownerSafe.threshold} of ${admin.ownerSafe.owners.length} Safe (v${admin.ownerSafe.version})` : undefined;
  const roles: ConsoleField[] = [
    { label: 'Owner', value: admin.owner, unit: 'address', note: owner },
    ...(admin.pendingOwner === zeroAddress ? [] : [{ label: 'Pending owner', value: admin.pendingOwner, unit: 'address' as const, note: 'must accept ownership' }]),
    { label: 'Guardian', value: admin.guardian, unit: 'address', note: 'may pause, tighten and revoke, never loosen' },
    admin.agent === zeroAddress
      ? { label: 'Agent', value: 'revoked', warn: true, note: 'every trade is refused' }
      : { label: 'Agent', value: admin.agent, unit: 'address', note: 'may only trade within the policy and commit decisions' },
  ];

  const tokenFields: ConsoleField[] = [...snapshot.state.tokens.entries()].map(([address, config]) => ({
    label: `Token ${symbolOf(address)}`,
    value: config.feed,
    unit: 'address',
    note: `priced by this feed; answers older than ${config.maxOracleAge} s are refused`,
  }));
  const poolFields: ConsoleField[] = (parameters.pools ?? []).map((pool) => ({
    label: `Pool ${symbolOf(pool.tokenA)}/${symbolOf(pool.tokenB)} ${(pool.fee / 10_000).toString()} %`,
    value: snapshot.state.pools.has(poolKey(pool.tokenA, pool.tokenB, pool.fee)),
    note: 'allow-listed',
  }));

  const headroom: ConsoleField[] = [
    { label: 'Paused', value: admin.paused, warn: admin.paused, note: admin.paused ? 'every agent call reverts' : undefined },
    ...allowanceFields(policy, admin.allowance, now),
    ...cooldownFields(policy, admin.allowance.lastTradeAt, now),
    ...holdings.map((holding): ConsoleField => {
      const config = snapshot.state.tokens.get(holding.address);
      const age = holding.oracleUpdatedAt === null ? null : now - holding.oracleUpdatedAt;
      const stale = config !== undefined && age !== null && age > config.maxOracleAge;
      return {
        label: `${holding.symbol} oracle age`,
        value: age,
        unit: 'seconds',
        warn: stale || age === null,
        note: age === null ? 'unreadable: trades in it are refused' : `at most ${config?.maxOracleAge ?? '?'} s accepted${stale ? ': stale, trades in it are refused' : ''}`,
      };
    }),
  ];

  return {
    vault,
    chainId: admin.chainId,
    block: admin.blockNumber.toString(),
    blockTime: now,
    paused: admin.paused,
    holdings,
    valueUsd: holdings.reduce((sum, holding) => sum + (holding.valueUsd ?? 0), 0),
    roles,
    policy: [
      { label: 'Per-trade cap', value: usd(policy.perTradeCapUsd), unit: 'usd', note: 'oracle value of one trade' },
      { label: 'Allowance cap', value: usd(policy.allowanceCapUsd), unit: 'usd' },
      { label: 'Refill', value: usd(policy.refillAmountUsd), unit: 'usd', note: `every ${policy.refillInterval} s` },
      { label: 'Max slippage', value: policy.maxSlippageBps, unit: 'bps', note: 'against the oracle' },
      { label: 'Cooldown', value: policy.cooldown, unit: 'seconds', note: 'between trades' },
      { label: 'Timelock', value: Number(admin.timelockDelay), unit: 'seconds', note: 'before a loosening change may apply' },
      ...tokenFields,
      ...poolFields,
    ],
    headroom,
    pendingChanges: admin.pendingChanges.map((change) => ({
      id: change.id.toString(),
      kind: change.kind,
      eta: Number(change.eta),
      validNow: change.validNow,
      secondsToGo: Number(change.secondsToGo),
      fields: changeFields(change, symbolOf),
    })),
  };
}

function allowanceFields(policy: VaultPolicy, allowance: { accruedUsd: bigint; updatedAt: bigint }, now: number): ConsoleField[] {
  const left = allowance.accruedUsd;
  const fields: ConsoleField[] = [
    { label: 'Allowance left', value: usd(left), unit: 'usd', warn: left < policy.perTradeCapUsd, note: `of ${usd(policy.allowanceCapUsd)} USD` },
    { label: 'Largest trade now', value: usd(left < policy.perTradeCapUsd ? left : policy.perTradeCapUsd), unit: 'usd', note: 'the smaller of the per-trade cap and the allowance' },
  ];
  if (left < policy.allowanceCapUsd && policy.refillInterval > 0) {
    // The allowance refills in whole steps counted from its anchor (the vault's step refill).
    const interval = policy.refillInterval;
    const steps = Math.floor((now - Number(allowance.updatedAt)) / interval) + 1;
    fields.push({ label: 'Next refill', value: Number(allowance.updatedAt) + steps * interval, unit: 'time', note: `+${usd(policy.refillAmountUsd)} USD` });
  }
  return fields;
}

function cooldownFields(policy: VaultPolicy, lastTradeAt: bigint, now: number): ConsoleField[] {
  if (lastTradeAt === 0n) return [{ label: 'Cooldown', value: 'no trade yet', unit: 'text' }];
  const readyAt = Number(lastTradeAt) + policy.cooldown;
  const left = Math.max(0, readyAt - now);
  return [{ label: 'Cooldown left', value: left, unit: 'seconds', warn: left > 0, note: left > 0 ? 'the next trade waits' : `last trade ${Math.max(0, now - Number(lastTradeAt))} s ago` }];
}

function changeFields(change: PendingChangeStatus, symbolOf: (address: Address) => string): ConsoleField[] {
  switch (change.kind) {
    case 'SetPolicy':
      return [
        { label: 'Per-trade cap', value: usd(change.policy.perTradeCapUsd), unit: 'usd' },
        { label: 'Allowance cap', value: usd(change.policy.allowanceCapUsd), unit: 'usd' },
        { label: 'Refill', value: usd(change.policy.refillAmountUsd), unit: 'usd', note: `every ${change.policy.refillInterval} s` },
        { label: 'Max slippage', value: change.policy.maxSlippageBps, unit: 'bps' },
        { label: 'Cooldown', value: change.policy.cooldown, unit: 'seconds' },
      ];
    case 'SetToken':
      return [
        { label: 'Token', value: change.token, unit: 'address', note: symbolOf(change.token) },
        { label: 'Feed', value: change.feed, unit: 'address' },
        { label: 'Max oracle age', value: change.maxOracleAge, unit: 'seconds' },
      ];
    case 'AllowPool':
      return [{ label: 'Pool', value: `${symbolOf(change.tokenA)}/${symbolOf(change.tokenB)}`, unit: 'text', note: `fee ${(change.fee / 10_000).toString()} %` }];
    case 'SetTimelockDelay':
      return [{ label: 'Timelock', value: Number(change.delay), unit: 'seconds' }];
  }
}
