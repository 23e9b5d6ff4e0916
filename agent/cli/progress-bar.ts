import type { CommandContext } from './action.js';

export type ProgressBar = {
  /** Redraws the bar at `fraction` (0..1) with `text` after it. */
  update(fraction: number, text: string): void;
  /** Ends the bar's line. */
  done(): void;
};

/**
 * A one-line progress bar on stderr: only on a terminal and never under --json, so logs and pipes get
 * nothing to parse around. Undefined when there is nowhere to draw it.
 *
 * @example
 * const bar = createProgressBar(ctx);
 * bar?.update(0.5, '1,024 rows');
 * bar?.done();
 */
export function createProgressBar(ctx: CommandContext): ProgressBar | undefined {
  if (ctx.json || !process.stderr.isTTY) return undefined;
  let shown = false;
  return {
    update(fraction, text) {
      const width = 30;
      const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${text}\x1b[K`);
      shown = true;
    },
    done() {
      if (shown) process.stderr.write('\n');
    },
  };
}
