import { MandateError } from '../model/base-error.js';
import type { AgentHealth } from './agent-health.js';
import { metricsPrefix } from './agent-metrics.js';

/** No agent answered at the status URL, or it answered something that is not a Mandate agent's. */
export class AgentStatusError extends MandateError {
  override name = 'AgentStatusError';
}

/** One series of a Prometheus text exposition. */
export type PrometheusSample = { name: string; labels: Record<string, string>; value: number };

const linePattern = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const labelPattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * Parses Prometheus text format (comments skipped, label values unescaped).
 *
 * @example
 * parsePrometheusText('mandate_trades_total{strategy="trend"} 3\n'); // [{ name: 'mandate_trades_total', labels: { strategy: 'trend' }, value: 3 }]
 */
export function parsePrometheusText(text: string): PrometheusSample[] {
  const samples: PrometheusSample[] = [];
  for (const line of text.split('\n')) {
    if (line.length === 0 || line.startsWith('#')) continue;
    const match = linePattern.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(labelPattern)) {
      labels[key!] = value!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    }
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The figures `mandate status` shows, taken from /metrics. */
export type AgentStatusFigures = {
  eventsByKind: Record<string, number>;
  rejectedEvents: Record<string, number>;
  decisionsByOutcome: Record<string, number>;
  decisionsByVerdict: Record<string, number>;
  trades: number;
  tradeValueUsd: number;
  reasonerCalls: number;
  reasonerTokens: { prompt: number; completion: number };
  rpcErrors: Record<string, number>;
  residentMemoryBytes: number | undefined;
};

export type AgentStatus = { url: string; health: AgentHealth; figures: AgentStatusFigures; samples: PrometheusSample[] };

/**
 * Sums the agent's series by one label into a record.
 *
 * @example
 * sumBy(samples, 'mandate_decisions_total', 'outcome'); // { trade: 2, hold: 7 }
 */
export function sumBy(samples: readonly PrometheusSample[], name: string, label: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const sample of samples) {
    if (sample.name !== name) continue;
    const key = sample.labels[label] ?? '';
    out[key] = (out[key] ?? 0) + sample.value;
  }
  return out;
}

const total = (samples: readonly PrometheusSample[], name: string) => samples.filter((s) => s.name === name).reduce((sum, s) => sum + s.value, 0);

/**
 * The figures of a scrape (see AgentStatusFigures).
 *
 * @example
 * const figures = statusFigures(parsePrometheusText(await (await fetch(`${url}/metrics`)).text()));
 */
export function statusFigures(samples: readonly PrometheusSample[]): AgentStatusFigures {
  const name = (suffix: string) => `${metricsPrefix}${suffix}`;
  const tokens = sumBy(samples, name('reasoner_tokens_total'), 'type');
  const rss = samples.find((s) => s.name === name('process_resident_memory_bytes'));
  return {
    eventsByKind: sumBy(samples, name('market_events_total'), 'kind'),
    rejectedEvents: sumBy(samples, name('market_events_rejected_total'), 'reason'),
    decisionsByOutcome: sumBy(samples, name('decisions_total'), 'outcome'),
    decisionsByVerdict: sumBy(samples, name('decisions_total'), 'verdict'),
    trades: total(samples, name('trades_total')),
    tradeValueUsd: total(samples, name('trade_value_usd_total')),
    reasonerCalls: total(samples, name('reasoner_calls_total')),
    reasonerTokens: { prompt: tokens.prompt ?? 0, completion: tokens.completion ?? 0 },
    rpcErrors: sumBy(samples, name('rpc_errors_total'), 'source'),
    residentMemoryBytes: rss?.value,
  };
}

/**
 * Reads a running agent's /health and /metrics (served by createAgentTelemetry).
 *
 * @example
 * const status = await readAgentStatus('http://127.0.0.1:9464');
 * console.log(status.health.status, status.figures.trades);
 */
export async function readAgentStatus(url: string, options: { timeoutMs?: number } = {}): Promise<AgentStatus> {
  const base = url.replace(/\/+$/, '');
  const get = async (path: string) => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(options.timeoutMs ?? 5_000) });
    } catch (error) {
      throw new AgentStatusError(`No agent answered at ${base}.`, {
        details: `GET ${path} failed (${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}). Is \`mandate run\` running with observability.metrics.enabled, on this port?`,
        cause: error,
      });
    }
    // 503 is a stopped agent's /health: still an answer.
    if (!response.ok && !(path === '/health' && response.status === 503)) {
      throw new AgentStatusError(`The agent at ${base} answered ${path} with HTTP ${response.status}.`);
    }
    return response.text();
  };
  const [healthText, metricsText] = await Promise.all([get('/health'), get('/metrics')]);
  let health: AgentHealth;
  try {
    health = JSON.parse(healthText) as AgentHealth;
  } catch (error) {
    throw new AgentStatusError(`${base}/health is not a Mandate agent's health.`, { details: healthText.slice(0, 200), cause: error });
  }
  if (typeof health.status !== 'string' || typeof health.runId !== 'string') {
    throw new AgentStatusError(`${base}/health is not a Mandate agent's health.`, { details: healthText.slice(0, 200) });
  }
  const samples = parsePrometheusText(metricsText);
  return { url: base, health, figures: statusFigures(samples), samples };
}
