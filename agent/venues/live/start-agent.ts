import { randomBytes } from 'node:crypto';
import type { PublicClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { ResolvedConfig } from '../../config/index.js';
import { redactConfig } from '../../config/redact-config.js';
import { createEngine, type Engine, type RunStrategy } from '../../engine/create-engine.js';
import type { CommitDecisions } from '../../journal/merkle-batches.js';
import { openJournal, type Journal } from '../../journal/open-journal.js';
import { storedAddress } from '../../journal/stored-address.js';
import type { Kernel, KernelSummary } from '../../kernel/create-kernel.js';
import type { TokenDisplay } from '../../kernel/format-decision.js';
import type { MarketStreamStats } from '../../market/create-market-stream.js';
import { toAddress, type Address, type Hex } from '../../model/address.js';
import { canonicalJson } from '../../model/canonical-json.js';
import { systemClock, type Clock, type VirtualClock } from '../../model/clock.js';
import type { RecordedDecision, Signal, TradeIntent } from '../../model/decision.js';
import type { DecisionJournal } from '../../model/ports.js';
import { keccak256Hex } from '../../model/keccak.js';
import type { VaultRiskGate } from '../../policy/create-vault-risk-gate.js';
import type { AgentTarget } from './agent-target.js';
import { createBatchCommitLoop, type BatchCommitLoop } from './batch-commit-loop.js';
import type { CrashHook } from './crash-hook.js';
import { createLiveVenue, createTargetClient } from './create-live-venue.js';
import { readPortfolio, type Portfolio } from './portfolio.js';
import { resumeInterruptedRun, type ResumeReport } from './resume-interrupted-run.js';
import { createVaultDecisionCommit } from './vault-decision-commit.js';
import type { VaultExecutor } from './vault-executor.js';

export type { ResumeReport } from './resume-interrupted-run.js';

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
  /** The strategies to run instead of the config's (`--strategy`). */
  strategies?: readonly RunStrategy[] | undefined;
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

export type RunningAgent = {
  readonly runId: string;
  readonly target: AgentTarget;
  readonly kernel: Kernel;
  readonly journal: Journal;
  readonly client: PublicClient;
  readonly executor: VaultExecutor;
  readonly gate: VaultRiskGate;
  /** The run's engine: its strategies, reasoner and per-strategy books. */
  readonly engine: Engine;
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
 * A running agent, shared by `mandate run` and `mandate demo`: the live venue (market stream, vault
 * executor, the vault's policy aware of trades in flight, wall or chain clock) under the one engine
 * (strategies, reasoner, kernel), the SQLite journal, Merkle batch commits, and crash-safe restarts: a
 * resumed run reconciles with the chain, restores its strategies' states and market cursor, and neither
 * forgets nor decides twice.
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
  const journalPath = parameters.journalPath ?? config.journal.path;
  // The journal's own times are wall times until the venue's clock exists (a resumed run's reconciliation).
  let clock: Clock | VirtualClock = systemClock;
  const journal = openJournal({ path: journalPath, clock: { now: () => clock.now() }, durability: parameters.journalDurability });
  const interrupted = parameters.resume
    ? journal.runs
        .list('running')
        .find((run) => run.mode === parameters.mode && run.chainId === target.chain.id && run.vault === target.vault && (parameters.runId === undefined || run.id === parameters.runId))
    : undefined;
  const runId = interrupted?.id ?? parameters.runId ?? defaultRunId(parameters.mode);
  // The cursor's name keeps the journal's stored (lower-case) spelling, so an older journal resumes from it.
  const marketCursorName = `market:${target.chain.id}:${storedAddress(target.vault)}`;
  const crash = parameters.crashHook;
  const configDigest = keccak256Hex(canonicalJson(JSON.parse(JSON.stringify(redactConfig(config).config)) as unknown));

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
    const client = createTargetClient(target, pollIntervalMs);
    const resumed =
      interrupted === undefined
        ? undefined
        : await resumeInterruptedRun({
            client,
            journal,
            runId,
            agent: toAddress(privateKeyToAccount(target.agentKey).address),
            vault: target.vault,
            vaultFromBlock: target.vaultFromBlock,
            marketCursorName,
            pollIntervalMs,
            log,
          });
    const venue = await createLiveVenue({
      config,
      target,
      client,
      time: parameters.time,
      pollIntervalMs,
      policyUpdates: parameters.policyUpdates ?? 'watch',
      marketReads: parameters.marketReads ?? 'poll',
      marketCursor: resumed?.report.marketCursor,
      crashHook: crash,
      onTradeSent: parameters.onTradeSent,
      log,
    });
    cleanups.push(() => venue.stop());
    clock = venue.clock;
    const { stream, stepped } = venue;

    const decisionJournal: DecisionJournal =
      crash === undefined
        ? journal.decisions
        : {
            record(content, trigger) {
              crash('before-journal');
              const hash = journal.decisions.record(content, trigger);
              if (content.intent !== undefined && content.verdict.allowed) crash('after-journal');
              return hash;
            },
            complete: (id, completion) => journal.decisions.complete(id, completion),
          };
    const engine = createEngine({
      config,
      venue,
      journal: decisionJournal,
      runId,
      strategies: parameters.strategies,
      firstSeq: resumed?.report.firstSeq,
      decided: resumed?.decided,
      seenThroughBlock: resumed?.checkpoint?.block,
      reasoner: { ...parameters.reasoner, log: log.child({ module: 'reasoner' }) },
      onSignal: parameters.onSignal,
      log: log.child({ module: 'kernel' }),
    });
    cleanups.push(() => engine.close());
    const kernel = engine.kernel;
    venue.attach(kernel.market);
    const restoredStrategies = resumed?.checkpoint === undefined ? [] : Object.keys(resumed.checkpoint.states);
    if (resumed?.checkpoint !== undefined) kernel.loadStrategyStates(resumed.checkpoint.states);
    const resumeReport: ResumeReport | undefined = resumed === undefined ? undefined : { ...resumed.report, restoredStrategies };
    if (resumeReport !== undefined) log.warn({ runId, ...resumeReport, marketCursor: resumeReport.marketCursor?.toString() }, 'Resuming an interrupted run');

    // The run starts after every check that can fail on a bad config, so a refused start leaves no run row.
    if (interrupted) journal.runs.resume(runId);
    else journal.runs.start({ id: runId, configDigest, mode: parameters.mode, chainId: target.chain.id, vault: target.vault });
    const commits = createBatchCommitLoop({
      journal,
      vault: target.vault,
      commits: config.commits,
      clock,
      commit: withCrashHook(createVaultDecisionCommit({ sender: venue.sender, vault: target.vault }), crash),
      findCommitted: resumed?.findCommitted,
      checkEveryMs: parameters.commitCheckEveryMs,
      log: log.child({ module: 'commits' }),
    });
    cleanups.push(() => commits.stop());

    let fills = 0;
    kernel.decisions$.subscribe((decision) => {
      const { completion } = decision;
      if (completion.outcome === 'trade' && (watchPolicy || ++fills % 16 === 0)) void venue.vaultGate.refresh().catch(() => undefined);
      if (completion.outcome !== 'trade') commits.poke();
      parameters.onDecision?.(decision);
    });

    // The checkpoint: every event up to a block the stream delivered is processed once the kernel is idle;
    // the strategies' states then belong to exactly that block. Saved with the market cursor in one
    // transaction, so a restart continues after it instead of reading (and deciding on) events again.
    let checkpointing = false;
    let failedToSave = false;
    const saveCheckpoint = (): void => {
      const block = stream.stats().lastProcessedBlock;
      if (block === undefined) return;
      const saved = journal.cursors.get(marketCursorName)?.block;
      if (saved !== undefined && block <= saved) return;
      let states: Record<string, unknown> = {};
      try {
        states = kernel.saveStrategyStates();
      } catch (error) {
        // A strategy whose state cannot be saved: the cursor still moves, and its state restarts fresh.
        if (!failedToSave) log.warn({ error: error instanceof Error ? error.message : String(error) }, 'A strategy state could not be saved; it will start fresh after a restart');
        failedToSave = true;
      }
      journal.checkpoints.save(runId, marketCursorName, { block, states });
    };
    const checkpointWhenIdle = async () => {
      if (checkpointing) return;
      checkpointing = true;
      try {
        await kernel.idle();
        // Synchronous from here: no event can arrive between the block read and the states saved.
        saveCheckpoint();
      } catch {
        // the journal closed under us at shutdown: the final save in finish covers it
      } finally {
        checkpointing = false;
      }
    };
    const checkpointTimer = setInterval(() => void checkpointWhenIdle(), Math.max(50, Math.min(pollIntervalMs, 1000)));
    checkpointTimer.unref();
    cleanups.push(() => clearInterval(checkpointTimer));
    if (resumed) commits.poke();

    const prices = { base: target.baseFeed, quote: target.quoteFeed };
    const start = await readPortfolio(client, venue.executor, target, prices);
    const done = kernel.run().then(
      (summary) => finish(summary, undefined),
      (error: unknown) => finish(kernel.summary(), error),
    );

    async function finish(summary: KernelSummary, error: unknown): Promise<AgentRunSummary> {
      clearInterval(checkpointTimer);
      try {
        saveCheckpoint();
      } catch (checkpointError) {
        log.warn({ error: checkpointError instanceof Error ? checkpointError.message.split('\n')[0] : String(checkpointError) }, 'The final checkpoint could not be saved');
      }
      venue.stop();
      commits.stop();
      try {
        await commits.flush();
      } catch (flushError) {
        log.warn({ error: flushError instanceof Error ? flushError.message.split('\n')[0] : String(flushError) }, 'The final decision commit failed; the decisions stay uncommitted in the journal');
      }
      const status = error === undefined ? 'completed' : 'failed';
      journal.runs.end(runId, status);
      if (error !== undefined) log.error({ error: error instanceof Error ? error.message : String(error) }, 'The agent stopped on an error');
      const end = await readPortfolio(client, venue.executor, target, prices).catch(() => start);
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
      engine,
      journal,
      resumed: resumeReport,
      client,
      executor: venue.executor,
      gate: venue.vaultGate,
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
        await kernel.idle();
      },
      stop: () => {
        kernel.stop();
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

function defaultRunId(mode: string): string {
  const time = new Date(systemClock.now()).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${mode}-${time}-${randomBytes(3).toString('hex')}`;
}
