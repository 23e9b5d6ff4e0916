import type { PublicClient } from 'viem';
import { type VaultEvent, type VaultEventName, watchVaultEvents } from '../chain/vault/vault-events.js';
import type { RiskGate } from '../model/ports.js';
import type { TradeIntent } from '../model/decision.js';
import type { Address, Hex } from '../model/address.js';
import { type EvaluateTradeReturnType, evaluateTrade } from './evaluate-trade.js';
import { decisionKey, poolKey } from './policy-state.js';
import { type ReadPolicyStateParameters, type VaultPolicySnapshot, readOracles, readPolicyState } from './read-policy-state.js';
import { verdictOf } from './verdict-of.js';

/**
 * The vault events after which the gate re-reads the vault: every change of policy, tokens, pools, roles or
 * pause, and every trade (allowance, cooldown and the used decision id move).
 */
export const vaultPolicyEventNames = [
  'PolicyUpdated',
  'TokenConfigured',
  'TokenRemoved',
  'PoolAllowed',
  'PoolRemoved',
  'ChangeApplied',
  'Paused',
  'Unpaused',
  'AgentChanged',
  'TradeExecuted',
] as const satisfies readonly VaultEventName[];
export type VaultPolicyEventName = (typeof vaultPolicyEventNames)[number];

const isPolicyEvent = (event: VaultEvent): event is VaultEvent<VaultPolicyEventName> =>
  (vaultPolicyEventNames as readonly string[]).includes(event.eventName);

/** One vault event the gate reacted to. */
export type GateEvent = { eventName: VaultPolicyEventName; blockNumber: bigint; transactionHash: Hex };

export type CreateVaultRiskGateParameters = ReadPolicyStateParameters & {
  client: PublicClient;
  vault: Address;
  /** The account that will send executeTrade (msg.sender): the agent key's address. */
  caller: Address;
  /** Re-read the feeds on every new block (default true): check() then prices with rounds at most a block old. */
  watchOracles?: boolean | undefined;
  /** Watch the vault's events and re-read on each (default true). */
  watchEvents?: boolean | undefined;
  /** Called when a background re-read fails; the gate keeps its last good snapshot. */
  onError?: ((error: unknown) => void) | undefined;
  /** How many reacted-to events `events` keeps (default 1000). */
  eventHistory?: number | undefined;
};

/** The live risk gate: a RiskGate over the latest snapshot of the deployed vault. */
export type VaultRiskGate = RiskGate & {
  /** The full evaluation (value, oracle floor, minAmountOutUsed) or the denial, at `at.time`. */
  evaluate(intent: TradeIntent, at: { time: number }): EvaluateTradeReturnType;
  /** Re-reads the vault and its feeds; resolves with a snapshot read after the call (concurrent calls share reads). */
  refresh(): Promise<VaultPolicySnapshot>;
  /** The snapshot check() uses. */
  snapshot(): VaultPolicySnapshot;
  /** The vault events the gate re-read after, oldest first. */
  readonly events: readonly GateEvent[];
  /** Stops watching. */
  stop(): void;
};

/**
 * The live risk gate for `mandate run`: reads the deployed vault (policy, allowance, cooldown, roles,
 * pause, tokens, pools, feeds) at start, re-reads it after every policy, role or trade event, and the feeds
 * on every block; `check` is then synchronous and answers with the custom error the vault would revert
 * with, as the Verdict's reason and args. A denial is a value, never a throw.
 *
 * Executed decision ids are known from `decisionIds`/`fromBlock` at start and from TradeExecuted events
 * after; `check` also treats an id it saw executed as used before the event arrives, through `refresh()`
 * after each fill (the kernel's trade decisions are a good trigger).
 *
 * @example
 * const gate = await createVaultRiskGate({ client, vault, caller: agent.address, tokens: [usdc, weth], pools, fromBlock: deployBlock });
 * const kernel = createKernel({ riskGate: gate, ... });
 * kernel.decisions$.subscribe((d) => { if (d.completion.outcome === 'trade') void gate.refresh(); });
 * // ... on shutdown
 * gate.stop();
 */
