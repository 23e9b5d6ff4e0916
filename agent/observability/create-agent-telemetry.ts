import type { Observable, Subscription } from 'rxjs';
import { systemClock, type Clock } from '../model/clock.js';
import type { KernelSummary } from '../kernel/create-kernel.js';
import type { RecordedDecision } from '../model/decision.js';
import type { MarketStreamStats } from '../market/create-market-stream.js';
import { createAgentMetrics, type AgentMetrics } from './agent-metrics.js';
import { evaluateHealth, type AgentHealth, type HealthThresholds } from './agent-health.js';
import { serveObservability, type ObservabilityServer, type ServeObservabilityParameters } from './serve-observability.js';

export type CreateAgentTelemetryParameters = {
  runId: string;
  /** The kernel (or anything with its decisions$ and summary()): decisions are counted as they are journaled. */
  kernel?: { readonly decisions$: Observable<RecordedDecision>; summary(): KernelSummary } | undefined;
  /** The market stream's counters (createMarketStream's `stats`, or RunningAgent's `marketStats`). */
  market?: { stats(): MarketStreamStats } | undefined;
  /** The agent's clock: last decision time and event silence are measured on it. Default wall time. */
  clock?: Clock | undefined;
  /** Serve /health and /metrics on this local port (0: a free one), and whatever `handle` answers (the console). Default: no server. */
  server?: { port: number; host?: string | undefined; handle?: ServeObservabilityParameters['handle'] } | undefined;
  health?: HealthThresholds | undefined;
  /** prom-client's process metrics (RSS, heap, CPU, event loop). Default true. */
  processMetrics?: boolean | undefined;
};

export type AgentTelemetry = {
  readonly metrics: AgentMetrics;
  /** The server's URL when one was asked for. */
  readonly url: string | undefined;
  /** Samples the kernel and market stream and judges the agent's health. */
  health(): AgentHealth;
  /** Counts one decision (the kernel's decisions$ is already wired; use this without a kernel). */
  recordDecision(decision: RecordedDecision): void;
  /** Counts failed RPC attempts outside the market stream (the executor, the batch committer). */
  recordRpcError(source: string, count?: number): void;
  /** Marks the run as ended: /health says stopped (also done when decisions$ completes). */
  markStopped(): void;
  /** Unsubscribes and closes the server. */
  close(): Promise<void>;
};

/**
 * Labels must stay few: a verdict reason is the vault's error name or one of the kernel's notSentReasons,
 * but an LLM rejection may carry text, so only its leading identifier is used.
 */
const verdictLabel = (decision: RecordedDecision): string => {
  const verdict = decision.content.verdict;
  if (verdict.allowed) return 'allowed';
  return /^[A-Za-z][A-Za-z0-9_]{0,63}/.exec(verdict.reason)?.[0] ?? 'other';
};

/**
 * The agent's observability in one call: Prometheus metrics fed by the kernel's decisions$ (decisions by
 * outcome and verdict, trades, reasoner calls and tokens, last decision time) and, sampled on every
 * scrape, the kernel's summary (events, last event time) and the market stream's stats (events by kind,
 * rejected and dropped events, RPC errors, head, lag), plus process metrics; and, with `server`, GET
 * /health and GET /metrics on 127.0.0.1.
 *
 * @example
 * const telemetry = await createAgentTelemetry({
 *   runId: agent.runId,
 *   kernel: agent.kernel,
 *   market: { stats: agent.marketStats },
 *   clock: agent.clock,
 *   server: config.observability.metrics.enabled ? { port: config.observability.metrics.port } : undefined,
 * });
 * try { await agent.done; } finally { telemetry.markStopped(); await telemetry.close(); }
 */
