import { createPublicClient, http, parseGwei, type PublicClient } from 'viem';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import type { ResolvedConfig } from '../../config/index.js';
import type { Venue } from '../../engine/venue.js';
import { createLiveMarketStream } from '../../market/create-live-market-stream.js';
import { toAddress, type Hex } from '../../model/address.js';
import { createVirtualClock, systemClock, type Clock, type VirtualClock } from '../../model/clock.js';
import type { MarketSnapshot } from '../../model/ports.js';
import { createVaultRiskGate, type VaultRiskGate } from '../../policy/create-vault-risk-gate.js';
import type { AgentTarget } from './agent-target.js';
import type { CrashHook } from './crash-hook.js';
import { withInFlightTrades, type InFlightRiskGate } from './in-flight-risk-gate.js';
import { createSteppedScheduler } from './stepped-scheduler.js';
import { createTransactionSender, type TransactionSender } from './transaction-sender.js';
import { createVaultExecutor, type VaultExecutor } from './vault-executor.js';
import type { TradeIntent } from '../../model/decision.js';

export type CreateLiveVenueParameters = {
  config: ResolvedConfig;
  target: AgentTarget;
  /** The RPC client of the target's chain (see createTargetClient). */
  client: PublicClient;
  /** 'chain': a virtual clock following chain time (devnets, whose time the driver warps); 'wall': the system clock. */
  time: 'chain' | 'wall';
  pollIntervalMs: number;
  /** 'watch': the gate re-reads on vault events and feeds on blocks; 'own-trades': it learns of this agent's fills only. */
  policyUpdates: 'watch' | 'own-trades';
  /** 'poll': the stream polls; 'stepped': it reads only when a lockstep driver releases it (the demo). */
  marketReads: 'poll' | 'stepped';
  /** The market block to continue after (a resumed run). */
  marketCursor: bigint | undefined;
  crashHook?: CrashHook | undefined;
  onTradeSent?: ((intent: TradeIntent, txHash: Hex) => void) | undefined;
  log: { info(details: object, message: string): void; warn(details: object, message: string): void; child(bindings: object): unknown };
};

export type LiveVenue = Venue & {
  readonly kind: 'live';
  readonly client: PublicClient;
  readonly account: PrivateKeyAccount;
  readonly sender: TransactionSender;
  readonly executor: VaultExecutor;
  readonly riskGate: InFlightRiskGate;
  /** The vault gate under the in-flight wrapper: its snapshot, refresh and stop. */
  readonly vaultGate: VaultRiskGate;
  readonly clock: Clock | VirtualClock;
  readonly stream: ReturnType<typeof createLiveMarketStream>;
  /** The lockstep scheduler when `marketReads` is 'stepped'. */
  readonly stepped: ReturnType<typeof createSteppedScheduler> | undefined;
  /** Hands the venue the kernel's market state once the kernel exists (the in-flight gate reads it). */
  attach(market: MarketSnapshot): void;
  stop(): void;
};

/**
 * The RPC client an agent uses for its target chain.
 *
 * @example
 * const client = createTargetClient(target, config.market.pollIntervalMs);
 */
export function createTargetClient(target: Pick<AgentTarget, 'chain' | 'rpcUrl'>, pollIntervalMs: number): PublicClient {
  return createPublicClient({ chain: target.chain, transport: http(target.rpcUrl, { batch: false }), pollingInterval: pollIntervalMs }) as PublicClient;
}

/**
 * The live venue: the market stream from the chain (Chainlink and Uniswap logs or polls), the vault
 * executor (simulate, send, await the receipt, decode TradeExecuted), the vault's own policy read from the
 * chain and made aware of the trades in flight, and the wall clock, or the chain's on a devnet.
 *
 * @example
 * const venue = await createLiveVenue({ config, target, client, time: 'wall', pollIntervalMs: 2000, policyUpdates: 'watch', marketReads: 'poll', marketCursor: undefined, log });
 * const engine = createEngine({ config, venue, journal: journal.decisions, runId });
 * venue.attach(engine.kernel.market);
 */
