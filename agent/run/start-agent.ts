import { randomBytes } from 'node:crypto';
import { createPublicClient, http, keccak256, toBytes, type PublicClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { redactConfig } from '../config/redact-config.js';
import type { ResolvedConfig } from '../config/index.js';
import { createBatchCommitLoop, type BatchCommitLoop } from '../execution/batch-commit-loop.js';
import type { CommitDecisions } from '../journal/merkle-batches.js';
import { createTransactionSender } from '../execution/transaction-sender.js';
import { createVaultDecisionCommit } from '../execution/vault-decision-commit.js';
import { createVaultExecutor, type VaultExecutor } from '../execution/vault-executor.js';
import { canonicalJson } from '../model/canonical-json.js';
import { reconcilePending } from '../journal/reconcile-pending.js';
import { fillFromExecutedTrade, historyLookups, readVaultDecisionHistory } from '../journal/vault-journal-chain.js';
import { openJournal, type Journal } from '../journal/open-journal.js';
import { createVirtualClock, systemClock, type Clock, type VirtualClock } from '../model/clock.js';
import { createKernel, type Kernel, type KernelSummary } from '../kernel/create-kernel.js';
import type { TokenDisplay } from '../kernel/format-decision.js';
import type { KernelStrategy } from '../model/ports.js';
import type { RecordedDecision, Signal, TradeIntent } from '../model/decision.js';
import { createLiveMarketStream } from '../market/create-live-market-stream.js';
import type { MarketStreamStats } from '../market/create-market-stream.js';
import type { Address, Hex } from '../model/address.js';
import { createVaultRiskGate, type VaultRiskGate } from '../policy/create-vault-risk-gate.js';
import { createAgentReasoner } from './agent-reasoner.js';
import type { CrashHook } from './crash-hook.js';
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
  /**
   * Crash-safe restart: when the journal holds a run of this mode, chain and vault still marked 'running'
   * (the process died), continue it instead of starting a new one: same run id, next sequence number,
   * pending decisions and batches reconciled with the chain, market read from the saved cursor.
   * Default false (`mandate run` turns it on).
   */
  resume?: boolean | undefined;
  /** Test hook (see crash-hook.ts): called at the named crash points. */
  crashHook?: CrashHook | undefined;
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

/** What a crash-safe restart found and settled. */
export type ResumeReport = {
  /** The sequence number the resumed run continues at. */
  firstSeq: number;
  /** Pending decisions completed from chain facts (trade with its fill, failed, or their lost completion). */
  reconciled: number;
  /** Decisions recorded as failed that the vault had executed after all. */
  amended: number;
  /** The market block the run continues after (undefined: from the confirmed head). */
  marketCursor: bigint | undefined;
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
  /** Whether this run continues one interrupted by a crash, and what reconciliation did. */
  readonly resumed: ResumeReport | undefined;
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
  const interrupted = parameters.resume
    ? journal.runs
        .list('running')
        .find((run) => run.mode === parameters.mode && run.chainId === target.chain.id && run.vault === target.vault.toLowerCase() && (parameters.runId === undefined || run.id === parameters.runId))
    : undefined;
  const runId = interrupted?.id ?? parameters.runId ?? defaultRunId(parameters.mode);
  const marketCursorName = `market:${target.chain.id}:${target.vault.toLowerCase()}`;
  const crash = parameters.crashHook;
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
      onSent:
        crash === undefined
          ? parameters.onTradeSent
          : (intent, txHash) => {
              parameters.onTradeSent?.(intent, txHash);
              crash('after-send');
            },
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
    // A resumed run first settles what the crash left behind, from chain facts only; the history read here
    // also tells the batch committer which pending roots already reached the vault.
    let resumed: ResumeReport | undefined;
    let findCommitted: ReturnType<typeof historyLookups>['findCommitted'] | undefined;
    if (interrupted) {
      // A transaction the dead process sent may still be in the node's pool: wait until the agent has none
      // pending, so 'not executed' below means it never will be (the process that could send is gone).
      // Bounded (a minute of wall time): a transaction stuck in the pool keeps its decision pending instead.
      let nothingInPool = false;
      const waitUntil = Date.now() + 60_000;
      for (let attempt = 0; ; attempt++) {
        const [pendingNonce, latestNonce] = await Promise.all([
          client.getTransactionCount({ address: account.address, blockTag: 'pending' }),
          client.getTransactionCount({ address: account.address, blockTag: 'latest' }),
        ]);
        if (pendingNonce === latestNonce) {
          nothingInPool = true;
          break;
        }
        if (Date.now() > waitUntil) break;
        if (attempt === 0) log.warn({ pending: pendingNonce - latestNonce }, 'Waiting for the interrupted run\'s transactions to be mined');
        await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
      }
      // From the vault's deploy block: a batch left pending may be older than any saved cursor.
      const history = await readVaultDecisionHistory({ client, vault: target.vault, fromBlock: target.vaultFromBlock });
      const lookups = historyLookups(history);
      findCommitted = lookups.findCommitted;
      const reconciled = await reconcilePending({
        journal,
        runId,
        findExecutedTrade: async (id) => {
          const trade = lookups.lookupTrade(id);
          return trade && (await fillFromExecutedTrade(client, trade));
        },
        chainTime: async () => (await client.getBlock({ blockTag: 'latest' })).timestamp,
      });
      // No TradeExecuted and nothing of ours left in the node's pool: these can never execute.
      if (!nothingInPool && reconciled.waiting.length > 0) {
        log.warn({ waiting: reconciled.waiting.map(({ id }) => id) }, 'Transactions of the interrupted run are still in the pool: their decisions stay pending until a later restart reconciles them');
      }
      for (const { id, deadline } of nothingInPool ? reconciled.waiting : []) {
        journal.decisions.complete(id, { outcome: 'failed', reason: `NotExecuted: no TradeExecuted and no transaction pending when the run resumed (deadline ${deadline})` });
      }
      journal.cursors.set('vault', { block: history.toBlock });
      const cursor = journal.cursors.get(marketCursorName);
      resumed = {
        firstSeq: journal.decisions.nextSeq(runId),
        reconciled: reconciled.completed.length + reconciled.waiting.length,
        amended: reconciled.amended.length,
        marketCursor: cursor?.block,
      };
      log.warn({ runId, ...resumed, marketCursor: cursor?.block.toString() }, 'Resuming an interrupted run');
    }

    const stepped = parameters.marketReads === 'stepped' ? createSteppedScheduler() : undefined;
    const stream = createLiveMarketStream({
      scheduler: stepped,
      client,
      feeds: target.feeds,
      pools: target.pools.map((pool) => pool.address),
      source: config.market.source,
      confirmations: config.chain.confirmations,
      pollIntervalMs,
      fromBlock: resumed?.marketCursor === undefined ? undefined : resumed.marketCursor + 1n,
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
    if (interrupted) journal.runs.resume(runId);
    else journal.runs.start({ id: runId, configDigest, mode: parameters.mode, chainId: target.chain.id, vault: target.vault });
    const decisionJournal =
      crash === undefined
        ? journal.decisions
        : {
            record(content: Parameters<typeof journal.decisions.record>[0]) {
              crash('before-journal');
              const hash = journal.decisions.record(content);
              if (content.intent !== undefined && content.verdict.allowed) crash('after-journal');
              return hash;
            },
            complete: (id: Hex, completion: Parameters<typeof journal.decisions.complete>[1]) => journal.decisions.complete(id, completion),
          };
    kernel = createKernel({
      runId,
      firstSeq: resumed?.firstSeq,
      strategies,
      reasoner: reasoning.reasoner,
      riskGate: gate,
      executor,
      journal: decisionJournal,
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
      commit: withCrashHook(createVaultDecisionCommit({ client, sender, vault: target.vault }), crash),
      findCommitted,
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

    // The market cursor: every event up to a block the stream delivered is processed once the kernel is
    // idle; saved so a restart continues after it instead of reading (and deciding on) events again.
    let savingCursor = false;
    const saveMarketCursor = async () => {
      if (savingCursor) return;
      savingCursor = true;
      try {
        const block = stream.stats().lastProcessedBlock;
        if (block === undefined) return;
        await kernel!.idle();
        const saved = journal.cursors.get(marketCursorName)?.block;
        if (saved === undefined || block > saved) journal.cursors.set(marketCursorName, { block });
      } catch {
        // the journal closed under us at shutdown: the final save in finish covers it
      } finally {
        savingCursor = false;
      }
    };
    const cursorTimer = setInterval(() => void saveMarketCursor(), Math.max(50, Math.min(pollIntervalMs, 1000)));
    cursorTimer.unref();
    cleanups.push(() => clearInterval(cursorTimer));
    if (resumed) commits.poke();

    const prices = { base: target.baseFeed, quote: target.quoteFeed };
    const start = await readPortfolio(client, executor, target, prices);
    const done = kernel.run().then(
      (summary) => finish(summary, undefined),
      (error: unknown) => finish(kernel!.summary(), error),
    );

    async function finish(summary: KernelSummary, error: unknown): Promise<AgentRunSummary> {
      clearInterval(cursorTimer);
      const lastBlock = stream.stats().lastProcessedBlock;
      if (lastBlock !== undefined) {
        const saved = journal.cursors.get(marketCursorName)?.block;
        if (saved === undefined || lastBlock > saved) journal.cursors.set(marketCursorName, { block: lastBlock });
      }
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
      resumed,
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

function withCrashHook(commit: CommitDecisions, crash: CrashHook | undefined): CommitDecisions {
  if (crash === undefined) return commit;
  return async (batch) => {
    const receipt = await commit(batch);
    crash('during-commit');
    return receipt;
  };
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
