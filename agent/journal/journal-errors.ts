import { MandateError } from '../model/base-error.js';

/** A decision or a run refers to a run the journal has never started. */
export class UnknownRunError extends MandateError {
  override name = 'UnknownRunError';
  constructor(runId: string) {
    super(`Unknown run "${runId}".`, { details: 'Start it with journal.runs.start({ id, ... }) before recording its decisions.' });
  }
}

/** A run id that is already in the journal was started again. */
export class RunExistsError extends MandateError {
  override name = 'RunExistsError';
  constructor(runId: string) {
    super(`Run "${runId}" already exists.`, { details: 'Use a new run id, or journal.runs.resume(id) to continue it.' });
  }
}

/** No decision with this id is in the journal. */
export class UnknownDecisionError extends MandateError {
  override name = 'UnknownDecisionError';
  constructor(id: string) {
    super(`Unknown decision ${id}.`, { details: 'Only journaled decisions can be completed, proved or shown.' });
  }
}

/** A decision's id is not the one derived from its run id and sequence number. */
export class DecisionIdMismatchError extends MandateError {
  override name = 'DecisionIdMismatchError';
  constructor(id: string, expected: string, runId: string, seq: number) {
    super(`Decision id ${id} does not match its run and sequence.`, {
      details: `decisionIdFor("${runId}", ${seq}) is ${expected}; only that id is accepted, so a retry can never trade twice.`,
    });
  }
}

/** The same decision id was recorded twice with different content. */
export class DecisionConflictError extends MandateError {
  override name = 'DecisionConflictError';
  constructor(id: string, storedHash: string, newHash: string) {
    super(`Decision ${id} is already journaled with different content.`, {
      details: `Stored hash ${storedHash}, new hash ${newHash}. A decision is immutable once recorded; re-recording is accepted only with identical content.`,
    });
  }
}

/** A completed decision was completed again with a different outcome. */
export class DecisionAlreadyCompletedError extends MandateError {
  override name = 'DecisionAlreadyCompletedError';
  constructor(id: string, stored: string, attempted: string) {
    super(`Decision ${id} is already completed as "${stored}".`, {
      details: `Got a second completion "${attempted}"; only an identical repeat is accepted.`,
    });
  }
}

/** A decision without a trade intent was completed as a trade. */
export class TradeWithoutIntentError extends MandateError {
  override name = 'TradeWithoutIntentError';
  constructor(id: string) {
    super(`Decision ${id} has no trade intent, so it cannot be completed as a trade.`, {
      details: 'Only decisions recorded with an intent may have outcome "trade"; use hold, denied, failed or superseded.',
    });
  }
}

/** A Merkle batch was asked for something it cannot hold (no decisions, a decision already batched...). */
export class BatchError extends MandateError {
  override name = 'BatchError';
}

/** SQLite could not write the journal (disk full, I/O error, read-only file): nothing was half-written. */
export class JournalWriteError extends MandateError {
  override name = 'JournalWriteError';
  /** SQLite's extended result code, e.g. SQLITE_FULL or SQLITE_IOERR_WRITE. */
  readonly code: string;
  constructor(action: string, code: string, cause: unknown) {
    super(`The journal could not ${action}.`, {
      details: `SQLite reported ${code}${code === 'SQLITE_FULL' ? ' (the disk or the database size limit is full)' : ''}. The write was rolled back; free space or fix the file, then restart: the journal reconciles what was in flight.`,
      cause,
    });
    this.code = code;
  }
}

const storageFailureCodes = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|CORRUPT|NOTADB)/;

/**
 * Re-throws SQLite storage failures as {@link JournalWriteError}, and anything else unchanged.
 *
 * @example
 * try { insert.run(row); } catch (error) { throwAsJournalError(error, 'record decision 0x…'); }
 */
export function throwAsJournalError(error: unknown, action: string): never {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && storageFailureCodes.test(code)) throw new JournalWriteError(action, code, error);
  throw error;
}
