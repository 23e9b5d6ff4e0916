import { MandateError } from '../errors/base-error.js';

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
