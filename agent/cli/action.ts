import type { Command } from 'commander';
import { MandateError } from '../model/base-error.js';
import { redactRpcUrls, rememberRpcUrl } from './rpc-option.js';

/** What every command's handler receives besides its own arguments. */
export type CommandContext = {
  /** `--json`: the last line of stdout is one JSON object; human output goes to stderr. */
  json: boolean;
  /** `--config <path>`, or undefined for `./agent.config.ts`. */
  configPath: string | undefined;
  /** A line of human-readable output or progress: stdout normally, stderr under `--json`. */
  print: (line: string) => void;
};

export type CommandResult = Record<string, unknown>;

/** Adds the options every command shares. */
export function withCommonOptions(command: Command): Command {
  return command
    .option('--json', 'print one machine-readable JSON object as the last line of stdout')
    .option('--config <path>', 'path to the agent config', undefined);
}

const toJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/**
 * Wraps a command handler: builds its context from the shared options, prints its result (rendered for
 * people, or as one JSON line under `--json`), and turns errors into a clear message and exit code 1.
 *
 * @example
 * withCommonOptions(program.command('hello')).action(
 *   commandAction(async (ctx) => ({ greeting: 'hi' }), (r) => `said ${r.greeting}`),
 * );
 */
export function commandAction<TResult extends CommandResult>(
  handler: (ctx: CommandContext, ...args: any[]) => Promise<TResult>,
  render?: (result: TResult) => string | undefined,
) {
  return async (...args: any[]): Promise<void> => {
    // commander passes positional arguments, then the options object, then the Command itself.
    const command = args[args.length - 1] as Command;
    const options = command.optsWithGlobals() as { json?: boolean; config?: string };
    const json = options.json === true;
    const ctx: CommandContext = {
      json,
      configPath: options.config,
      print: (line) => (json ? process.stderr : process.stdout).write(`${line}\n`),
    };
    try {
      const result = await handler(ctx, ...args.slice(0, -1));
      if (json) process.stdout.write(`${toJson(result)}\n`);
      else {
        const text = render ? render(result) : toJson(result);
        if (text) process.stdout.write(`${text}\n`);
      }
    } catch (error) {
      process.exitCode = 1;
      const known = error instanceof MandateError;
      // An RPC URL may hold an API key: errors are printed without the URLs the command was given.
      if (process.env.MANDATE_RPC_URL) rememberRpcUrl(process.env.MANDATE_RPC_URL);
      process.stderr.write(`${redactRpcUrls(known ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
      if (json) {
        const e = error instanceof Error ? error : new Error(String(error));
        const details = known ? error.details : undefined;
        const message = redactRpcUrls(known ? error.shortMessage : e.message);
        process.stdout.write(`${toJson({ error: { name: e.name, message, details: details === undefined ? undefined : redactRpcUrls(details) } })}\n`);
      }
    }
  };
}
