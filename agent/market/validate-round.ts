/**
 * Validation of Chainlink rounds, shared by live feeds, CSV replays and the devnet driver, so every
 * source rejects the same rounds for the same reasons (and the vault would revert on them anyway).
 */
export type ChainlinkRound = {
  roundId: bigint;
  answer: bigint;
  startedAt: bigint;
  updatedAt: bigint;
  answeredInRound: bigint;
};

export const roundRejectionReasons = [
  'non-positive-answer',
  'zero-updated-at',
  'future-updated-at',
  'stale',
  'duplicate-round',
  'out-of-order',
] as const;
export type RoundRejectionReason = (typeof roundRejectionReasons)[number];

export type RoundCheck = { ok: true } | { ok: false; reason: RoundRejectionReason; detail: string };

export type RoundValidatorOptions = {
  /** Reject rounds older than this many seconds at `now`; undefined = no staleness check (replays). */
  maxAgeSeconds?: number | undefined;
};

/**
 * Checks rounds of one feed in arrival order and counts rejections by reason. A round must carry a
 * positive answer, a non-zero updatedAt not in the future, be fresh (if a max age is set), and have a
 * roundId above the last accepted one (duplicates and reordered rounds are dropped, not replayed).
 *
 * @example
 * const validator = createRoundValidator({ maxAgeSeconds: 3600 });
 * const check = validator.check(round, nowSeconds);
 * if (!check.ok) log.warn({ reason: check.reason }, check.detail);
 */
export function createRoundValidator(options: RoundValidatorOptions = {}) {
  let lastRoundId: bigint | undefined;
  const rejected: Record<RoundRejectionReason, number> = {
    'non-positive-answer': 0,
    'zero-updated-at': 0,
    'future-updated-at': 0,
    stale: 0,
    'duplicate-round': 0,
    'out-of-order': 0,
  };
  let accepted = 0;

  const reject = (reason: RoundRejectionReason, detail: string): RoundCheck => {
    rejected[reason]++;
    return { ok: false, reason, detail };
  };

  return {
    /** Checks one round against `nowSeconds` (chain or virtual time); records the verdict. */
    check(round: ChainlinkRound, nowSeconds: bigint): RoundCheck {
      const id = `round ${round.roundId}`;
      if (round.answer <= 0n) return reject('non-positive-answer', `${id} has answer ${round.answer}; must be > 0`);
      if (round.updatedAt === 0n) return reject('zero-updated-at', `${id} has updatedAt 0 (round not complete)`);
      if (round.updatedAt > nowSeconds) {
        return reject('future-updated-at', `${id} has updatedAt ${round.updatedAt}, after now (${nowSeconds})`);
      }
      if (options.maxAgeSeconds !== undefined && nowSeconds - round.updatedAt > BigInt(options.maxAgeSeconds)) {
        return reject(
          'stale',
          `${id} is ${nowSeconds - round.updatedAt}s old; at most ${options.maxAgeSeconds}s is accepted`,
        );
      }
      if (lastRoundId !== undefined && round.roundId === lastRoundId) {
        return reject('duplicate-round', `${id} was already accepted`);
      }
      if (lastRoundId !== undefined && round.roundId < lastRoundId) {
        return reject('out-of-order', `${id} arrived after round ${lastRoundId}`);
      }
      lastRoundId = round.roundId;
      accepted++;
      return { ok: true };
    },
    /** Counts so far: accepted rounds and rejections by reason. */
    stats() {
      const totalRejected = Object.values(rejected).reduce((sum, n) => sum + n, 0);
      return { accepted, rejected: totalRejected, byReason: { ...rejected } };
    },
  };
}
export type RoundValidator = ReturnType<typeof createRoundValidator>;