export async function createVaultRiskGate(parameters: CreateVaultRiskGateParameters): Promise<VaultRiskGate> {
  const { client, vault, caller } = parameters;
  const history = parameters.eventHistory ?? 1000;
  const known = new Map<string, Hex>();
  for (const id of parameters.decisionIds ?? []) known.set(decisionKey(id), id);
  const events: GateEvent[] = [];

  const tokens = new Set<Address>(parameters.tokens ?? []);
  const pools = new Map<string, { tokenA: Address; tokenB: Address; fee: number }>();
  for (const pool of parameters.pools ?? []) pools.set(poolKey(pool.tokenA, pool.tokenB, pool.fee), pool);
  let fromBlock = parameters.fromBlock;

  const read = async (): Promise<VaultPolicySnapshot> => {
    const next = await readPolicyState(client, vault, { tokens: [...tokens], pools: [...pools.values()], decisionIds: [...known.values()], fromBlock });
    // What the logs revealed stays a candidate, so later re-reads scan only the blocks since.
    for (const id of next.state.executedDecisions) known.set(id, id as Hex);
    for (const token of next.state.tokens.keys()) tokens.add(token);
    for (const key of next.state.pools) {
      const [tokenA, tokenB, fee] = key.split(':') as [Address, Address, string];
      pools.set(key, { tokenA, tokenB, fee: Number(fee) });
    }
    if (fromBlock !== undefined && next.blockNumber + 1n > fromBlock) fromBlock = next.blockNumber + 1n;
    return next;
  };

  let current = await read();
  // A refresh must see the vault as of after its call: while a read is running, later callers share one
  // read that starts when it ends, never the running one (it may predate the change they are reacting to).
  let running: Promise<VaultPolicySnapshot> | undefined;
  let queued: Promise<VaultPolicySnapshot> | undefined;
  const refresh = (): Promise<VaultPolicySnapshot> => {
    if (running === undefined) {
      running = read()
        .then((next) => {
          if (next.blockNumber >= current.blockNumber) current = next;
          return current;
        })
        .finally(() => {
          running = undefined;
        });
      return running;
    }
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return refresh();
      });
    return queued;
  };
  const background = (work: Promise<unknown>) => {
    work.catch((error: unknown) => parameters.onError?.(error));
  };

  const unwatch: (() => void)[] = [];
  if (parameters.watchEvents ?? true) {
    unwatch.push(
      watchVaultEvents({
        client,
        vault,
        onEvents: (vaultEvents) => {
          let relevant = false;
          for (const event of vaultEvents) {
            if (!isPolicyEvent(event)) continue;
            relevant = true;
            if (event.eventName === 'TradeExecuted') known.set(decisionKey(event.args.decisionId), event.args.decisionId);
            events.push({ eventName: event.eventName, blockNumber: event.blockNumber, transactionHash: event.transactionHash });
            if (events.length > history) events.shift();
          }
          if (relevant) background(refresh());
        },
        onError: (error) => parameters.onError?.(error),
      }),
    );
  }
  if (parameters.watchOracles ?? true) {
    unwatch.push(
      client.watchBlockNumber({
        onBlockNumber: (blockNumber) => {
          const base = current;
          const feeds = [...base.state.tokens.values()].map((token) => token.feed);
          background(
            readOracles(client, feeds, base.state.sequencer?.feed, blockNumber).then((oracles) => {
              // A full re-read that landed meanwhile already has these rounds or newer ones.
              if (current === base && blockNumber > base.blockNumber) current = { ...base, oracles, blockNumber };
            }),
          );
        },
        onError: (error) => parameters.onError?.(error),
      }),
    );
  }

  const evaluate = (intent: TradeIntent, at: { time: number }): EvaluateTradeReturnType =>
    evaluateTrade(current.state, intent, { now: BigInt(at.time), caller, ...current.oracles });

  return {
    check: (intent, at) => verdictOf(evaluate(intent, at)),
    evaluate,
    refresh,
    snapshot: () => current,
    events,
    stop: () => {
      for (const stop of unwatch) stop();
      unwatch.length = 0;
    },
  };
}
