/**
 * TEST HOOK, not an operator setting: `MANDATE_CRASH_AT=<point>:<n>` (read once, when `mandate run` starts)
 * makes the process kill itself with SIGKILL the n-th time (default 1st) it reaches `point`, so the crash
 * test (test/crash-restart.test.ts) can stop the real agent at exact places:
 * - `before-journal`: a decision was made but is not journaled yet;
 * - `after-journal`: a trade decision is journaled, its transaction not sent;
 * - `after-send`: the node accepted the trade transaction, no receipt read;
 * - `during-commit`: a Merkle batch is stored pending and its root is on-chain, the journal not told yet.
 * Unset (always, outside tests), every call is a no-op.
 */
export type CrashPoint = 'before-journal' | 'after-journal' | 'after-send' | 'during-commit';

export type CrashHook = (point: CrashPoint) => void;

export function crashHookFromEnv(value: string | undefined = process.env['MANDATE_CRASH_AT']): CrashHook {
  if (!value) return () => undefined;
  const [point, count] = value.split(':');
  let left = count === undefined ? 1 : Number(count);
  return (reached) => {
    if (reached !== point) return;
    left -= 1;
    if (left <= 0) process.kill(process.pid, 'SIGKILL');
  };
}