export async function createAgentTelemetry(parameters: CreateAgentTelemetryParameters): Promise<AgentTelemetry> {
  const { runId, kernel, market } = parameters;
  const clock = parameters.clock ?? systemClock;
  const metrics = createAgentMetrics({ processMetrics: parameters.processMetrics });
  const nowSeconds = () => clock.now() / 1000;

  let stopped = false;
  let decisions = 0;
  let lastDecisionTime: number | null = null;
  let lastEventSeenAt = nowSeconds();
  let lastEventCount = 0;
  // Absolute counts already turned into counter increments (the sources report totals).
  const seen = new Map<string, number>();
  const advance = (key: string, total: number): number => {
    const delta = total - (seen.get(key) ?? 0);
    if (delta > 0) seen.set(key, total);
    return delta > 0 ? delta : 0;
  };

  function recordDecision(decision: RecordedDecision): void {
    const { content, completion } = decision;
    decisions += 1;
    metrics.decisions.inc({ outcome: completion.outcome, verdict: verdictLabel(decision) });
    if (completion.outcome === 'trade') {
      metrics.trades.inc({ strategy: content.strategyId });
      metrics.tradeValueUsd.inc({ strategy: content.strategyId }, Number(completion.fill.valueUsd / 10n ** 12n) / 1e6);
    }
    const reasoning = content.reasoning;
    // model 'none' marks decisions the reasoner never answered (superseded, failed before it).
    if (reasoning.model !== 'none') metrics.reasonerCalls.inc({ reasoner: reasoning.reasoner, cached: String(reasoning.cached === true) });
    if (reasoning.tokens) {
      metrics.reasonerTokens.inc({ reasoner: reasoning.reasoner, type: 'prompt' }, reasoning.tokens.prompt);
      metrics.reasonerTokens.inc({ reasoner: reasoning.reasoner, type: 'completion' }, reasoning.tokens.completion);
    }
    lastDecisionTime = nowSeconds();
    metrics.lastDecisionTime.set(lastDecisionTime);
  }

  function health(): AgentHealth {
    const summary = kernel?.summary();
    const stats = market?.stats();
    const events = summary?.events ?? (stats ? stats.eventsByKind.oracle + stats.eventsByKind.pool : 0);
    if (events !== lastEventCount) {
      lastEventCount = events;
      lastEventSeenAt = nowSeconds();
    }
    if (stats) {
      for (const kind of ['oracle', 'pool'] as const) metrics.events.inc({ kind }, advance(`kind:${kind}`, stats.eventsByKind[kind]));
      for (const [reason, count] of Object.entries(stats.rejectedByReason)) metrics.rejectedEvents.inc({ reason }, advance(`rejected:${reason}`, count));
      for (const [reason, count] of Object.entries(stats.dropped)) metrics.rejectedEvents.inc({ reason }, advance(`dropped:${reason}`, count));
      metrics.rpcErrors.inc({ source: 'market' }, advance('rpc:market', stats.rpcErrors));
      if (stats.headBlock !== undefined) metrics.headBlock.set(Number(stats.headBlock));
      if (stats.lastProcessedBlock !== undefined) metrics.lastProcessedBlock.set(Number(stats.lastProcessedBlock));
      if (stats.lagBlocks !== undefined) metrics.lagBlocks.set(Number(stats.lagBlocks));
    } else {
      metrics.events.inc({ kind: 'any' }, advance('kind:any', events));
    }
    const lastEventTime = summary?.lastEventTime ?? null;
    if (lastEventTime !== null) metrics.lastEventTime.set(lastEventTime);
    const judged = evaluateHealth(
      {
        stopped,
        runId,
        lastEventTime,
        lastDecisionTime,
        lagBlocks: stats?.lagBlocks === undefined ? null : Number(stats.lagBlocks),
        headBlock: stats?.headBlock === undefined ? null : Number(stats.headBlock),
        lastProcessedBlock: stats?.lastProcessedBlock === undefined ? null : Number(stats.lastProcessedBlock),
        consecutiveRpcErrors: stats?.consecutiveErrors ?? 0,
        lastRpcError: stats?.lastError,
        events,
        decisions,
        now: nowSeconds(),
        lastEventSeenAt,
      },
      parameters.health,
    );
    metrics.up.set(judged.status === 'ok' ? 1 : judged.status === 'degraded' ? 0.5 : 0);
    return judged;
  }

  const subscription: Subscription | undefined = kernel?.decisions$.subscribe({
    next: recordDecision,
    complete: () => {
      stopped = true;
    },
  });
  let server: ObservabilityServer | undefined;
  if (parameters.server) {
    server = await serveObservability({ port: parameters.server.port, host: parameters.server.host, registry: metrics.registry, health, handle: parameters.server.handle });
  }

  return {
    metrics,
    url: server?.url,
    health,
    recordDecision,
    recordRpcError: (source, count = 1) => metrics.rpcErrors.inc({ source }, count),
    markStopped: () => {
      stopped = true;
    },
    async close() {
      subscription?.unsubscribe();
      await server?.close();
    },
  };
}
