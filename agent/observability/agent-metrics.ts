import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** Every metric name starts with this. */
export const metricsPrefix = 'mandate_';

/**
 * The agent's Prometheus metrics on their own registry (so two agents in one process, or tests, never
 * share counters). Counters only go up; gauges are set from the latest sample.
 */
export type AgentMetrics = {
  registry: Registry;
  /** Market events published, by kind (oracle, pool; "any" when only the kernel's count is known). */
  events: Counter<'kind'>;
  /** Market events the sources rejected (bad rounds, stale, ...) or the stream dropped, by reason. */
  rejectedEvents: Counter<'reason'>;
  /** Journaled decisions, by outcome (trade, hold, denied, failed, superseded) and verdict (allowed or the denial reason). */
  decisions: Counter<'outcome' | 'verdict'>;
  /** Executed trades, by strategy. */
  trades: Counter<'strategy'>;
  /** USD value of executed trades (the vault's oracle value). */
  tradeValueUsd: Counter<'strategy'>;
  /** Reasoner answers that produced a decision, by reasoner (rules, llm) and whether the LLM cache answered. */
  reasonerCalls: Counter<'reasoner' | 'cached'>;
  /** LLM tokens, by kind (prompt, completion). */
  reasonerTokens: Counter<'reasoner' | 'type'>;
  /** Failed RPC attempts, by where they happened (market, executor, ...). */
  rpcErrors: Counter<'source'>;
  /** Chain head − last fully processed block. */
  lagBlocks: Gauge;
  headBlock: Gauge;
  lastProcessedBlock: Gauge;
  /** Unix seconds (agent clock) of the last journaled decision. */
  lastDecisionTime: Gauge;
  /** Unix seconds (market time) of the last applied market event. */
  lastEventTime: Gauge;
  /** 1 healthy, 0.5 degraded, 0 stopped: for alerts that only need one series. */
  up: Gauge;
};

export type CreateAgentMetricsParameters = {
  /** Also collect prom-client's process metrics (CPU, RSS, heap, event loop lag, GC). Default true. */
  processMetrics?: boolean | undefined;
  /** Labels on every series (say `{ run_id }`). */
  defaultLabels?: Record<string, string> | undefined;
};

/**
 * Creates the agent's metrics (see AgentMetrics) on a fresh registry.
 *
 * @example
 * const metrics = createAgentMetrics();
 * metrics.decisions.inc({ outcome: 'hold', verdict: 'Hold' });
 * const text = await metrics.registry.metrics(); // Prometheus exposition format
 */
export function createAgentMetrics(parameters: CreateAgentMetricsParameters = {}): AgentMetrics {
  const registry = new Registry();
  if (parameters.defaultLabels) registry.setDefaultLabels(parameters.defaultLabels);
  if (parameters.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: metricsPrefix });
  const registers = [registry];
  const name = (suffix: string) => `${metricsPrefix}${suffix}`;
  return {
    registry,
    events: new Counter({ name: name('market_events_total'), help: 'Market events published, by kind', labelNames: ['kind'], registers }),
    rejectedEvents: new Counter({
      name: name('market_events_rejected_total'),
      help: 'Market events rejected by the sources or dropped by the stream, by reason',
      labelNames: ['reason'],
      registers,
    }),
    decisions: new Counter({
      name: name('decisions_total'),
      help: 'Journaled decisions, by outcome and verdict',
      labelNames: ['outcome', 'verdict'],
      registers,
    }),
    trades: new Counter({ name: name('trades_total'), help: 'Executed trades, by strategy', labelNames: ['strategy'], registers }),
    tradeValueUsd: new Counter({
      name: name('trade_value_usd_total'),
      help: 'USD value of executed trades (vault oracle value)',
      labelNames: ['strategy'],
      registers,
    }),
    reasonerCalls: new Counter({
      name: name('reasoner_calls_total'),
      help: 'Reasoner answers that produced a decision, by reasoner and cache hit',
      labelNames: ['reasoner', 'cached'],
      registers,
    }),
    reasonerTokens: new Counter({ name: name('reasoner_tokens_total'), help: 'LLM tokens used, by type', labelNames: ['reasoner', 'type'], registers }),
    rpcErrors: new Counter({ name: name('rpc_errors_total'), help: 'Failed RPC attempts, by source', labelNames: ['source'], registers }),
    lagBlocks: new Gauge({ name: name('lag_blocks'), help: 'Chain head minus the last fully processed block', registers }),
    headBlock: new Gauge({ name: name('head_block'), help: 'Chain head at the last poll', registers }),
    lastProcessedBlock: new Gauge({ name: name('last_processed_block'), help: 'Last block whose market events were all published', registers }),
    lastDecisionTime: new Gauge({ name: name('last_decision_timestamp_seconds'), help: 'Agent-clock unix time of the last journaled decision', registers }),
    lastEventTime: new Gauge({ name: name('last_event_timestamp_seconds'), help: 'Market time (unix) of the last applied market event', registers }),
    up: new Gauge({ name: name('up'), help: '1 healthy, 0.5 degraded, 0 stopped', registers }),
  };
}
