import type { Clock } from '../../model/clock.js';
import type { StoredBatch } from '../../journal/batch-store.js';
import { createBatchCommitter, type BatchJournal, type CommitDecisions, type FindCommittedRoot } from '../../journal/merkle-batches.js';
import type { Address } from '../../model/address.js';

export type BatchCommitLoopLogger = {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
};

export type CreateBatchCommitLoopParameters = {
  journal: BatchJournal;
  vault: Address;
  /** config.commits: a batch is due at `batchSize` waiting decisions or once the oldest waited `intervalSeconds`. */
  commits: { batchSize: number; intervalSeconds: number };
  /** The agent's clock: batch age is measured in it (chain time on a devnet, wall time live). */
  clock: Clock;
  commit: CommitDecisions;
  findCommitted?: FindCommittedRoot | undefined;
  /** Wall-time period of the background check, ms, so an idle agent still commits by age. Default 10 000; 0 = none. */
  checkEveryMs?: number | undefined;
  log?: BatchCommitLoopLogger | undefined;
  /** Called with each batch once its root is on-chain. */
  onCommitted?: ((batch: StoredBatch) => void) | undefined;
};

export type BatchCommitLoop = {
  /** Checks whether a batch is due and commits it in the background (call after each decision). */
  poke(): void;
  /** Waits for the work in progress, then commits everything waiting, due or not (shutdown, end of a demo). */
  flush(): Promise<StoredBatch[]>;
  /** Stops the background check. */
  stop(): void;
  /** Batches committed by this loop so far. */
  readonly committed: number;
  /** Commit attempts that failed (each batch stays pending and is retried on the next check). */
  readonly failures: number;
};

/**
 * Commits the agent's non-trade decisions on-chain in Merkle batches while it runs: the journal's
 * batch committer (pending batch stored before the root is sent, roots in order), checked after every
 * decision and on a timer, and flushed at shutdown. A failed commit is logged and retried, never fatal:
 * the decisions are safe in the journal meanwhile.
 *
 * @example
 * const commits = createBatchCommitLoop({ journal, vault, commits: config.commits, clock, commit });
 * kernel.decisions$.subscribe(() => commits.poke());
 * // ... on shutdown
 * await commits.flush(); commits.stop();
 */
export function createBatchCommitLoop(parameters: CreateBatchCommitLoopParameters): BatchCommitLoop {
  const committer = createBatchCommitter({
    journal: parameters.journal,
    vault: parameters.vault,
    clock: parameters.clock,
    policy: { maxDecisions: parameters.commits.batchSize, maxAgeSeconds: parameters.commits.intervalSeconds },
    commit: parameters.commit,
    findCommitted: parameters.findCommitted,
  });
  let committed = 0;
  let failures = 0;
  let ticking: Promise<unknown> | undefined;
  let again = false;

  const record = (batches: StoredBatch[]) => {
    for (const batch of batches) {
      committed += 1;
      parameters.log?.info({ batch: batch.id, onchainIndex: batch.onchainIndex, count: batch.count, root: batch.root, txHash: batch.txHash }, 'Decisions committed');
      parameters.onCommitted?.(batch);
    }
  };

  // One tick at a time; pokes during a tick collapse into one more tick after it.
  const poke = (): void => {
    if (ticking) {
      again = true;
      return;
    }
    ticking = committer
      .tick()
      .then(record, (error: unknown) => {
        failures += 1;
        parameters.log?.warn({ error: error instanceof Error ? error.message.split('\n')[0] : String(error) }, 'Committing decisions failed; will retry');
      })
      .finally(() => {
        ticking = undefined;
        if (again) {
          again = false;
          poke();
        }
      });
  };

  const every = parameters.checkEveryMs ?? 10_000;
  const timer = every > 0 ? setInterval(poke, every) : undefined;
  timer?.unref();

  return {
    poke,
    async flush() {
      again = false;
      while (ticking) await ticking;
      const batches = await committer.flush();
      record(batches);
      return batches;
    },
    stop: () => {
      if (timer) clearInterval(timer);
    },
    get committed() {
      return committed;
    },
    get failures() {
      return failures;
    },
  };
}
