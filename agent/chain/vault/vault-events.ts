import {
  type AbiParameter,
  type AbiParameterToPrimitiveType,
  type ContractEventArgs,
  type ContractEventName,
  type Log,
  type PublicClient,
  type TransactionReceipt,
  parseEventLogs,
} from 'viem';
import { toAddress, type Address, type Hex } from '../../model/address.js';
import type { Fill } from '../../model/decision.js';
import { mandateVaultAbi } from '../generated/MandateVault.js';

/**
 * The one reader of the vault's events. Every event of the generated ABI is decoded here and nowhere else,
 * typed from the ABI (abitype, through viem), with each address argument normalised (toAddress) where it
 * enters, so callers compare with `===`. New events of the contract drop in by name.
 */

export type VaultAbi = typeof mandateVaultAbi;
/** The name of any event the vault emits. */
export type VaultEventName = ContractEventName<VaultAbi>;

type VaultEventAbi<name extends VaultEventName> = Extract<VaultAbi[number], { type: 'event'; name: name }>;

/** An ABI parameter's TypeScript value, with every address (in structs and arrays too) a normalised Address. */
type VaultValue<parameter extends AbiParameter> = parameter extends { type: 'address' }
  ? Address
  : parameter extends { type: 'address[]' }
    ? readonly Address[]
    : parameter extends { type: 'tuple'; components: infer components extends readonly AbiParameter[] }
      ? { [component in components[number] as component['name'] & string]: VaultValue<component> }
      : AbiParameterToPrimitiveType<parameter>;

/**
 * An event's arguments by name, as the ABI declares them.
 *
 * @example
 * const args: VaultEventArgs<'TradeExecuted'> = event.args; // { decisionId: Hex, tokenIn: Address, amountOut: bigint, ... }
 */
export type VaultEventArgs<name extends VaultEventName> = {
  [input in VaultEventAbi<name>['inputs'][number] as input['name'] & string]: VaultValue<input>;
};

/**
 * A decoded vault event: its name and arguments and where it was emitted. A union over the names, so
 * checking `eventName` narrows `args`.
 *
 * @example
 * if (event.eventName === 'DecisionsCommitted') console.log(event.args.batch, event.args.root);
 */
export type VaultEvent<name extends VaultEventName = VaultEventName> = {
  [eventName in name]: {
    eventName: eventName;
    args: VaultEventArgs<eventName>;
    /** The vault that emitted it. */
    address: Address;
    blockNumber: bigint;
    logIndex: number;
    transactionHash: Hex;
  };
}[name];

// The address-typed inputs of each event, found once: only those need work after viem has decoded a log.
const inputsByEvent = new Map<string, readonly AbiParameter[]>(
  mandateVaultAbi.flatMap((item) => (item.type === 'event' && item.inputs.some(holdsAddress) ? [[item.name, item.inputs] as const] : [])),
);

function holdsAddress(parameter: AbiParameter): boolean {
  if (parameter.type.startsWith('address')) return true;
  return 'components' in parameter && parameter.components.some(holdsAddress);
}

function normalise(parameter: AbiParameter, value: unknown): unknown {
  if (parameter.type === 'address') return toAddress(value as string);
  if (parameter.type === 'address[]') return (value as readonly string[]).map((item) => toAddress(item));
  if (parameter.type === 'tuple' && 'components' in parameter) return normaliseArgs(parameter.components, value as Record<string, unknown>);
  return value;
}

function normaliseArgs(inputs: readonly AbiParameter[], args: Record<string, unknown>): Record<string, unknown> {
  const out = { ...args };
  for (const input of inputs) if (input.name !== undefined && holdsAddress(input)) out[input.name] = normalise(input, args[input.name]);
  return out;
}

/** A log as viem decodes it against the ABI (strict: every argument present). */
type DecodedLog = { eventName: string; args: unknown; address: string; blockNumber: bigint | null; logIndex: number | null; transactionHash: Hex | null };

/** viem's decoded log as the model's VaultEvent. */
function toVaultEvent<name extends VaultEventName = VaultEventName>(log: DecodedLog): VaultEvent<name> {
  const inputs = inputsByEvent.get(log.eventName);
  const args = inputs === undefined ? log.args : normaliseArgs(inputs, log.args as Record<string, unknown>);
  // Mined logs (a receipt's, eth_getLogs over mined blocks, a block watch) always have their position.
  const event = { eventName: log.eventName, args, address: toAddress(log.address), blockNumber: log.blockNumber!, logIndex: log.logIndex!, transactionHash: log.transactionHash! };
  return event as unknown as VaultEvent<name>;
}

