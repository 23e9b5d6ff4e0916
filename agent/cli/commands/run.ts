import type { Command } from 'commander';
import { addStrategyOptions, strategiesFromOptions, type StrategyCliOptions } from '../strategy-option.js';
import { addReasonerOptions, reasonerOverrides, type ReasonerCliOptions } from '../reasoner-options.js';
import { type CommandContext, commandAction, withCommonOptions } from '../action.js';
import { type RpcOptions, rememberRpcUrl, withRpcOption } from '../rpc-option.js';

export type RunCommandOptions = ReasonerCliOptions & RpcOptions & StrategyCliOptions & {
  devnet?: boolean;
  manifest?: string;
  journal?: string;
  logLevel?: string;
  /** Commander's `--no-resume`: false starts a new run even when an interrupted one is in the journal. */
  resume?: boolean;
};

async function runAgentCommand(ctx: CommandContext, options: RunCommandOptions) {
  // Heavy modules load here, so `mandate --help` and the other commands stay fast.
  const [{ loadCommandConfig }, { createAgentLogger }, { onStopSignal }, { devnetAgentTarget, liveAgentTarget }, { readDevnetManifest }, { startAgent }, { formatDecision }, { crashHookFromEnv }] =
    await Promise.all([
      import('../load-command-config.js'),
      import('../create-agent-logger.js'),
      import('../on-stop-signal.js'),
      import('../../venues/live/agent-target.js'),
      import('../../devnet/devnet-manifest.js'),
      import('../../venues/live/start-agent.js'),
      import('../../kernel/format-decision.js'),
      import('../../venues/live/crash-hook.js'),
    ]);
  // --rpc outranks MANDATE_RPC_URL and chain.rpcUrl, so it is given to the config as that variable.
  const env = options.rpcUrl === undefined ? undefined : { ...process.env, MANDATE_RPC_URL: options.rpcUrl };
  const config = await loadCommandConfig(ctx.configPath, options.devnet ? 'devnet' : undefined, { env });
  if (config.chain.rpcUrl !== undefined) rememberRpcUrl(config.chain.rpcUrl);
  const devnet = options.devnet === true || config.chain.preset === 'devnet';
  let target = devnet ? devnetAgentTarget(readDevnetManifest(options.manifest ?? config.chain.devnetManifest), config) : liveAgentTarget(config);
  if (devnet && options.rpcUrl !== undefined) {
    target = { ...target, rpcUrl: options.rpcUrl, chain: { ...target.chain, rpcUrls: { default: { http: [options.rpcUrl] } } } };
  }
  const log = createAgentLogger(options.logLevel ?? config.observability.logLevel);

  const agent = await startAgent({
    config,
    target,
    mode: 'live',
    // A devnet's time is whatever the market driver warped it to: follow chain time there.
    time: devnet ? 'chain' : 'wall',
    reasoner: reasonerOverrides(options),
    strategies: await strategiesFromOptions(options, config),
    journalPath: options.journal,
    // Crash-safe restart: an interrupted run of this vault and chain is reconciled and continued.
    resume: options.resume !== false,
    crashHook: process.env['MANDATE_CRASH_AT'] ? crashHookFromEnv() : undefined,
    log,
    // Anvil answers in microseconds; a real RPC is polled at the configured interval.
    pollIntervalMs: devnet ? Math.min(config.market.pollIntervalMs, 100) : undefined,
    onDecision: (decision) => ctx.print(formatDecision(decision, { tokens: agent.tokens })),
  });
  let observability: Awaited<ReturnType<typeof serveObservability>>;
  try {
    observability = await serveObservability(config, agent);
  } catch (error) {
    // The port is taken, say: nothing may keep running that the operator cannot watch as configured.
    agent.stop();
    await agent.done;
    agent.close();
    throw error;
  }
  if (observability.url) ctx.print(`Observability at ${observability.url}: /health, /metrics${config.observability.console ? `; the console at ${observability.url}/` : ''}.`);
  const interrupt = onStopSignal((signal) => {
    log.info({ signal }, 'Stopping: finishing the work in flight, then committing the remaining decisions');
    agent.stop();
  });
  log.info({ runId: agent.runId, network: target.network, chainId: target.chain.id, vault: target.vault, journal: agent.journal.path }, 'Agent started');
  if (agent.resumed) {
    ctx.print(`Resumed interrupted run ${agent.runId} at decision #${agent.resumed.firstSeq}: ${agent.resumed.reconciled} pending decisions reconciled with the chain, ${agent.resumed.amended} amended.`);
  }
  ctx.print(`Agent ${agent.runId} running on ${target.network} (chain ${target.chain.id}), vault ${target.vault}; journal ${agent.journal.path}. Ctrl-C or SIGTERM stops it.`);
  try {
    const summary = await agent.done;
    // The summary is still printed; the exit code tells a supervisor the agent stopped on an error.
    if (summary.status === 'failed') process.exitCode = 1;
    const { start, end, ...rest } = summary;
    return { ...rest, startValueUsd: start.valueUsd, endValueUsd: end.valueUsd };
  } finally {
    interrupt.dispose();
    await observability.close();
    agent.close();
  }
}