export async function createLiveVenue(parameters: CreateLiveVenueParameters): Promise<LiveVenue> {
  const { config, target, log, pollIntervalMs, crashHook: crash } = parameters;
  const watchPolicy = parameters.policyUpdates === 'watch';
  const { client } = parameters;
  const account = privateKeyToAccount(target.agentKey);
  const virtualClock = parameters.time === 'chain' ? createVirtualClock(Number((await client.getBlock({ blockTag: 'latest' })).timestamp) * 1000) : undefined;
  const clock: Clock | VirtualClock = virtualClock ?? systemClock;
  const gas = config.execution.gas;
  const sender = createTransactionSender({
    client,
    account,
    chain: target.chain,
    gasLimitMultiplier: gas.gasLimitMultiplier,
    maxFeePerGas: gas.maxFeePerGasGwei === undefined ? undefined : parseGwei(gas.maxFeePerGasGwei),
    maxPriorityFeePerGas: gas.maxPriorityFeePerGasGwei === undefined ? undefined : parseGwei(gas.maxPriorityFeePerGasGwei),
    pollingIntervalMs: pollIntervalMs,
  });
  const vaultExecutor = createVaultExecutor({
    client,
    sender,
    vault: target.vault,
    tokens: [target.base.address, target.quote.address],
    fromBlock: target.vaultFromBlock,
    onSent:
      crash === undefined
        ? parameters.onTradeSent
        : (intent, txHash) => {
            parameters.onTradeSent?.(intent, txHash);
            crash('after-send');
          },
  });
  const vaultGate = await createVaultRiskGate({
    client,
    vault: target.vault,
    caller: toAddress(account.address),
    tokens: [target.base.address, target.quote.address],
    pools: target.pools.map((pool) => ({ tokenA: target.quote.address, tokenB: target.base.address, fee: pool.fee })),
    fromBlock: target.vaultFromBlock,
    watchEvents: watchPolicy,
    watchOracles: watchPolicy,
    onError: (error) => log.warn({ error: error instanceof Error ? error.message.split('\n')[0] : String(error) }, 'Re-reading the vault policy failed; keeping the last snapshot'),
  });
  let kernelMarket: MarketSnapshot | undefined;
  const riskGate = withInFlightTrades(vaultGate, toAddress(account.address), () => kernelMarket!);
  // After a fill, before the kernel moves on: the gate learns the block time the vault charged the trade
  // at, and a chain-time clock catches up with it (anvil's time runs ahead of the replayed events).
  const executor: VaultExecutor = {
    ...vaultExecutor,
    async execute(intent) {
      const result = await vaultExecutor.execute(intent);
      if (!result.ok) {
        riskGate.settle(intent.decisionId, false);
        return result;
      }
      const blockTime = await client
        .getBlock({ blockNumber: result.fill.block })
        .then((block) => Number(block.timestamp))
        .catch(() => undefined);
      riskGate.settle(intent.decisionId, true, blockTime);
      if (blockTime !== undefined && virtualClock !== undefined && blockTime * 1000 > virtualClock.now()) virtualClock.advanceTo(blockTime * 1000);
      return result;
    },
  };
  const stepped = parameters.marketReads === 'stepped' ? createSteppedScheduler() : undefined;
  const stream = createLiveMarketStream({
    scheduler: stepped,
    client,
    feeds: target.feeds,
    pools: target.pools.map((pool) => pool.address),
    source: config.market.source,
    confirmations: config.chain.confirmations,
    pollIntervalMs,
    fromBlock: parameters.marketCursor === undefined ? undefined : parameters.marketCursor + 1n,
    logger: log.child({ module: 'market' }) as never,
  });
  return {
    kind: 'live',
    market: { base: target.base, quote: target.quote, baseFeed: target.baseFeed, quoteFeed: target.quoteFeed, pools: target.pools },
    clock,
    executor,
    riskGate,
    vaultGate,
    market$: stream.market$,
    client,
    account,
    sender,
    stream,
    stepped,
    attach(snapshot) {
      kernelMarket = snapshot;
    },
    stop: () => vaultGate.stop(),
  };
}
