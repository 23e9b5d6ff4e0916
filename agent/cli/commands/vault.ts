import { type Command, InvalidArgumentError } from 'commander';
import { type Account, type Chain, type PublicClient, type Transport, type WalletClient, parseUnits } from 'viem';
import type { DevnetManifest } from '../../devnet/devnet-manifest.js';
import type { AdminVaultWriteReturnType, VaultAdmin, VaultAdminStatus } from '../../chain/safe/index.js';
import type { VaultWriteFunctionName } from '../../chain/vault/write-vault.js';
import { MandateError } from '../../model/base-error.js';
import { InvalidAddressError, toAddress, zeroAddress, type Address, type Hex } from '../../model/address.js';
import type { VaultPolicy } from '../../chain/vault/vault-policy.js';
import { type CommandContext, type CommandResult, commandAction, withCommonOptions } from '../action.js';
import { rememberRpcUrl, withRpcOption } from '../rpc-option.js';

/** The environment variables the admin keys come from (never the config file). */
export const vaultAdminKeyEnv = {
  owner: 'MANDATE_OWNER_KEY',
  guardian: 'MANDATE_GUARDIAN_KEY',
  /** Comma-separated private keys of the Safe owners who sign. */
  safeOwners: 'MANDATE_SAFE_OWNER_KEYS',
  /** Who sends the Safe transaction and pays its gas; default the first signing owner. */
  safeExecutor: 'MANDATE_SAFE_EXECUTOR_KEY',
} as const;

/** An admin command cannot find a key, a vault or an RPC URL it needs. */
export class VaultAdminSetupError extends MandateError {
  override name = 'VaultAdminSetupError';
}

export type VaultCommandOptions = {
  devnet?: boolean;
  manifest?: string;
  rpcUrl?: string;
  vault?: Address;
  safe?: boolean;
  safeAddress?: Address;
  guardian?: boolean;
  token?: Address[];
};

export type PolicyFieldOptions = {
  perTradeCap?: bigint;
  allowanceCap?: bigint;
  refill?: bigint;
  refillInterval?: number;
  maxSlippageBps?: number;
  cooldown?: number;
};

const keyPattern = /^0x[0-9a-fA-F]{64}$/;

const parseAddress = (text: string): Address => {
  try {
    return toAddress(text);
  } catch (error) {
    if (error instanceof InvalidAddressError) throw new InvalidArgumentError(`"${text}" is not an address (0x and 40 hex digits, in one case or EIP-55 checksummed).`);
    throw error;
  }
};
const parseUsd = (text: string): bigint => {
  // Checked here: viem's parseUnits would take '', '.' or '-' as 0, and round a 19th decimal.
  if (!/^\d+(\.\d{1,18})?$/.test(text)) throw new InvalidArgumentError(`"${text}" is not a USD amount such as 5000 or 2500.50.`);
  return parseUnits(text, 18);
};
const parseWhole = (text: string): number => {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) throw new InvalidArgumentError(`"${text}" is not a whole number ≥ 0.`);
  return value;
};
const parseId = (text: string): string => {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError(`"${text}" is not a change id (a whole number; see \`mandate vault status\`).`);
  return text;
};
const collect = (value: string, previous: Address[] = []): Address[] => [...previous, parseAddress(value)];

/** Where the vault is and how to reach it. */
type VaultTarget = {
  rpcUrl: string;
  vault: Address;
  manifest: DevnetManifest | undefined;
  tokens: { address: Address; symbol?: string; decimals?: number }[];
};

type Clients = { publicClient: PublicClient; chain: Chain; wallet: (key: Hex) => WalletClient<Transport, Chain, Account> };