/**
 * /health and /metrics when observability.metrics is enabled, and the read-only console beside them, on
 * the same port, when observability.console is on (the console's decisions update live).
 */
async function serveObservability(
  config: import('../../config/index.js').ResolvedConfig,
  agent: import('../../venues/live/start-agent.js').RunningAgent,
): Promise<{ url: string | undefined; close(): Promise<void> }> {
  const { observability } = config;
  if (!observability.metrics.enabled && !observability.console) return { url: undefined, close: async () => undefined };
  const { createAgentTelemetry } = await import('../../observability/create-agent-telemetry.js');
  const { target } = agent;
  let telemetry: import('../../observability/create-agent-telemetry.js').AgentTelemetry | undefined;
  const view = observability.console
    ? (await import('../../console/attach-console.js')).attachConsole({
        journal: agent.journal,
        decisions$: agent.kernel.decisions$,
        chain: {
          network: target.network,
          chainId: target.chain.id,
          vault: target.vault,
          fromBlock: target.vaultFromBlock,
          rpcUrl: target.rpcUrl,
          tokens: [target.quote, target.base],
          pools: target.pools.map((pool) => ({ tokenA: target.quote.address, tokenB: target.base.address, fee: pool.fee })),
        },
        health: () => telemetry!.health(),
        llm: { budget: config.reasoner.llm.budget, cachePath: config.reasoner.llm.cachePath },
      })
    : undefined;
  try {
    telemetry = await createAgentTelemetry({ runId: agent.runId, kernel: agent.kernel, market: { stats: agent.marketStats }, clock: agent.clock, server: { port: observability.metrics.port, handle: view?.handle } });
  } catch (error) {
    view?.dispose();
    throw error;
  }
  return {
    url: telemetry.url,
    async close() {
      telemetry!.markStopped();
      view?.dispose();
      await telemetry!.close();
    },
  };
}

type RunResult = Awaited<ReturnType<typeof runAgentCommand>>;

function render(summary: RunResult): string {
  return [
    `Run ${summary.runId} ${summary.status}${summary.error ? `: ${summary.error}` : ''}.`,
    `Decisions ${summary.decisions}: ${summary.trades} trades, ${summary.holds} holds, ${summary.denied} denied, ${summary.failed} failed, ${summary.superseded} superseded; ${summary.events} market events.`,
    `Merkle batches committed: ${summary.batches}; uncommitted decisions: ${summary.uncommitted}. Journal: ${summary.journalPath}.`,
  ].join('\n');
}

/**
 * `mandate run [--devnet] [--config <path>] [--json] [--reasoner rules|llm]`: the long-running agent.
 * `--devnet` (or chain.preset 'devnet') trades on the local devnet from its manifest; otherwise the chain
 * preset, chain.vault, `--rpc` (else MANDATE_RPC_URL, chain.rpcUrl) and MANDATE_AGENT_KEY. Prints a line per
 * decision; SIGINT/SIGTERM stop it gracefully (work in flight finishes, decisions are committed, the run row
 * is ended); under `--json` the last line is the run summary.
 *
 * @example
 * registerRunCommand(program); // then: mandate run --devnet
 */
export function registerRunCommand(program: Command): void {
  const command = withCommonOptions(
    program
      .command('run')
      .description('run the agent: watch prices, decide, trade through the vault, journal and commit every decision')
      .option('--devnet', 'trade on the local devnet (addresses and agent key from its manifest)')
      .option('--manifest <path>', 'the devnet manifest (default: the config\'s chain.devnetManifest)')
      .option('--journal <path>', 'the decision journal (default: the config\'s journal.path)')
      .option('--no-resume', 'start a new run even if the journal holds an interrupted one for this vault and chain')
      .option('--log-level <level>', 'log level on stderr (default: the config\'s observability.logLevel)'),
  );
  withRpcOption(command, "JSON-RPC endpoint (default: MANDATE_RPC_URL, then chain.rpcUrl; the devnet manifest's with --devnet)");
  addReasonerOptions(addStrategyOptions(command)).action(commandAction(runAgentCommand, render));
}
