/** How long to wait between attempts when the RPC fails. */
export type BackoffOptions = {
  /** Delay after the first failure, ms. Default 250. */
  initialMs?: number | undefined;
  /** The delay never exceeds this, ms. Default 30 000. */
  maxMs?: number | undefined;
  /** Growth per consecutive failure. Default 2. */
  factor?: number | undefined;
  /**
   * Fraction of the delay that is random, 0..1 (default 0.5): the delay is drawn from
   * [delay × (1 − jitter), delay]. Agents sharing one RPC then do not retry in lockstep.
   */
  jitter?: number | undefined;
};

/**
 * The delay before retry number `attempt` (1 = after the first failure): exponential, capped, with
 * jitter drawn from `random` (0 ≤ random() < 1), so tests can make it deterministic.
 *
 * @example
 * backoffDelay(1, {}, Math.random); // 125..250 ms
 * backoffDelay(20, { maxMs: 10_000 }, () => 0.999); // ≈ 10 000 ms
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const initialMs = options.initialMs ?? 250;
  const maxMs = options.maxMs ?? 30_000;
  const factor = options.factor ?? 2;
  const jitter = Math.min(1, Math.max(0, options.jitter ?? 0.5));
  const exponent = Math.max(0, attempt - 1);
  const full = Math.min(maxMs, initialMs * factor ** exponent);
  return Math.round(full * (1 - jitter * (1 - random())));
}