export type VaultEventsOfParameters<name extends VaultEventName> = {
  /** Only events of this vault (a receipt may hold other contracts' logs with the same signature). */
  vault?: Address | undefined;
  /** Only these events; default every vault event. */
  eventNames?: readonly name[] | undefined;
};

/**
 * The vault events among a receipt's logs (or any logs), in log order. Logs that are not vault events are
 * skipped.
 *
 * @example
 * const [executed] = vaultEventsOf(receipt, { vault, eventNames: ['TradeExecuted'] });
 * executed?.args.amountOut;
 */
export function vaultEventsOf<name extends VaultEventName = VaultEventName>(
  source: TransactionReceipt | readonly Log[],
  parameters: VaultEventsOfParameters<name> = {},
): VaultEvent<name>[] {
  const logs = 'logs' in source ? source.logs : source;
  const { vault, eventNames } = parameters;
  const decoded = parseEventLogs({ abi: mandateVaultAbi, logs: [...logs], eventName: eventNames as VaultEventName[] | undefined, strict: true });
  return decoded.map((log) => toVaultEvent<name>(log)).filter((event) => vault === undefined || event.address === vault);
}

export type GetVaultEventsParameters<name extends VaultEventName> = {
  client: PublicClient;
  vault: Address;
  /** Which events; default every vault event. The node filters by them. */
  eventNames?: readonly name[] | undefined;
  /** With exactly one event name: its indexed arguments to match (the node filters by them too). */
  args?: (name extends VaultEventName ? ContractEventArgs<VaultAbi, name> : never) | undefined;
  fromBlock?: bigint | undefined;
  /** Default: the latest block. */
  toBlock?: bigint | undefined;
  /** Instead of a range: the events of one block. */
  blockHash?: Hex | undefined;
};

/**
 * The vault's events in a block range (or one block), read with one eth_getLogs and decoded here, oldest
 * first. Keep ranges within what the RPC provider allows.
 *
 * @example
 * const trades = await getVaultEvents({ client, vault, eventNames: ['TradeExecuted'], args: { decisionId }, fromBlock: deployBlock });
 */
export async function getVaultEvents<name extends VaultEventName = VaultEventName>(parameters: GetVaultEventsParameters<name>): Promise<VaultEvent<name>[]> {
  const { client, vault, eventNames, args, fromBlock, toBlock, blockHash } = parameters;
  const names = new Set<string>(eventNames ?? []);
  const events = mandateVaultAbi.filter((item) => item.type === 'event' && (names.size === 0 || names.has(item.name)));
  const [only] = events;
  const where = blockHash === undefined ? { fromBlock, toBlock } : { blockHash };
  const logs = await client.getLogs({
    address: vault,
    ...(events.length === 1 ? { event: only, args } : { events }),
    ...where,
    strict: true,
  } as never);
  return (logs as unknown as DecodedLog[]).map((log) => toVaultEvent<name>(log));
}

export type WatchVaultEventsParameters = {
  client: PublicClient;
  vault: Address;
  /** Called with each batch of new events, oldest first. */
  onEvents: (events: VaultEvent[]) => void;
  onError?: ((error: Error) => void) | undefined;
};

/**
 * Watches the vault's events as blocks arrive. Returns the function that stops watching.
 *
 * @example
 * const stop = watchVaultEvents({ client, vault, onEvents: (events) => events.forEach((e) => console.log(e.eventName)) });
 */
export function watchVaultEvents(parameters: WatchVaultEventsParameters): () => void {
  const { client, vault, onEvents, onError } = parameters;
  return client.watchContractEvent({
    address: vault,
    abi: mandateVaultAbi,
    strict: true,
    onLogs: (logs) => onEvents(logs.map((log) => toVaultEvent(log))),
    onError,
  });
}

/**
 * The Fill of a trade from its TradeExecuted and the receipt of the transaction that emitted it: the
 * vault's measured amounts, the minimum it enforced, the trade's USD value, and the gas paid.
 *
 * @example
 * const [executed] = vaultEventsOf(receipt, { vault, eventNames: ['TradeExecuted'] });
 * const fill = executed && tradeFill(receipt, executed);
 */
export function tradeFill(receipt: TransactionReceipt, event: VaultEvent<'TradeExecuted'>): Fill {
  return {
    txHash: receipt.transactionHash,
    block: receipt.blockNumber,
    amountIn: event.args.amountIn,
    amountOut: event.args.amountOut,
    minAmountOutUsed: event.args.minAmountOutUsed,
    valueUsd: event.args.valueUsd,
    gasUsed: receipt.gasUsed,
    effectiveGasPrice: receipt.effectiveGasPrice,
  };
}
