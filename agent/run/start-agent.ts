import { randomBytes } from 'node:crypto';
import { createPublicClient, http, keccak256, toBytes, type PublicClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { redactConfig } from '../config/redact-config.js';
import type { ResolvedConfig } from '../config/index.js';
import { createBatchCommitLoop, type BatchCommitLoop } from '../execution/batch-commit-loop.js';
import { createTransactionSender } from '../execution/transaction-sender.js';
import { createVaultDecisionCommit } from '../execution/vault-decision-commit.js';
import { createVaultExecutor, type VaultExecutor } from '../execution/vault-executor.js';
import { canonicalJson } from '../journal/canonical-json.js';
import { openJournal, type Journal } from '../journal/open-journal.js';
import { createVirtualClock, systemClock, type Clock, type VirtualClock } from '../kernel/clock.js';
import { createKernel, type Kernel, type KernelSummary } from '../kernel/create-kernel.js';
import type { TokenDisplay } from '../kernel/format-decision.js';
import type { KernelStrategy, RecordedDecision, Signal, TradeIntent } from '../kernel/types.js';
import { createLiveMarketStream } from '../market/create-live-market-stream.js';
import type { MarketStreamStats } from '../market/create-market-stream.js';
import type { Address, Hex } from '../market/market-event.js';
import { createVaultRiskGate, type VaultRiskGate } from '../policy/create-vault-risk-gate.js';
import { createAgentReasoner } from './agent-reasoner.js';
import type { AgentTarget } from './agent-target.js';
import { createAgentStrategies } from './agent-strategies.js';
import { withInFlightTrades, type InFlightRiskGate } from './in-flight-risk-gate.js';
import { createSteppedScheduler } from './stepped-scheduler.js';
import { readPortfolio, type Portfolio } from './portfolio.js';

/** A pino logger, or anything with its (details, message) methods. */
export type AgentLogger = {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
  child(bindings: object): AgentLogger;
};

export type StartAgentParameters = {
  config: ResolvedConfig;
  target: AgentTarget;
  /** The run's mode in the journal. */
  mode: 'live' | 'demo';
  /**
   * 'chain': a virtual clock that follows chain time (the market events' times): for devnets, whose time
   * the market driver warps. 'wall': the system clock, for real chains.
   */
  time: 'chain' | 'wall';
  /** `--reasoner` / `--reasoner-cache` overrides. */
  reasoner?: { reasoner?: 'rules' | 'llm' | undefined; cacheMode?: 'off' | 'record' | 'replay' | undefined } | undefined;
  /** Default: config.journal.path. */
  journalPath?: string | undefined;
  /**
   * The journal's fsync policy (see openJournal): 'full' (default) for real runs; the demo, whose chain
   * is gone when it ends, uses 'normal'.
   */
  journalDurability?: 'full' | 'normal' | undefined;
  /** Default: `<mode>-<UTC time>-<random>`. */
  runId?: string | undefined;
  log: AgentLogger;
  /** Market stream and receipt polling, ms. Default config.market.pollIntervalMs. */
  pollIntervalMs?: number | undefined;
  /**
   * How the risk gate keeps up with the vault. 'watch' (default): it re-reads on every vault event and the
   * feeds on every block. 'own-trades': no watching; the gate learns of this agent's trades as it allows
   * them and re-reads the vault every 16 fills. Right when nothing else changes the vault (the demo), and
   * much cheaper on a chain that mines hundreds of blocks a second.
   */
  policyUpdates?: 'watch' | 'own-trades' | undefined;
  /**
   * 'poll' (default): the market stream polls every `pollIntervalMs`. 'stepped': it reads the chain only
   * inside `catchUp(block)`, so a lockstep driver (the demo) hands the agent each round whole.
   */
  marketReads?: 'poll' | 'stepped' | undefined;
  /** How often (wall ms) the batch committer checks by age when nothing happens. Default 10 000. */
  commitCheckEveryMs?: number | undefined;
  /** Each decision once journaled and completed. */
  onDecision?: ((decision: RecordedDecision) => void) | undefined;
  /** When a strategy emits a signal, before any reasoning (latency benchmarks). */
  onSignal?: ((signal: Signal) => void) | undefined;
  /** Right after the node accepted a trade transaction (latency benchmarks). */
  onTradeSent?: ((intent: TradeIntent, txHash: Hex) => void) | undefined;
};

/** What a finished agent run reports (`mandate run --json`, `mandate demo --json` build on it). */
export type AgentRunSummary = KernelSummary & {
  chainId: number;
  vault: Address;
  journalPath: string;
  status: 'completed' | 'failed';
  /** Merkle batches committed during the run (the final flush included), and failed commit attempts. */
  batches: number;
  commitFailures: number;
  /** Non-trade decisions whose root is not on-chain yet (0 after a clean stop). */
  uncommitted: number;
  /** Market events the sources rejected, by reason, and events dropped as duplicate or out of order. */
  rejectedEvents: Record<string, number>;
  droppedEvents: Record<string, number>;
  start: Portfolio;
  end: Portfolio;
  /** End value minus the start balances valued at end prices: what trading added over holding, USD. */
  pnlUsd: number;
  error: string | undefined;
};

export type RunningAgent = {
  readonly runId: string;
  readonly target: AgentTarget;
  readonly kernel: Kernel;
  readonly journal: Journal;
  readonly client: PublicClient;
  readonly executor: VaultExecutor;
  readonly gate: VaultRiskGate;
  readonly commits: BatchCommitLoop;
  readonly clock: Clock | VirtualClock;
  /** Token symbols and decimals for formatDecision. */
  readonly tokens: ReadonlyMap<Address, TokenDisplay>;
  /** The market stream's counters. */
  marketStats(): MarketStreamStats;
  /**
   * Resolves once every market event up to `block` has reached the kernel and every decision it caused
   * is journaled and complete: a driver that waits on it keeps the agent in lockstep with the chain.
   */
  catchUp(block: bigint): Promise<void>;
  /** Asks the agent to stop: no more events; work in flight finishes, is journaled, and batches are flushed. */
  stop(): void;
  /** Resolves when the run has ended (stopped, or the market stream failed), with its summary. */
  readonly done: Promise<AgentRunSummary>;
  /** Closes the journal and the reasoner's cache (after `done`). */
  close(): void;
};

/**
 * The composition root of a running agent, shared by `mandate run` and `mandate demo`: market stream
 * (Chainlink + Uniswap) → kernel (configured strategies, reasoner, the vault's risk gate aware of trades
 * in flight, the vault executor) → SQLite journal → Merkle batch commits, all from one config and target.
 *
 * @example
 * const agent = await startAgent({ config, target: devnetAgentTarget(manifest, config), mode: 'live', time: 'chain', log });
 * process.once('SIGTERM', () => agent.stop());
 * const summary = await agent.done;
 * agent.close();
 */
export async function startAgent(parameters: StartAgentParameters): Promise<RunningAgent> {
  const { config, target, log } = parameters;
  const pollIntervalMs = parameters.pollIntervalMs ?? config.market.pollIntervalMs;
  const watchPolicy = (parameters.policyUpdates ?? 'watch') === 'watch';
  const client = createPublicClient({ chain: target.chain, transport: http(target.rpcUrl, { batch: false }), pollingInterval: pollIntervalMs }) as PublicClient;
  const account = privateKeyToAccount(target.agentKey);

  const virtualClock = parameters.time === 'chain' ? createVirtualClock(Number((await client.getBlock({ blockTag: 'latest' })).timestamp) * 1000) : undefined;
  const clock: Clock | VirtualClock = virtualClock ?? systemClock;
  const journalPath = parameters.journalPath ?? config.journal.path;
  const journal = openJournal({ path: journalPath, clock, durability: parameters.journalDurability });
  const runId = parameters.runId ?? defaultRunId(parameters.mode);
  const configDigest = keccak256(toBytes(canonicalJson(JSON.parse(JSON.stringify(redactConfig(config).config)) as unknown)));

  const cleanups: (() => void)[] = [() => journal.close()];
  const close = () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        cleanup();
      } catch {
        // closing twice or a cache already closed: nothing to do
      }
    }
  };

  try {
    const sender = createTransactionSender({
      client,
      account,
      chain: target.chain,
      gasLimitMultiplier: config.execution.gas.gasLimitMultiplier,
      maxFeePerGas: gwei(config.execution.gas.maxFeePerGasGwei),
      maxPriorityFeePerGas: gwei(config.execution.gas.maxPriorityFeePerGasGwei),
      pollingIntervalMs: pollIntervalMs,
    });
    const vaultExecutor = createVaultExecutor({
      client,
      sender,
      vault: target.vault,
      tokens: [target.base.address, target.quote.address],
      fromBlock: target.vaultFromBlock,
      onSent: parameters.onTradeSent,
    });
    let gate: InFlightRiskGate | undefined;
    // After a fill, before the kernel moves on: the gate learns the block time the vault charged the trade
    // at, and a chain-time clock catches up with it (anvil's time runs ahead of the replayed events).
    const executor: VaultExecutor = {
      ...vaultExecutor,
      async execute(intent) {
        const result = await vaultExecutor.execute(intent);
        if (!result.ok) {
          gate?.settle(intent.decisionId, false);
          return result;
        }
        const blockTime = await client
          .getBlock({ blockNumber: result.fill.block })
          .then((block) => Number(block.timestamp))
          .catch(() => undefined);
        gate?.settle(intent.decisionId, true, blockTime);
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
      logger: log.child({ module: 'market' }) as never,
    });
    const onSignal = parameters.onSignal;
    const strategies: KernelStrategy[] = createAgentStrategies(config, target).map((strategy) =>
      onSignal === undefined
        ? strategy
        : {
            id: strategy.id,
            setBalances: (balances) => strategy.setBalances?.(balances),
            onMarket(market) {
              const signal = strategy.onMarket(market);
              if (signal !== undefined) onSignal(signal);
              return signal;
            },
          },
    );
    const reasoning = createAgentReasoner(config, target, { ...parameters.reasoner, clock, log: log.child({ module: 'reasoner' }) });
    cleanups.push(() => reasoning.close());

    const vaultGate = await createVaultRiskGate({
      client,
      vault: target.vault,
      caller: account.address,
      tokens: [target.base.address, target.quote.address],
      pools: target.pools.map((pool) => ({ tokenA: target.quote.address, tokenB: target.base.address, fee: pool.fee })),
      fromBlock: target.vaultFromBlock,
      watchEvents: watchPolicy,
      watchOracles: watchPolicy,
      onError: (error) => log.warn({ error: error instanceof Error ? error.message.split('\n')[0] : String(error) }, 'Re-reading the vault policy failed; keeping the last snapshot'),
    });
    cleanups.push(() => vaultGate.stop());
    let kernel: Kernel | undefined;
    gate = withInFlightTrades(vaultGate, account.address, () => kernel!.market);

    // The run starts after every check that can fail on a bad config, so a refused start leaves no run row.
    journal.runs.start({ id: runId, configDigest, mode: parameters.mode, chainId: target.chain.id, vault: target.vault });
    kernel = createKernel({
      runId,
      strategies,
      reasoner: reasoning.reasoner,
      riskGate: gate,
      executor,
      journal: journal.decisions,
      clock,
      tradeDeadlineSeconds: config.execution.deadlineSeconds,
      market$: stream.market$,
      log: log.child({ module: 'kernel' }),
    });
    const commits = createBatchCommitLoop({
      journal,
      vault: target.vault,
      commits: config.commits,
      clock,
      commit: createVaultDecisionCommit({ client, sender, vault: target.vault }),
      checkEveryMs: parameters.commitCheckEveryMs,
      log: log.child({ module: 'commits' }),
    });
    cleanups.push(() => commits.stop());

    let fills = 0;
    kernel.decisions$.subscribe((decision) => {
      const { content, completion } = decision;
      if (completion.outcome === 'trade' && (watchPolicy || ++fills % 16 === 0)) void vaultGate.refresh().catch(() => undefined);
      if (completion.outcome !== 'trade') commits.poke();
      parameters.onDecision?.(decision);
    });

    const prices = { base: target.baseFeed, quote: target.quoteFeed };
    const start = await readPortfolio(client, executor, target, prices);
    const done = kernel.run().then(
      (summary) => finish(summary, undefined),
      (error: unknown) => finish(kernel!.summary(), error),
    );

    async function finish(summary: KernelSummary, error: unknown): Promise<AgentRunSummary> {
      vaultGate.stop();
      commits.stop();
      try {
        await commits.flush();
      } catch (flushError) {
        log.warn({ error: flushError instanceof Error ? flushError.message.split('\n')[0] : String(flushError) }, 'The final decision commit failed; the decisions stay uncommitted in the journal');
      }
      const status = error === undefined ? 'completed' : 'failed';
      journal.runs.end(runId, status);
      if (error !== undefined) log.error({ error: error instanceof Error ? error.message : String(error) }, 'The agent stopped on an error');
      const end = await readPortfolio(client, executor, target, prices).catch(() => start);
      const stats = stream.stats();
      return {
        ...summary,
        chainId: target.chain.id,
        vault: target.vault,
        journalPath,
        status,
        batches: commits.committed,
        commitFailures: commits.failures,
        uncommitted: journal.decisions.uncommitted({ vault: target.vault }).length,
        rejectedEvents: stats.rejectedByReason,
        droppedEvents: stats.dropped,
        start,
        end,
        pnlUsd: end.valueUsd - holdingValue(start, end),
        error: error === undefined ? undefined : error instanceof Error ? error.message.split('\n')[0] : String(error),
      };
    }

    const tokens = new Map<Address, TokenDisplay>([
      [target.base.address, { symbol: target.base.symbol, decimals: target.base.decimals }],
      [target.quote.address, { symbol: target.quote.symbol, decimals: target.quote.decimals }],
    ]);

    return {
      runId,
      target,
      kernel,
      journal,
      client,
      executor,
      gate: vaultGate,
      commits,
      clock,
      tokens,
      marketStats: () => stream.stats(),
      async catchUp(block) {
        while ((stream.stats().lastProcessedBlock ?? -1n) < block - BigInt(config.chain.confirmations)) {
          // A stepped stream reads when released; released while it is still reading, it has nothing to run.
          stepped?.release();
          await new Promise((resolve) => setTimeout(resolve, stepped ? 1 : 2));
        }
        await kernel!.idle();
      },
      stop: () => {
        kernel!.stop();
        // A stepped stream's pending poll would otherwise wait for a release that never comes.
        stepped?.release();
      },
      done,
      close,
    };
  } catch (error) {
    close();
    throw error;
  }
}

/** What the start balances would be worth at the end prices: the do-nothing benchmark. */
function holdingValue(start: Portfolio, end: Portfolio): number {
  return start.base * end.basePrice + start.quote * end.quotePrice;
}

function gwei(amount: string | undefined): bigint | undefined {
  if (amount === undefined) return undefined;
  const [whole, fraction = ''] = amount.split('.');
  return BigInt(whole!) * 10n ** 9n + BigInt((fraction + '000000000').slice(0, 9));
}

function defaultRunId(mode: string): string {
  const time = new Date(systemClock.now()).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${mode}-${time}-${randomBytes(3).toString('hex')}`;
}
