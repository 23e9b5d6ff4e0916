import { Command } from 'commander';
import { registerConfigCommand } from './commands/config.js';
import { registerDecisionsCommand } from './commands/decisions.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerDevnetCommand } from './commands/devnet.js';
import { registerRunCommand } from './commands/run.js';
import { registerVerifySwapsCommand } from './commands/verify-swaps.js';
import { registerBacktestCommand } from './commands/backtest.js';
import { registerSweepCommand } from './commands/sweep.js';
import { registerVaultCommand } from './commands/vault.js';
import { registerStatusCommand } from './commands/status.js';

/** The `mandate` command line. Each subcommand lives in its own file under ./commands. */
const program = new Command('mandate')
  .description('Autonomous trading agents that can only act inside an on-chain mandate')
  .showHelpAfterError()
  .enablePositionalOptions();

// Subcommands register themselves here, one line each.
registerConfigCommand(program);
registerDevnetCommand(program);
registerRunCommand(program);
registerDemoCommand(program);
registerDecisionsCommand(program);
registerVerifySwapsCommand(program);
registerBacktestCommand(program);
registerSweepCommand(program);
registerVaultCommand(program);
registerStatusCommand(program);

await program.parseAsync(process.argv);