/** The devnet manifest with --devnet; else --rpc / MANDATE_RPC_URL / chain.rpcUrl and --vault / chain.vault. */
async function resolveTarget(ctx: CommandContext, options: VaultCommandOptions): Promise<VaultTarget> {
  const { existsSync } = await import('node:fs');
  const { defaultConfigPath, loadConfig } = await import('../../config/index.js');
  const hasConfig = ctx.configPath !== undefined || existsSync(defaultConfigPath);
  const config = hasConfig ? await loadConfig(ctx.configPath, { mode: options.devnet ? 'devnet' : 'live', readOnly: true }) : undefined;
  const extraTokens = (options.token ?? []).map((address) => ({ address }));
  if (options.devnet) {
    const { readDevnetManifest, defaultDevnetManifestPath } = await import('../../devnet/devnet-manifest.js');
    const manifest = readDevnetManifest(options.manifest ?? config?.chain.devnetManifest ?? defaultDevnetManifestPath);
    const vault = options.vault ?? manifest.contracts.MandateVault;
    if (!vault) throw new VaultAdminSetupError('The devnet has no MandateVault.', { details: 'Start it with `mandate devnet`, which deploys the vault and its Safe.' });
    return { rpcUrl: options.rpcUrl ?? manifest.rpcUrl, vault, manifest, tokens: [manifest.tokens.USDC, manifest.tokens.WETH, ...extraTokens] };
  }
  const rpcUrl = options.rpcUrl ?? process.env.MANDATE_RPC_URL ?? config?.chain.rpcUrl;
  if (!rpcUrl) throw new VaultAdminSetupError('No RPC URL.', { details: 'Pass --rpc <url>, set MANDATE_RPC_URL or chain.rpcUrl, or use --devnet for the local devnet.' });
  rememberRpcUrl(rpcUrl);
  const vault = options.vault ?? config?.chain.vault;
  if (!vault) throw new VaultAdminSetupError('No vault address.', { details: 'Pass --vault <address> or set chain.vault in the config.' });
  return { rpcUrl, vault, manifest: undefined, tokens: extraTokens };
}

async function connect(target: VaultTarget): Promise<Clients> {
  const { createPublicClient, createWalletClient, defineChain, http } = await import('viem');
  const { privateKeyToAccount } = await import('viem/accounts');
  const probe = createPublicClient({ transport: http(target.rpcUrl, { batch: false }) });
  const chainId = target.manifest?.chainId ?? (await probe.getChainId());
  const chain = defineChain({ id: chainId, name: `chain ${chainId}`, nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [target.rpcUrl] } } });
  const publicClient = createPublicClient({ chain, transport: http(target.rpcUrl, { batch: false }), pollingInterval: 250 }) as PublicClient;
  const wallet = (key: Hex) => createWalletClient({ account: privateKeyToAccount(key), chain, transport: http(target.rpcUrl, { batch: false }) });
  return { publicClient, chain, wallet };
}

const keyFromEnv = (name: string): Hex | undefined => {
  const value = process.env[name]?.trim();
  if (!value) return undefined;
  if (!keyPattern.test(value)) throw new VaultAdminSetupError(`${name} is not a private key.`, { details: 'Expected 0x and 64 hex digits.' });
  return value as Hex;
};

/** Who signs: the Safe's owners with --safe, the guardian with --guardian, else the owner key. */
async function resolveAdmin(options: VaultCommandOptions, target: VaultTarget, clients: Clients): Promise<VaultAdmin> {
  const devnet = target.manifest;
  if (options.safe) {
    const { devnetSafeOwners, devnetSafeThreshold } = await import('../../devnet/devnet-safe.js');
    const { mandateVaultAbi } = await import('../../chain/generated/MandateVault.js');
    const listed = process.env[vaultAdminKeyEnv.safeOwners]?.split(',').map((k) => k.trim()).filter((k) => k.length > 0);
    let ownerKeys: Hex[];
    if (listed && listed.length > 0) {
      const bad = listed.findIndex((k) => !keyPattern.test(k));
      if (bad >= 0) throw new VaultAdminSetupError(`${vaultAdminKeyEnv.safeOwners} entry ${bad + 1} is not a private key.`, { details: 'Expected comma-separated 0x-prefixed 64-hex-digit keys.' });
      ownerKeys = listed as Hex[];
    } else if (devnet) {
      ownerKeys = devnetSafeOwners().slice(0, devnetSafeThreshold).map((o) => o.privateKey);
    } else {
      throw new VaultAdminSetupError('No Safe owner keys.', { details: `Set ${vaultAdminKeyEnv.safeOwners} to the signing owners' keys, comma-separated (or use --devnet).` });
    }
    const safe =
      options.safeAddress ??
      devnet?.contracts.Safe ??
      toAddress(await clients.publicClient.readContract({ address: target.vault, abi: mandateVaultAbi, functionName: 'owner' }));
    const executorKey = keyFromEnv(vaultAdminKeyEnv.safeExecutor) ?? ownerKeys[0]!;
    return { kind: 'safe', safe, ownerKeys, walletClient: clients.wallet(executorKey) };
  }
  const role = options.guardian ? 'guardian' : 'owner';
  const envName = options.guardian ? vaultAdminKeyEnv.guardian : vaultAdminKeyEnv.owner;
  const key = keyFromEnv(envName) ?? devnet?.accounts[role].privateKey;
  if (!key) throw new VaultAdminSetupError(`No ${role} key.`, { details: `Set ${envName}${options.guardian ? '' : ', or use --safe when a Safe owns the vault'} (or use --devnet for the devnet's ${role}).` });
  return { kind: 'key', walletClient: clients.wallet(key) };
}

