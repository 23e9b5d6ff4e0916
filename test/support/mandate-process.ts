/**
 * `mandate` as a real child process (bin/mandate.js), for suites that drive the CLI end to end: a
 * command run to its end, or a long-running one (`mandate worker`) whose stderr lines can be awaited.
 *
 *   const sweep = await runMandate(['sweep', '--json', ...]); // { code, stdout, stderr }
 *   const worker = spawnMandate(['worker', '--queue', url], { cwd: emptyDir });
 *   await worker.line(/takes backtests/);
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const mandate = fileURLToPath(new URL('../../bin/mandate.js', import.meta.url));

export type MandateProcessOptions = { cwd?: string; env?: NodeJS.ProcessEnv };

export type MandateProcess = {
  child: ChildProcess;
  stdout: () => string;
  /** stderr so far, as lines. */
  lines: string[];
  /** The first stderr line (past or future) matching `pattern`; rejects if the process exits first. */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

export function spawnMandate(args: readonly string[], options: MandateProcessOptions = {}): MandateProcess {
  const child = spawn(process.execPath, [mandate, ...args], { cwd: options.cwd ?? repoRoot, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let partial = '';
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve(line: string): void }[] = [];
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => {
    partial += chunk.toString();
    const complete = partial.split('\n');
    partial = complete.pop()!;
    for (const line of complete) {
      lines.push(line);
      for (const waiter of [...waiters]) if (waiter.pattern.test(line)) (waiters.splice(waiters.indexOf(waiter), 1), waiter.resolve(line));
    }
  });
  // 'close': the process has exited and its output is all read.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      if (partial !== '') lines.push(partial);
      resolve({ code, signal });
    }),
  );
  return {
    child,
    stdout: () => stdout,
    lines,
    line(pattern, timeoutMs = 60_000) {
      const seen = lines.find((line) => pattern.test(line));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`No stderr line matched ${pattern} within ${timeoutMs} ms:\n${lines.join('\n')}`)), timeoutMs);
        waiters.push({ pattern, resolve: (line) => (clearTimeout(timer), resolve(line)) });
        void exited.then(() => setTimeout(() => (clearTimeout(timer), reject(new Error(`mandate ${args[0]} exited before a line matched ${pattern}:\n${lines.join('\n')}`))), 50));
      });
    },
    exited,
  };
}

/** Runs a mandate command to its end. */
export async function runMandate(args: readonly string[], options: MandateProcessOptions = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const process_ = spawnMandate(args, options);
  const { code } = await process_.exited;
  return { code, stdout: process_.stdout(), stderr: process_.lines.join('\n') };
}
