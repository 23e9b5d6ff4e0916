/** What GET /health answers: is the agent running, keeping up with the chain, and deciding. */
export type AgentHealth = {
  /** ok: running and keeping up; degraded: running, but see `reasons`; stopped: the run has ended. */
  status: 'ok' | 'degraded' | 'stopped';
  /** Why the status is not ok (empty when ok). */
  reasons: string[];
  runId: string;
  /** Market time (unix seconds) of the last applied market event, null before the first. */
  lastEventTime: number | null;
  /** Agent-clock unix seconds of the last journaled decision, null before the first. */
  lastDecisionTime: number | null;
  /** Chain head − last fully processed block, null until the market stream has polled. */
  lagBlocks: number | null;
  headBlock: number | null;
  lastProcessedBlock: number | null;
  /** Market RPC failures since the last success (0 when the RPC answers). */
  consecutiveRpcErrors: number;
  /** Market events applied and decisions journaled so far. */
  events: number;
  decisions: number;
  /** Agent-clock unix seconds when this answer was made. */
  now: number;
};

/** When a running agent counts as degraded. */
export type HealthThresholds = {
  /** More blocks than this behind the head is degraded. Default 10. */
  maxLagBlocks?: number | undefined;
  /**
   * No market event for longer than this (agent-clock seconds, counted from the last new event or the
   * start) is degraded: a silent stall. Default: not checked, because a quiet feed can be legitimately
   * silent for its whole heartbeat (an hour for ETH/USD on mainnet).
   */
  maxEventSilenceSeconds?: number | undefined;
};

/** What the health is judged from: the latest sample of the agent. */
export type HealthSample = Omit<AgentHealth, 'status' | 'reasons'> & {
  stopped: boolean;
  /** Agent-clock seconds of the last time the event count moved (or of the start). */
  lastEventSeenAt: number;
  lastRpcError: string | undefined;
};

/**
 * Judges a sample: stopped once the run ended; degraded when the lag is above `maxLagBlocks`, when the
 * market RPC is failing, or when no event arrived for `maxEventSilenceSeconds`; ok otherwise.
 *
 * @example
 * evaluateHealth({ ...sample, lagBlocks: 25 }, { maxLagBlocks: 10 }).status; // 'degraded'
 */
export function evaluateHealth(sample: HealthSample, thresholds: HealthThresholds = {}): AgentHealth {
  const { stopped, lastEventSeenAt, lastRpcError, ...rest } = sample;
  const maxLag = thresholds.maxLagBlocks ?? 10;
  const reasons: string[] = [];
  if (!stopped) {
    if (sample.lagBlocks !== null && sample.lagBlocks > maxLag) reasons.push(`${sample.lagBlocks} blocks behind the chain head (more than ${maxLag})`);
    if (sample.consecutiveRpcErrors > 0) {
      reasons.push(`the market RPC failed ${sample.consecutiveRpcErrors} time(s) in a row${lastRpcError ? `: ${lastRpcError}` : ''}`);
    }
    const silence = thresholds.maxEventSilenceSeconds;
    if (silence !== undefined && sample.now - lastEventSeenAt > silence) {
      reasons.push(`no market event for ${Math.round(sample.now - lastEventSeenAt)} s (more than ${silence} s)`);
    }
  }
  const status = stopped ? 'stopped' : reasons.length > 0 ? 'degraded' : 'ok';
  return { status, reasons, ...rest };
}