/** What every write command prints. */
export type VaultWriteResult = {
  action: string;
  vault: Address;
  via: 'key' | 'safe';
  from: Address;
  txHash: Hex;
  block: bigint;
  safeTxHash?: Hex | undefined;
  signers?: Address[] | undefined;
} & Record<string, unknown>;

/** Runs one admin write, adding a hint when a key is used on a vault a Safe owns. */
async function write<const name extends VaultWriteFunctionName>(
  ctx: CommandContext,
  options: VaultCommandOptions,
  functionName: name,
  args: (publicClient: PublicClient, vault: Address) => Promise<readonly unknown[]> | readonly unknown[],
): Promise<{ result: AdminVaultWriteReturnType<name>; output: VaultWriteResult; publicClient: PublicClient; vault: Address }> {
  const target = await resolveTarget(ctx, options);
  const clients = await connect(target);
  const admin = await resolveAdmin(options, target, clients);
  const { adminWriteVault, readSafeInfo } = await import('../../chain/safe/index.js');
  const { VaultRevertError } = await import('../../chain/vault/vault-errors.js');
  const { publicClient } = clients;
  let result: AdminVaultWriteReturnType<name>;
  try {
    result = await adminWriteVault({ publicClient, vault: target.vault, admin }, functionName, (await args(publicClient, target.vault)) as never);
  } catch (error) {
    if (error instanceof VaultRevertError && (error.errorName === 'NotOwner' || error.errorName === 'NotOwnerOrGuardian') && admin.kind === 'key') {
      const { mandateVaultAbi } = await import('../../chain/generated/MandateVault.js');
      const owner = toAddress(await publicClient.readContract({ address: target.vault, abi: mandateVaultAbi, functionName: 'owner' }));
      const safe = await readSafeInfo(publicClient, owner);
      if (safe) {
        throw new VaultAdminSetupError(error.shortMessage, {
          details: `The vault's owner is a ${safe.threshold}-of-${safe.owners.length} Safe (${owner}): run this with --safe and ${vaultAdminKeyEnv.safeOwners}.`,
          cause: error,
        });
      }
    }
    throw error;
  }
  const output: VaultWriteResult = {
    action: functionName,
    vault: target.vault,
    via: result.via,
    from: result.from,
    txHash: result.hash,
    block: result.receipt.blockNumber,
    ...(result.via === 'safe' ? { safeTxHash: result.safeTxHash, signers: result.signers } : {}),
  };
  return { result, output, publicClient, vault: target.vault };
}

const renderWrite = (r: VaultWriteResult) =>
  [
    `${r.action} done ${r.via === 'safe' ? `through the Safe ${r.from} (signed by ${r.signers?.join(', ')}; Safe tx ${r.safeTxHash})` : `by ${r.from}`}.`,
    `  transaction ${r.txHash} in block ${r.block}`,
    ...(typeof r.changeId === 'string' ? [`  change ${r.changeId} is valid from ${String(r.validAt)} (apply it then with \`mandate vault policy apply ${r.changeId}\`)`] : []),
  ].join('\n');

/** The policy with the given fields replaced. */
async function policyWith(publicClient: PublicClient, vault: Address, fields: PolicyFieldOptions): Promise<VaultPolicy> {
  const { readPolicy } = await import('../../chain/vault/read-vault.js');
  const current = await readPolicy({ publicClient, vault });
  return {
    perTradeCapUsd: fields.perTradeCap ?? current.perTradeCapUsd,
    allowanceCapUsd: fields.allowanceCap ?? current.allowanceCapUsd,
    refillAmountUsd: fields.refill ?? current.refillAmountUsd,
    refillInterval: fields.refillInterval ?? current.refillInterval,
    maxSlippageBps: fields.maxSlippageBps ?? current.maxSlippageBps,
    cooldown: fields.cooldown ?? current.cooldown,
  };
}

