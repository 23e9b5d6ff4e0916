import { type Command, InvalidArgumentError } from 'commander';
import { addStrategyOptions, strategiesFromOptions, type StrategyCliOptions } from '../strategy-option.js';
import { addReasonerOptions, reasonerOverrides, type ReasonerCliOptions } from '../reasoner-options.js';
import { type CommandContext, commandAction, withCommonOptions } from '../action.js';

export type DemoCommandOptions = ReasonerCliOptions & StrategyCliOptions & {
  days?: number;
  speed?: number;
  journal?: string;
  logLevel?: string;
  seed?: number;
};

const parseDays = (text: string): number => {
  const days = Number(text);
  if (!Number.isFinite(days) || days <= 0) throw new InvalidArgumentError(`"${text}" is not a number of days > 0.`);
  return days;
};
const parseSpeed = (text: string): number => {
  if (text === 'max') return 0;
  const speed = Number(text);
  if (!Number.isFinite(speed) || speed < 0) throw new InvalidArgumentError(`"${text}" is not a speed: chain seconds per wall second, or "max".`);
  return speed;
};
const parseWhole = (text: string): number => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new InvalidArgumentError(`"${text}" is not a whole number ≥ 0.`);
  return value;
};

async function runDemoCommand(ctx: CommandContext, options: DemoCommandOptions) {
  // Heavy modules load here, not at the top, so `mandate --help` and other commands stay fast.
  const [{ runDemo, defaultDemoJournalPath }, { loadCommandConfig }, { createAgentLogger }, { onStopSignal }, { formatDecision }] = await Promise.all([
    import('../../venues/live/run-demo.js'),
    import('../load-command-config.js'),
    import('../create-agent-logger.js'),
    import('../on-stop-signal.js'),
    import('../../kernel/format-decision.js'),
  ]);
  const config = await loadCommandConfig(ctx.configPath, 'devnet');
  const log = createAgentLogger(options.logLevel ?? 'warn');
  const days = options.days ?? 14;
  const controller = new AbortController();
  const interrupt = onStopSignal(() => controller.abort());
  ctx.print(`Mandate demo: a local chain with Uniswap v3 and a MandateVault, ${days} days of real ETH/USD rounds, and the agent from ${ctx.configPath ?? 'agent.config.ts'}.`);
  try {
    const summary = await runDemo({
      config,
      days,
      speed: options.speed,
      reasoner: reasonerOverrides(options),
    strategies: await strategiesFromOptions(options, config),
      journalPath: options.journal ?? defaultDemoJournalPath,
      seed: options.seed,
      log,
      signal: controller.signal,
      onDecision: (decision, agent) => ctx.print(formatDecision(decision, { tokens: agent.tokens })),
      onRound: (progress) => {
        if (progress.replayed % 100 === 0) ctx.print(`… round ${progress.replayed} (${progress.remaining} to go), chain time ${new Date(Number(progress.chainTime) * 1000).toISOString()}`);
      },
    });
    return summary;
  } finally {
    interrupt.dispose();
  }
}

type DemoResult = Awaited<ReturnType<typeof runDemoCommand>>;

function render(summary: DemoResult): string {
  const seconds = (summary.runtimeMs / 1000).toFixed(1);
  return [
    '',
    `Demo done in ${seconds} s: ${summary.rounds} rounds replayed (${summary.rejectedRounds} rejected), ${summary.marketEvents} market events.`,
    `Decisions ${summary.decisions}: ${summary.trades} trades, ${summary.holds} holds, ${summary.denied} denied, ${summary.failed} failed, ${summary.superseded} superseded.`,
    `Verified ${summary.verified}/${summary.decisions} against the chain (${summary.mismatched} mismatched, ${summary.uncommitted} uncommitted; ${summary.batches} Merkle batches committed).`,
    `Vault value $${summary.startValueUsd.toFixed(2)} → $${summary.endValueUsd.toFixed(2)}; PnL vs holding $${summary.pnlUsd.toFixed(2)}.`,
    `Journal: ${summary.journalPath} (run ${summary.runId}). Chain id ${summary.chainId}.`,
  ].join('\n');
}

/**
 * `mandate demo [--days 14] [--speed max] [--json] [--reasoner rules|llm]`: the whole product offline in
 * one command (what `npm start` runs): anvil, the devnet and vault, the market replay and the agent; one
 * line per decision, then a summary. Under `--json` the last line is the DemoSummary.
 *
 * @example
 * registerDemoCommand(program); // then: mandate demo --days 3 --json
 */
export function registerDemoCommand(program: Command): void {
  addReasonerOptions(
    withCommonOptions(
      addStrategyOptions(program.command('demo'))
        .description('run a local chain, replay real ETH/USD rounds and trade them with the agent through the vault, then verify every decision')
        .option('--days <n>', 'days of the replay to run, from its first round (default 14)', parseDays)
        .option('--speed <n>', 'chain seconds per wall second; "max" (default) = as fast as the agent keeps up', parseSpeed)
        .option('--journal <path>', 'the demo journal, recreated each run (default .mandate/demo-journal.sqlite)')
        .option('--seed <n>', 'seed of the noise swaps (default 1)', parseWhole)
        .option('--log-level <level>', 'agent log level on stderr (default warn)'),
    ),
  ).action(commandAction(runDemoCommand, render));
}
