import { rmSync } from 'node:fs';
import { startAnvil } from '../../chain/anvil.js';
import { deployDevnet } from '../../devnet/deploy-devnet.js';
import { defaultDevnetExtensions } from '../../devnet/devnet-extensions.js';
import { runMarketDriver, type MarketDriverResult, type MarketRoundProgress } from '../../devnet/market-driver.js';
import { defaultReplayCsvPath, loadReplayRounds } from '../../devnet/replay-rounds.js';
import type { ResolvedConfig } from '../../config/index.js';
import type { RunStrategy } from '../../engine/create-engine.js';
import { systemClock } from '../../model/clock.js';
import type { RecordedDecision } from '../../model/decision.js';
import { verifyJournalAgainstVault } from '../../journal/vault-journal-chain.js';
import type { VerifyJournalReturnType } from '../../journal/verify-journal.js';
import { devnetAgentTarget } from './agent-target.js';
import { startAgent, type AgentLogger, type AgentRunSummary, type RunningAgent } from './start-agent.js';

/** Where the demo keeps its journal: its own file, recreated each run (its chain is gone when it ends). */
export const defaultDemoJournalPath = '.mandate/demo-journal.sqlite';

export type RunDemoParameters = {
  config: ResolvedConfig;
  /** Days of the replay to run, from its first round. Default 14. */
  days?: number | undefined;
  /** Chain seconds per wall second; 0 = as fast as the agent keeps up. Default 0. */
  speed?: number | undefined;
  reasoner?: { reasoner?: 'rules' | 'llm' | undefined; cacheMode?: 'off' | 'record' | 'replay' | undefined } | undefined;
  /** The strategies to run instead of the config's (`--strategy`). */
  strategies?: readonly RunStrategy[] | undefined;
  journalPath?: string | undefined;
  roundsCsvPath?: string | undefined;
  seed?: number | undefined;
  log: AgentLogger;
  onDecision?: ((decision: RecordedDecision, agent: RunningAgent) => void) | undefined;
  onRound?: ((progress: MarketRoundProgress) => void) | undefined;
  /** Stops the replay early (the agent then finishes, commits and verifies as usual). */
  signal?: AbortSignal | undefined;
};

/** What `mandate demo --json` prints as its last line. */
export type DemoSummary = {
  decisions: number;
  trades: number;
  holds: number;
  denied: number;
  failed: number;
  superseded: number;
  /** Decisions proven against the chain: trades by their TradeExecuted, the rest by a committed Merkle root. */
  verified: number;
  mismatched: number;
  uncommitted: number;
  pnlUsd: number;
  chainId: number;
  batches: number;
  days: number;
  rounds: number;
  rejectedRounds: number;
  rejectedByReason: Record<string, number>;
  marketEvents: number;
  startValueUsd: number;
  endValueUsd: number;
  runId: string;
  journalPath: string;
  runtimeMs: number;
  verification: Pick<VerifyJournalReturnType, 'byStatus'>;
  agent: Pick<AgentRunSummary, 'status' | 'error' | 'signals' | 'strategyErrors'>;
};

/**
 * `mandate demo`: anvil, the devnet with its vault, the market driver replaying the first `days` of real
 * ETH/USD rounds, and the agent from the config trading against it, all in this process. The agent runs in
 * lockstep with the replay (each round waits until the agent has decided on it), on a clock that follows
 * chain time, so decisions are the same at any machine speed. At the end the remaining decisions are
 * committed, every decision is verified against the chain, and anvil stops.
 *
 * @example
 * const summary = await runDemo({ config: await loadConfig(undefined, { mode: 'devnet' }), log: pino() });
 * console.log(summary.trades, summary.denied, summary.verified === summary.decisions);
 */
export async function runDemo(parameters: RunDemoParameters): Promise<DemoSummary> {
  const startedAt = systemClock.now();
  const days = parameters.days ?? 14;
  const roundsPath = parameters.roundsCsvPath ?? defaultReplayCsvPath;
  // The devnet mines a block per transaction and never reorgs: no confirmations needed.
  const config: ResolvedConfig = { ...parameters.config, chain: { ...parameters.config.chain, confirmations: 0 } };
  const { rounds } = await loadReplayRounds(roundsPath);
  const firstRound = rounds[0]!;
  const journalPath = parameters.journalPath ?? defaultDemoJournalPath;
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${journalPath}${suffix}`, { force: true });

  const anvil = await startAnvil({ port: 0, timestamp: firstRound.updatedAt - 60n });
  try {
    const manifest = await deployDevnet({ rpcUrl: anvil.rpcUrl, firstRound, replaySource: roundsPath, extensions: defaultDevnetExtensions, config });
    const target = devnetAgentTarget(manifest, config);
    const agent = await startAgent({
      config,
      target,
      mode: 'demo',
      time: 'chain',
      reasoner: parameters.reasoner,
      strategies: parameters.strategies,
      journalPath,
      journalDurability: 'normal',
      log: parameters.log,
      // Lockstep: the agent reads each round whole when the driver has finished it (receipts still poll
      // briefly); only its own trades change the vault.
      pollIntervalMs: 10,
      marketReads: 'stepped',
      policyUpdates: 'own-trades',
      commitCheckEveryMs: 0,
      onDecision: (decision) => parameters.onDecision?.(decision, agent),
    });
    let market: MarketDriverResult;
    let summary: AgentRunSummary;
    try {
      market = await runMarketDriver({
        manifest,
        roundsCsvPath: roundsPath,
        speed: parameters.speed ?? 0,
        until: firstRound.updatedAt + BigInt(Math.round(days * 86_400)),
        seed: parameters.seed,
        signal: parameters.signal,
        onRound: async (progress) => {
          await agent.catchUp(await agent.client.getBlockNumber({ cacheTime: 0 }));
          parameters.onRound?.(progress);
        },
      });
      await agent.catchUp(await agent.client.getBlockNumber({ cacheTime: 0 }));
    } finally {
      agent.stop();
      summary = await agent.done;
    }
    try {
      const report = await verifyJournalAgainstVault({
        journal: agent.journal,
        client: agent.client,
        vault: target.vault,
        fromBlock: BigInt(manifest.startBlock),
        runId: agent.runId,
      });
      return {
        decisions: summary.decisions,
        trades: summary.trades,
        holds: summary.holds,
        denied: summary.denied,
        failed: summary.failed,
        superseded: summary.superseded,
        verified: report.verified,
        mismatched: report.mismatched,
        uncommitted: report.uncommitted,
        pnlUsd: round2(summary.pnlUsd),
        chainId: summary.chainId,
        batches: summary.batches,
        days,
        rounds: market.replayed,
        rejectedRounds: market.rejected,
        rejectedByReason: market.rejectedByReason,
        marketEvents: summary.events,
        startValueUsd: round2(summary.start.valueUsd),
        endValueUsd: round2(summary.end.valueUsd),
        runId: agent.runId,
        journalPath,
        runtimeMs: systemClock.now() - startedAt,
        verification: { byStatus: report.byStatus },
        agent: { status: summary.status, error: summary.error, signals: summary.signals, strategyErrors: summary.strategyErrors },
      };
    } finally {
      agent.close();
    }
  } finally {
    await anvil.stop();
  }
}

const round2 = (value: number) => Math.round(value * 100) / 100;