function requireSomeField(fields: PolicyFieldOptions, command: string): void {
  const given = ['perTradeCap', 'allowanceCap', 'refill', 'refillInterval', 'maxSlippageBps', 'cooldown'].some((k) => (fields as Record<string, unknown>)[k] !== undefined);
  if (!given) {
    throw new VaultAdminSetupError(`${command} needs at least one policy field.`, {
      details: 'Use --per-trade-cap, --allowance-cap, --refill (USD), --refill-interval, --cooldown (seconds) or --max-slippage-bps; fields not given keep their current value.',
    });
  }
}

/** Adds where-and-who options to a vault subcommand. */
function withVaultOptions(command: Command, options: { signer?: boolean; guardian?: boolean } = { signer: true }): Command {
  withRpcOption(withCommonOptions(command), "JSON-RPC endpoint (default: the devnet manifest's with --devnet, else MANDATE_RPC_URL, then chain.rpcUrl)")
    .option('--devnet', 'use the local devnet (its manifest, its owner / guardian / Safe owner accounts)')
    .option('--manifest <path>', 'devnet manifest (default: chain.devnetManifest or .mandate/devnet.json)')
    .option('--vault <address>', 'vault address (default: the devnet vault or chain.vault)', parseAddress);
  if (options.signer) {
    command
      .option('--safe', `sign and execute through the Safe that owns the vault (keys: ${vaultAdminKeyEnv.safeOwners})`)
      .option('--safe-address <address>', "the Safe's address (default: the vault's owner)", parseAddress);
  }
  if (options.guardian) command.option('--guardian', `act as the guardian (key: ${vaultAdminKeyEnv.guardian})`);
  return command;
}

function withPolicyFields(command: Command): Command {
  return command
    .option('--per-trade-cap <usd>', 'per-trade cap, USD', parseUsd)
    .option('--allowance-cap <usd>', 'allowance cap, USD', parseUsd)
    .option('--refill <usd>', 'allowance refill amount, USD', parseUsd)
    .option('--refill-interval <seconds>', 'allowance refill interval', parseWhole)
    .option('--max-slippage-bps <bps>', 'max slippage against the oracle', parseWhole)
    .option('--cooldown <seconds>', 'seconds between trades', parseWhole);
}

async function vaultStatus(ctx: CommandContext, options: VaultCommandOptions): Promise<VaultAdminStatus & CommandResult> {
  const target = await resolveTarget(ctx, options);
  const { publicClient } = await connect(target);
  const { readVaultAdminStatus } = await import('../../chain/safe/read-vault-admin-status.js');
  return (await readVaultAdminStatus({ publicClient, vault: target.vault, tokens: target.tokens })) as VaultAdminStatus & CommandResult;
}

