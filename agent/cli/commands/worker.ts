import { Command, InvalidArgumentError } from 'commander';
import { availableParallelism } from 'node:os';
import { redactRedisUrl, startQueueWorker } from '../../../backtest/sweep/index.js';
import { commandAction, withCommonOptions, type CommandContext } from '../action.js';

export type WorkerCommandOptions = {
  queue: string;
  concurrency?: number;
  cache: string;
  stallSeconds: number;
};

/** What `mandate worker --json` prints when it stops. */
export type WorkerCommandResult = { worker: string; queue: string; done: number; failed: number; refused: number };

const positive = (what: string, integer: boolean) => (text: string): number => {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) throw new InvalidArgumentError(`"${text}" is not ${integer ? 'a whole number' : 'a number'} > 0 (${what}).`);
  return value;
};

/**
 * `mandate worker --queue redis://host:port[/db] [--concurrency n]`: runs sweep and walk-forward backtests
 * that `mandate sweep --queue` puts in Redis, until SIGINT or SIGTERM (the first lets running backtests
 * finish, a second stops at once and their jobs go back to the queue).
 *
 * @example
 * registerWorkerCommand(program); // mandate worker --queue redis://:secret@10.0.0.5:6379 --concurrency 8
 */
export function registerWorkerCommand(program: Command): void {
  withCommonOptions(
    program
      .command('worker')
      .description('run sweep backtests queued in Redis by mandate sweep --queue, until stopped (SIGINT/SIGTERM)')
      .requiredOption('--queue <url>', 'redis://[user:password@]host:port[/db], or rediss://… for TLS')
      .option('--concurrency <n>', 'backtests at once, on worker threads (default: all cores)', positive('concurrency', true))
      .option('--cache <dir>', 'where data fetched from Redis is kept, by hash', '.mandate/worker-cache')
      .option('--stall-seconds <s>', 'a job whose worker died goes to another worker after about this long', positive('stall seconds', false), 30),
  ).action(
    commandAction(async (_ctx: CommandContext, options: WorkerCommandOptions): Promise<WorkerCommandResult> => {
      const queue = redactRedisUrl(options.queue);
      // Job lines go to stderr: stdout keeps only the result (one JSON line under --json).
      const log = (line: string) => process.stderr.write(`${line}\n`);
      const worker = await startQueueWorker({
        url: options.queue,
        concurrency: options.concurrency ?? availableParallelism(),
        cacheDir: options.cache,
        lockMs: Math.round(options.stallSeconds * 1000),
        log,
      });
      log(`worker ${worker.name} takes backtests from ${queue} (${options.concurrency ?? availableParallelism()} at once); SIGINT or SIGTERM stops it`);
      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (signal: string) => {
          if (stopping) {
            log(`${signal} again: stopping now; running jobs go back to the queue`);
            void worker.close(true).finally(resolve);
            return;
          }
          stopping = true;
          log(`${signal}: finishing running backtests, taking no new ones (again to stop at once)`);
          void worker.close().finally(resolve);
        };
        process.on('SIGINT', () => stop('SIGINT'));
        process.on('SIGTERM', () => stop('SIGTERM'));
      });
      return { worker: worker.name, queue, ...worker.counts };
    }, (result) => `worker ${result.worker} stopped: ${result.done} done, ${result.failed} failed, ${result.refused} refused`),
  );
}
