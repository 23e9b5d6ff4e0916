import type { Command } from 'commander';
import type { AgentStatus } from '../../observability/read-agent-status.js';
import { type CommandContext, type CommandResult, commandAction, withCommonOptions } from '../action.js';

/** Where `mandate run` serves /health and /metrics by default (observability.metrics.port). */
export const defaultStatusUrl = 'http://127.0.0.1:9464';

export type StatusCommandOptions = { url?: string };

const isoTime = (seconds: number | null) => (seconds === null ? 'never' : new Date(seconds * 1000).toISOString().replace('.000Z', 'Z'));
const list = (record: Record<string, number>) =>
  Object.entries(record)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ') || 'none';

/**
 * The readable form of a running agent's health and metrics.
 *
 * @example
 * console.log(renderAgentStatus(await readAgentStatus('http://127.0.0.1:9464')));
 */
export function renderAgentStatus(status: AgentStatus): string {
  const { health, figures } = status;
  const lag = health.lagBlocks === null ? 'unknown' : `${health.lagBlocks} blocks (head ${health.headBlock}, processed ${health.lastProcessedBlock})`;
  return [
    `Agent ${health.runId} at ${status.url}: ${health.status.toUpperCase()}`,
    ...health.reasons.map((reason) => `  ! ${reason}`),
    `  last event     ${isoTime(health.lastEventTime)} (market time)`,
    `  last decision  ${isoTime(health.lastDecisionTime)}`,
    `  lag            ${lag}`,
    `  events         ${health.events} (${list(figures.eventsByKind)}); rejected/dropped: ${list(figures.rejectedEvents)}`,
    `  decisions      ${health.decisions} (${list(figures.decisionsByOutcome)})`,
    `  verdicts       ${list(figures.decisionsByVerdict)}`,
    `  trades         ${figures.trades} ($${figures.tradeValueUsd.toFixed(2)})`,
    `  reasoner       ${figures.reasonerCalls} calls, ${figures.reasonerTokens.prompt} prompt + ${figures.reasonerTokens.completion} completion tokens`,
    `  RPC errors     ${list(figures.rpcErrors)}`,
    ...(figures.residentMemoryBytes === undefined ? [] : [`  memory (RSS)   ${(figures.residentMemoryBytes / 2 ** 20).toFixed(1)} MiB`]),
  ].join('\n');
}

/** --url, else the config's observability.metrics.port on 127.0.0.1 when a config is given or present, else the default. */
async function statusUrl(ctx: CommandContext, options: StatusCommandOptions): Promise<string> {
  if (options.url) return options.url;
  const { existsSync } = await import('node:fs');
  const { defaultConfigPath, loadConfig } = await import('../../config/index.js');
  if (ctx.configPath === undefined && !existsSync(defaultConfigPath)) return defaultStatusUrl;
  const config = await loadConfig(ctx.configPath, { mode: 'live', readOnly: true });
  return `http://127.0.0.1:${config.observability.metrics.port}`;
}

async function status(ctx: CommandContext, options: StatusCommandOptions): Promise<CommandResult> {
  const { readAgentStatus } = await import('../../observability/read-agent-status.js');
  const found = await readAgentStatus(await statusUrl(ctx, options));
  // The raw series are for Prometheus; the JSON keeps the health and the figures.
  return { url: found.url, health: found.health, figures: found.figures };
}

/**
 * `mandate status [--url http://127.0.0.1:9464] [--json]`: a running agent's /health and /metrics, readable.
 *
 * @example
 * registerStatusCommand(program);
 */
export function registerStatusCommand(program: Command): void {
  withCommonOptions(program.command('status'))
    .description("show a running agent's health and metrics (from its /health and /metrics)")
    .option('--url <url>', `the agent's observability URL (default: 127.0.0.1 on the config's observability.metrics.port, ${defaultStatusUrl})`)
    .action(commandAction(status, (result) => renderAgentStatus(result as unknown as AgentStatus)));
}