async function renderStatus(status: VaultAdminStatus): Promise<string> {
  const { formatUsd18, formatUnixTime, formatSeconds } = await import('../../chain/vault/format-vault-units.js');
  const { formatUnits } = await import('viem');
  const p = status.policy;
  const safe = status.ownerSafe;
  const lines = [
    `Vault ${status.vault} on chain ${status.chainId}, block ${status.blockNumber} (${formatUnixTime(status.blockTime)})`,
    `  owner     ${status.owner}${safe ? `  (Safe ${safe.version}, ${safe.threshold} of ${safe.owners.length}: ${safe.owners.join(', ')}; nonce ${safe.nonce})` : ''}`,
    ...(status.pendingOwner !== zeroAddress ? [`  pending owner ${status.pendingOwner} (must accept)`] : []),
    `  guardian  ${status.guardian === zeroAddress ? 'none' : status.guardian}`,
    `  agent     ${status.agent === zeroAddress ? 'REVOKED' : status.agent}`,
    `  paused    ${status.paused ? 'YES: every agent call reverts' : 'no'}`,
    `Policy (loosening waits ${formatSeconds(status.timelockDelay)})`,
    `  per-trade cap  ${formatUsd18(p.perTradeCapUsd)}`,
    `  allowance      ${formatUsd18(status.allowance.accruedUsd)} available of ${formatUsd18(p.allowanceCapUsd)}, refills ${formatUsd18(p.refillAmountUsd)} every ${formatSeconds(p.refillInterval)}`,
    `  max slippage   ${p.maxSlippageBps} bps against the oracle`,
    `  cooldown       ${formatSeconds(p.cooldown)}${status.cooldownReadyAt === undefined ? ' (no trade yet)' : `; last trade ${formatUnixTime(status.allowance.lastTradeAt)}, next allowed from ${formatUnixTime(status.cooldownReadyAt)}`}`,
    ...(status.balances.length > 0 ? ['Balances', ...status.balances.map((b) => `  ${b.symbol.padEnd(6)} ${formatUnits(b.amount, b.decimals)}`)] : []),
    status.pendingChanges.length === 0 ? 'Pending changes: none' : 'Pending changes',
    ...status.pendingChanges.map((c) => {
      const what =
        c.kind === 'SetPolicy'
          ? `policy: cap ${formatUsd18(c.policy.perTradeCapUsd)}, allowance ${formatUsd18(c.policy.allowanceCapUsd)} (+${formatUsd18(c.policy.refillAmountUsd)} / ${formatSeconds(c.policy.refillInterval)}), slippage ${c.policy.maxSlippageBps} bps, cooldown ${formatSeconds(c.policy.cooldown)}`
          : c.kind === 'SetToken'
            ? `token ${c.token} priced by ${c.feed}, max oracle age ${formatSeconds(c.maxOracleAge)}`
            : c.kind === 'AllowPool'
              ? `pool ${c.tokenA}/${c.tokenB} fee ${c.fee}`
              : `timelock delay ${formatSeconds(c.delay)}`;
      const when = c.validNow ? `valid now (since ${formatUnixTime(c.eta)})` : `valid from ${formatUnixTime(c.eta)} (in ${formatSeconds(c.secondsToGo)})`;
      return `  #${c.id} ${what}\n      ${when}`;
    }),
  ];
  return lines.join('\n');
}

/**
 * `mandate vault …`: the vault's administration. `status` reads; the rest write, with the owner key
 * (MANDATE_OWNER_KEY), the guardian key (--guardian, MANDATE_GUARDIAN_KEY), or through the Safe that owns the
 * vault (--safe, MANDATE_SAFE_OWNER_KEYS); --devnet takes the devnet's accounts and manifest.
 *
 * @example
 * registerVaultCommand(program); // mandate vault policy queue --per-trade-cap 10000 --safe --devnet
 */
