import { Command } from 'commander';

/** The `mandate` command line. Each subcommand lives in its own file under ./commands. */
const program = new Command('mandate')
  .description('Autonomous trading agents that can only act inside an on-chain mandate')
  .showHelpAfterError()
  .enablePositionalOptions();

type Register = (program: Command) => void;

/**
 * Subcommands, in help order, loaded on demand: a command's module pulls in viem, the kernel, the
 * simulator or SQLite, and under tsx every import costs startup time, so `mandate run` loads only
 * `run` (every module is loaded for `--help` or an unknown command, so those list everything).
 */
const commands: Record<string, () => Promise<Register>> = {
  config: async () => (await import('./commands/config.js')).registerConfigCommand,
  devnet: async () => (await import('./commands/devnet.js')).registerDevnetCommand,
  run: async () => (await import('./commands/run.js')).registerRunCommand,
  demo: async () => (await import('./commands/demo.js')).registerDemoCommand,
  decisions: async () => (await import('./commands/decisions.js')).registerDecisionsCommand,
  data: async () => (await import('./commands/data.js')).registerDataCommand,
  'verify-swaps': async () => (await import('./commands/verify-swaps.js')).registerVerifySwapsCommand,
  backtest: async () => (await import('./commands/backtest.js')).registerBacktestCommand,
  sweep: async () => (await import('./commands/sweep.js')).registerSweepCommand,
  worker: async () => (await import('./commands/worker.js')).registerWorkerCommand,
  vault: async () => (await import('./commands/vault.js')).registerVaultCommand,
  status: async () => (await import('./commands/status.js')).registerStatusCommand,
  console: async () => (await import('./commands/console.js')).registerConsoleCommand,
};

const requested = process.argv[2];
const load = requested !== undefined && requested in commands ? [requested] : Object.keys(commands);
for (const name of load) (await commands[name]!())(program);

await program.parseAsync(process.argv);
