import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/** One whole process as the OS accounted for it. */
export type ProcessFigures = { wallSeconds: number; userSeconds: number | undefined; systemSeconds: number | undefined; peakRssMb: number | undefined; code: number | null; stdout: string };

/**
 * Runs a command as a whole process and reports its wall time and, through GNU time (/usr/bin/time, when
 * installed), its CPU seconds and peak RSS: what a user running the command pays, start-up included.
 *
 * @example
 * const figures = await timeProcess(process.execPath, ['bin/mandate.js', 'backtest', ...]);
 */
export async function timeProcess(command: string, args: readonly string[], options: { cwd?: string | undefined } = {}): Promise<ProcessFigures> {
  const gnuTime = existsSync('/usr/bin/time');
  const marker = '@@time ';
  const [file, argv] = gnuTime ? ['/usr/bin/time', ['-f', `${marker}%U %S %M`, command, ...args]] : [command, [...args]];
  const began = performance.now();
  const child = spawn(file, argv, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  const wallSeconds = (performance.now() - began) / 1000;
  const line = stderr.split('\n').find((text) => text.startsWith(marker));
  const [user, system, rssKb] = line === undefined ? [] : line.slice(marker.length).split(' ').map(Number);
  return { wallSeconds, userSeconds: user, systemSeconds: system, peakRssMb: rssKb === undefined ? undefined : Math.round(rssKb / 1024), code, stdout };
}