export function registerVaultCommand(program: Command): void {
  const vault = program.command('vault').description('inspect and administer the vault: policy changes behind the timelock, pause, agent, withdraw');

  // Rendering the status needs async formatting helpers, so the text is built in the handler.
  withVaultOptions(vault.command('status'), {})
    .description('roles, pause, policy, allowance, balances and pending changes with the time each becomes valid')
    .option('--token <address>', 'also show the balance of this token (repeatable)', collect)
    .action(async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      const json = (command.optsWithGlobals() as { json?: boolean }).json === true;
      let rendered = '';
      await commandAction(
        async (ctx, options: VaultCommandOptions) => {
          const status = await vaultStatus(ctx, options);
          if (!json) rendered = await renderStatus(status);
          return status;
        },
        () => rendered,
      )(...args);
    });

  const policy = vault.command('policy').description('queue, apply, cancel or tighten policy changes');
  withPolicyFields(withVaultOptions(policy.command('queue')))
    .description('queue a new policy (owner): it becomes valid after the timelock; fields not given keep their value')
    .action(
      commandAction(async (ctx, options: VaultCommandOptions & PolicyFieldOptions) => {
        requireSomeField(options, 'policy queue');
        const { output, result, publicClient, vault: address } = await write(ctx, options, 'queuePolicy', (client, v) => policyWith(client, v, options).then((p) => [p]));
        const { readPendingChanges } = await import('../../chain/vault/read-vault.js');
        const { formatUnixTime } = await import('../../chain/vault/format-vault-units.js');
        const change = (await readPendingChanges({ publicClient, vault: address })).find((c) => c.id === result.result);
        return { ...output, changeId: result.result.toString(), eta: change?.eta, validAt: change ? formatUnixTime(change.eta) : undefined };
      }, renderWrite),
    );
  withVaultOptions(policy.command('apply').argument('<id>', 'the pending change id', parseId))
    .description('apply a pending change whose timelock has passed (owner)')
    .action(commandAction(async (ctx, id: string, options: VaultCommandOptions) => (await write(ctx, options, 'applyChange', () => [BigInt(id)])).output, renderWrite));
  withVaultOptions(policy.command('cancel').argument('<id>', 'the pending change id', parseId), { signer: true, guardian: true })
    .description('cancel a pending change (owner or guardian)')
    .action(commandAction(async (ctx, id: string, options: VaultCommandOptions) => (await write(ctx, options, 'cancelChange', () => [BigInt(id)])).output, renderWrite));
  withPolicyFields(withVaultOptions(policy.command('tighten'), { signer: true, guardian: true }))
    .description('apply a stricter policy at once (owner or guardian); any looser field is refused')
    .action(
      commandAction(async (ctx, options: VaultCommandOptions & PolicyFieldOptions) => {
        requireSomeField(options, 'policy tighten');
        return (await write(ctx, options, 'tightenPolicy', (client, v) => policyWith(client, v, options).then((p) => [p]))).output;
      }, renderWrite),
    );

  withVaultOptions(vault.command('pause'), { signer: true, guardian: true })
    .description('stop every agent call at once (owner or guardian)')
    .action(commandAction(async (ctx, options: VaultCommandOptions) => (await write(ctx, options, 'pause', () => [])).output, renderWrite));
  withVaultOptions(vault.command('unpause'))
    .description('lift a pause (owner)')
    .action(commandAction(async (ctx, options: VaultCommandOptions) => (await write(ctx, options, 'unpause', () => [])).output, renderWrite));
  withVaultOptions(vault.command('set-agent').argument('<address>', 'the new agent', parseAddress))
    .description('set the agent (owner)')
    .action(commandAction(async (ctx, agent: Address, options: VaultCommandOptions) => ({ ...(await write(ctx, options, 'setAgent', () => [agent])).output, agent }), renderWrite));
  withVaultOptions(vault.command('revoke-agent'), { signer: true, guardian: true })
    .description('remove the agent at once (owner or guardian): for a leaked agent key')
    .action(commandAction(async (ctx, options: VaultCommandOptions) => (await write(ctx, options, 'revokeAgent', () => [])).output, renderWrite));
  withVaultOptions(
    vault
      .command('withdraw')
      .argument('<token>', 'token address, or USDC / WETH on the devnet')
      .argument('<amount>', 'amount in token units (e.g. 1000.5), or "all"'),
  )
    .description("send tokens from the vault to its owner (owner; with --safe, to the Safe)")
    .action(
      commandAction(async (ctx, token: string, amount: string, options: VaultCommandOptions) => {
        const { parseUnits } = await import('viem');
        const { erc20Abi } = await import('../../chain/generated/index.js');
        let resolved: { token: Address; amount: bigint } | undefined;
        const written = await write(ctx, options, 'withdraw', async (client, v) => {
          const target = options.devnet ? await resolveTarget(ctx, options) : undefined;
          const bySymbol = target?.manifest?.tokens[token.toUpperCase() as 'USDC' | 'WETH']?.address;
          const address = bySymbol ?? (token.startsWith('0x') ? toAddress(token, 'the token') : undefined);
          if (!address) throw new VaultAdminSetupError(`Unknown token "${token}".`, { details: 'Give the token address (or USDC / WETH with --devnet).' });
          let units: bigint;
          if (amount === 'all') {
            units = (await client.readContract({ address, abi: erc20Abi, functionName: 'balanceOf', args: [v] })) as bigint;
          } else {
            if (!/^\d+(\.\d+)?$/.test(amount)) throw new VaultAdminSetupError(`"${amount}" is not an amount.`, { details: 'Use a decimal number of tokens such as 1000.5, or "all".' });
            const decimals = Number(await client.readContract({ address, abi: erc20Abi, functionName: 'decimals' }));
            units = parseUnits(amount, decimals);
          }
          resolved = { token: address, amount: units };
          return [address, units];
        });
        return { ...written.output, token: resolved!.token, amount: resolved!.amount };
      }, renderWrite),
    );
}
