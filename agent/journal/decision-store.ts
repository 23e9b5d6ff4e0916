import type BetterSqlite3 from 'better-sqlite3';
import type { Clock } from '../model/clock.js';
import type { DecisionCompletion, DecisionContent, DecisionOutcome, Fill, Proposal, TradeIntent } from '../model/decision.js';
import type { DecisionJournal } from '../model/ports.js';
import type { Address, Hex } from '../model/address.js';
import { storedAddress } from './stored-address.js';
import { canonicalJson, canonicalJsonReusing } from '../model/canonical-json.js';
import { keccak256Hex } from '../model/keccak.js';
import { decisionIdFor } from '../model/decision-hash.js';
import {
  DecisionAlreadyCompletedError,
  DecisionConflictError,
  DecisionIdMismatchError,
  TradeWithoutIntentError,
  UnknownDecisionError,
  UnknownRunError,
  throwAsJournalError,
} from './journal-errors.js';

/** A decision's state in the journal: 'pending' between record and complete. */
export type DecisionStatus = 'pending' | DecisionOutcome;

/** Outcomes committed on-chain through Merkle batches (trades are proven by their TradeExecuted event). */
export const batchedOutcomes = ['hold', 'denied', 'failed', 'superseded'] as const satisfies readonly DecisionOutcome[];

/** One journaled decision, as read back. */
export type JournaledDecision = {
  id: Hex;
  runId: string;
  seq: number;
  /** Unix seconds of the market event that led to it. */
  time: number;
  strategyId: string;
  status: DecisionStatus;
  /** keccak256 of `canonicalJson`, as stored at record time. */
  hash: Hex;
  /** The exact text the hash covers. */
  canonicalJson: string;
  /**
   * The content parsed back, with its bigint fields (proposal and intent amounts, deadline) revived.
   * Verdict args that were bigint come back as decimal strings: they hash identically.
   */
  content: DecisionContent;
  /** Why: the denial reason, the failure reason or the hold rationale given at completion. */
  reason: string | undefined;
  txHash: Hex | undefined;
  fill: Fill | undefined;
  createdAt: number;
  completedAt: number | undefined;
  batchId: number | undefined;
  /** The market event whose signal led to the decision (eventKey), when the kernel gave it. */
  trigger: string | undefined;
};

export type ListDecisionsParameters = {
  runId?: string | undefined;
  status?: DecisionStatus | readonly DecisionStatus[] | undefined;
  /** Newest first instead of journal order. */
  newestFirst?: boolean | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
};

export type UnbatchedParameters = {
  /** Only decisions of runs against this vault (the batch goes to this vault's commitDecisions). */
  vault?: Address | undefined;
  limit?: number | undefined;
};

export type UnbatchedStats = { count: number; oldestCompletedAt: number | undefined };

/** The SQLite decision journal: the kernel's DecisionJournal plus the queries audits and restarts need. */
export type DecisionStore = DecisionJournal & {
  /**
   * Turns a 'failed' trade into the trade the vault did execute (a receipt timed out, then the transaction
   * was mined). Only the completion changes: the hashed content stays as recorded.
   */
  amendFailedToTrade(id: Hex, fill: Fill): void;
  /** Records many decisions in one transaction: all or none. Much faster than one by one (backtests). */
  recordMany(contents: readonly DecisionContent[]): Hex[];
  /** A run's completed decisions that name their triggering event: what a resumed run must not decide again. */
  decidedSignals(runId: string): JournaledDecision[];
  get(id: Hex): JournaledDecision | undefined;
  list(parameters?: ListDecisionsParameters): JournaledDecision[];
  /** Decisions recorded but not completed: a restart must reconcile each with the chain. */
  pending(runId?: string): JournaledDecision[];
  /** Completed non-trade decisions not yet in any Merkle batch, oldest first. */
  unbatched(parameters?: UnbatchedParameters): JournaledDecision[];
  unbatchedStats(vault?: Address): UnbatchedStats;
  /** Completed non-trade decisions whose root is not known to be on-chain: unbatched or in a pending batch. */
  uncommitted(parameters?: UnbatchedParameters): JournaledDecision[];
  /** The next sequence number for a run (0 for a new one), so a resumed run never reuses an id. */
  nextSeq(runId: string): number;
  /** How many decisions per status, for a run or the whole journal. */
  counts(runId?: string): Record<DecisionStatus, number>;
};

/** A decision row as SQLite returns it (snake-case columns). */
export type DecisionRow = {
  id: string;
  run_id: string;
  seq: number;
  time: number;
  strategy_id: string;
  status: DecisionStatus;
  canonical_json: string;
  hash: string;
  reason: string | null;
  intent_json: string | null;
  tx_hash: string | null;
  fill_json: string | null;
  created_at: number;
  completed_at: number | null;
  batch_id: number | null;
  trigger: string | null;
};

const decisionColumns = `d.id, d.run_id, d.seq, d.time, d.strategy_id, d.status, d.canonical_json, d.hash, d.reason,
  d.intent_json, d.tx_hash, d.fill_json, d.created_at, d.completed_at, d.batch_id, d.trigger`;

/**
 * Builds the decision store on an open, migrated journal database.
 *
 * @example
 * const decisions = createDecisionStore(db, clock);
 * const hash = decisions.record(content);           // before anything is sent
 * decisions.complete(content.id, { outcome: 'hold' });
 */
export function createDecisionStore(db: BetterSqlite3.Database, clock: Clock): DecisionStore {
  const insert = db.prepare(`INSERT INTO decisions (
      id, run_id, seq, time, strategy_id, status, canonical_json, hash, signal_json, proposal_json, verdict_json,
      reason, reasoner, model, reasoning_json, prompt_tokens, completion_tokens, latency_ms, fallback,
      reasoning_hash, intent_json, created_at, trigger)
    VALUES (@id, @runId, @seq, @time, @strategyId, 'pending', @canonicalJson, @hash, @signalJson, @proposalJson,
      @verdictJson, @reason, @reasoner, @model, @reasoningJson, @promptTokens, @completionTokens, @latencyMs,
      @fallback, @reasoningHash, @intentJson, @createdAt, @trigger)
    ON CONFLICT (id) DO NOTHING`);
  const selectOne = db.prepare<[string], DecisionRow>(`SELECT ${decisionColumns} FROM decisions d WHERE d.id = ?`);
  const selectHash = db.prepare<[string], { hash: string }>('SELECT hash FROM decisions WHERE id = ?');
  const updateCompletion = db.prepare(`UPDATE decisions
    SET status = @status, reason = COALESCE(@reason, reason), tx_hash = COALESCE(@txHash, tx_hash),
        fill_json = @fillJson, completed_at = @completedAt
    WHERE id = @id AND status = 'pending' AND (@status <> 'trade' OR intent_json IS NOT NULL)`);
  const selectNextSeq = db.prepare<[string], { next: number }>(
    'SELECT COALESCE(MAX(seq) + 1, 0) AS next FROM decisions WHERE run_id = ?',
  );
  const batchedList = batchedOutcomes.map((outcome) => `'${outcome}'`).join(', ');
  const unbatchedWhere = `d.status IN (${batchedList}) AND d.batch_id IS NULL AND (@vault IS NULL OR r.vault = @vault)`;
  const selectUnbatched = db.prepare<[{ vault: string | null; limit: number }], DecisionRow>(
    `SELECT ${decisionColumns} FROM decisions d JOIN runs r ON r.id = d.run_id
     WHERE ${unbatchedWhere} ORDER BY d.rowid LIMIT @limit`,
  );
  const selectUncommitted = db.prepare<[{ vault: string | null; limit: number }], DecisionRow>(
    `SELECT ${decisionColumns} FROM decisions d JOIN runs r ON r.id = d.run_id LEFT JOIN batches b ON b.id = d.batch_id
     WHERE d.status IN (${batchedList}) AND (d.batch_id IS NULL OR b.status = 'pending') AND (@vault IS NULL OR r.vault = @vault)
     ORDER BY d.rowid LIMIT @limit`,
  );
  const selectUnbatchedStats = db.prepare<[{ vault: string | null }], { count: number; oldest: number | null }>(
    `SELECT COUNT(*) AS count, MIN(d.completed_at) AS oldest FROM decisions d JOIN runs r ON r.id = d.run_id
     WHERE ${unbatchedWhere}`,
  );

  function insertOne(content: DecisionContent, trigger?: string): Hex {
    const expectedId = decisionIdFor(content.runId, content.seq);
    // Exact match, lowercase included: the id is stored and looked up as text.
    if (content.id !== expectedId) {
      throw new DecisionIdMismatchError(content.id, expectedId, content.runId, content.seq);
    }
    // Each part is encoded once: the stored part columns, and the whole (hashed) assembled from them.
    const { reasoning, verdict } = content;
    let signalJson: string | null;
    let proposalJson: string;
    let verdictJson: string;
    let reasoningJson: string;
    let intentJson: string | null;
    let text: string;
    try {
      signalJson = content.signal === undefined ? null : canonicalJson(content.signal);
      proposalJson = canonicalJson(content.proposal);
      verdictJson = canonicalJson(verdict);
      reasoningJson = canonicalJson(reasoning);
      intentJson = content.intent === undefined ? null : canonicalJson(content.intent);
      text = canonicalJsonReusing(content, {
        signal: signalJson ?? undefined,
        proposal: proposalJson,
        verdict: verdictJson,
        reasoning: reasoningJson,
        intent: intentJson ?? undefined,
      });
    } catch (error) {
      // The error names the bad value's path in the whole decision, as it always has.
      canonicalJson(content);
      throw error;
    }
    const hash = keccak256Hex(text);
    let changes: number;
    try {
      changes = insert.run({
        id: content.id,
        runId: content.runId,
        seq: content.seq,
        time: content.time,
        strategyId: content.strategyId,
        canonicalJson: text,
        hash,
        signalJson,
        proposalJson,
        verdictJson,
        reason: verdict.allowed ? null : verdict.reason,
        reasoner: reasoning.reasoner,
        model: reasoning.model,
        reasoningJson,
        promptTokens: reasoning.tokens?.prompt ?? null,
        completionTokens: reasoning.tokens?.completion ?? null,
        latencyMs: reasoning.latencyMs ?? null,
        fallback: reasoning.fallback ?? null,
        reasoningHash: content.reasoningHash,
        intentJson,
        createdAt: Math.floor(clock.now()),
        trigger: trigger ?? null,
      }).changes;
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new UnknownRunError(content.runId);
      throwAsJournalError(error, `record decision ${content.id}`);
    }
    if (changes === 0) {
      // Re-recording after a restart is fine as long as it is the very same decision.
      const stored = selectHash.get(content.id);
      if (stored && stored.hash !== hash) throw new DecisionConflictError(content.id, stored.hash, hash);
    }
    return hash;
  }

  const recordManyTransaction = db.transaction((contents: readonly DecisionContent[]) => contents.map((content) => insertOne(content)));
  const selectDecidedSignals = db.prepare<[string], DecisionRow>(
    `SELECT ${decisionColumns} FROM decisions d WHERE d.run_id = ? AND d.trigger IS NOT NULL AND d.status <> 'pending' ORDER BY d.seq`,
  );
  const recordMany = (contents: readonly DecisionContent[]): Hex[] => {
    try {
      return recordManyTransaction(contents);
    } catch (error) {
      // A failing COMMIT (disk full at the end) surfaces here rather than inside insertOne.
      throwAsJournalError(error, `record ${contents.length} decisions`);
    }
  };

  // One statement on the usual path: the update itself checks that the decision is pending (and, for a
  // trade, that it has an intent), so no read and no transaction around it are needed. Only when it
  // changes nothing is the row read, to tell an idempotent repeat from the errors.
  function completeOne(id: Hex, completion: DecisionCompletion): void {
    const fillJson = completion.outcome === 'trade' ? canonicalJson(completion.fill) : null;
    const txHash = completion.outcome === 'trade' ? completion.fill.txHash : completion.outcome === 'failed' ? completion.txHash : undefined;
    const reason = completion.outcome === 'trade' ? undefined : completion.reason;
    const changes = updateCompletion.run({
      id,
      status: completion.outcome,
      reason: reason ?? null,
      txHash: txHash ?? null,
      fillJson,
      completedAt: Math.floor(clock.now()),
    }).changes;
    if (changes === 1) return;
    const row = selectOne.get(id);
    if (!row) throw new UnknownDecisionError(id);
    if (row.status !== 'pending') {
      const same =
        row.status === completion.outcome &&
        row.fill_json === fillJson &&
        (txHash === undefined || row.tx_hash === txHash) &&
        (reason === undefined || row.reason === reason);
      if (same) return;
      throw new DecisionAlreadyCompletedError(id, row.status, completion.outcome);
    }
    // Pending, so the update's other condition refused it.
    throw new TradeWithoutIntentError(id);
  }
  const complete = (id: Hex, completion: DecisionCompletion): void => {
    try {
      completeOne(id, completion);
    } catch (error) {
      throwAsJournalError(error, `complete decision ${id}`);
    }
  };

  const amendToTrade = db.prepare(`UPDATE decisions
    SET status = 'trade', tx_hash = @txHash, fill_json = @fillJson, completed_at = @completedAt,
        reason = 'amended: executed after being recorded as failed (' || COALESCE(reason, '') || ')'
    WHERE id = @id AND status = 'failed' AND intent_json IS NOT NULL`);
  function amendFailedToTrade(id: Hex, fill: Fill): void {
    let changes: number;
    try {
      changes = amendToTrade.run({ id, txHash: fill.txHash, fillJson: canonicalJson(fill), completedAt: Math.floor(clock.now()) }).changes;
    } catch (error) {
      throwAsJournalError(error, `amend decision ${id}`);
    }
    if (changes === 1) return;
    const row = selectOne.get(id);
    if (!row) throw new UnknownDecisionError(id);
    if (row.status === 'trade' && row.fill_json === canonicalJson(fill)) return;
    throw new DecisionAlreadyCompletedError(id, row.status, 'trade');
  }

  function list(parameters: ListDecisionsParameters = {}): JournaledDecision[] {
    const where: string[] = [];
    const values: Record<string, unknown> = {};
    if (parameters.runId !== undefined) {
      where.push('d.run_id = @runId');
      values.runId = parameters.runId;
    }
    if (parameters.status !== undefined) {
      const statuses = typeof parameters.status === 'string' ? [parameters.status] : parameters.status;
      where.push(`d.status IN (${statuses.map((_, index) => `@status${index}`).join(', ') || 'NULL'})`);
      statuses.forEach((status, index) => (values[`status${index}`] = status));
    }
    values.limit = parameters.limit ?? -1;
    values.offset = parameters.offset ?? 0;
    const sql = `SELECT ${decisionColumns} FROM decisions d ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY d.rowid ${parameters.newestFirst ? 'DESC' : 'ASC'} LIMIT @limit OFFSET @offset`;
    return db.prepare<[Record<string, unknown>], DecisionRow>(sql).all(values).map(toDecision);
  }

  return {
    record: (content, trigger) => insertOne(content, trigger),
    recordMany,
    decidedSignals: (runId) => selectDecidedSignals.all(runId).map(toDecision),
    complete,
    amendFailedToTrade,
    get: (id) => {
      const row = selectOne.get(id);
      return row ? toDecision(row) : undefined;
    },
    list,
    pending: (runId) => list({ runId, status: 'pending' }),
    unbatched: (parameters = {}) =>
      selectUnbatched
        .all({ vault: storedAddress(parameters.vault), limit: parameters.limit ?? -1 })
        .map(toDecision),
    uncommitted: (parameters = {}) =>
      selectUncommitted
        .all({ vault: storedAddress(parameters.vault), limit: parameters.limit ?? -1 })
        .map(toDecision),
    unbatchedStats: (vault) => {
      const row = selectUnbatchedStats.get({ vault: storedAddress(vault) });
      return { count: row?.count ?? 0, oldestCompletedAt: row?.oldest ?? undefined };
    },
    nextSeq: (runId) => selectNextSeq.get(runId)?.next ?? 0,
    counts: (runId) => {
      const rows = db
        .prepare<[{ runId: string | null }], { status: DecisionStatus; n: number }>(
          'SELECT status, COUNT(*) AS n FROM decisions WHERE @runId IS NULL OR run_id = @runId GROUP BY status',
        )
        .all({ runId: runId ?? null });
      const counts: Record<DecisionStatus, number> = { pending: 0, trade: 0, hold: 0, denied: 0, failed: 0, superseded: 0 };
      for (const row of rows) counts[row.status] = row.n;
      return counts;
    },
  };
}

function toDecision(row: DecisionRow): JournaledDecision {
  return journaledDecisionFrom(storedDecisionFrom(row));
}

/**
 * A stored decision from its row: the columns renamed, the texts as written.
 *
 * @example
 * const stored = storedDecisionFrom(row); // what journaledDecisionFrom parses, in Node or a browser
 */
export function storedDecisionFrom(row: DecisionRow): StoredDecision {
  return {
    id: row.id as Hex,
    runId: row.run_id,
    seq: row.seq,
    time: row.time,
    strategyId: row.strategy_id,
    status: row.status,
    hash: row.hash as Hex,
    canonicalJson: row.canonical_json,
    reason: row.reason ?? undefined,
    txHash: (row.tx_hash ?? undefined) as Hex | undefined,
    fillJson: row.fill_json ?? undefined,
    createdAt: row.created_at,
    completedAt: row.completed_at ?? undefined,
    batchId: row.batch_id ?? undefined,
    trigger: row.trigger ?? undefined,
  };
}

/**
 * A decision row as stored: the hashed text and the fill's text exactly as written, and the columns. What
 * the console sends to a browser, which turns it back into a JournaledDecision with the same function the
 * journal uses, and verifies it with the same code as `mandate decisions verify`.
 */
export type StoredDecision = Omit<JournaledDecision, 'content' | 'fill'> & {
  /** The fill as stored (canonical JSON), for trades. */
  fillJson: string | undefined;
};

/**
 * A JournaledDecision from a stored row. The content and fill are parsed on first use, so a row whose JSON
 * was damaged can still be listed and verification can report it.
 *
 * @example
 * const decision = journaledDecisionFrom(stored);
 * decision.content.proposal; // parsed, bigints revived
 */
export function journaledDecisionFrom(stored: StoredDecision): JournaledDecision {
  let content: DecisionContent | undefined;
  let fill: Fill | undefined;
  const { fillJson, ...columns } = stored;
  return {
    ...columns,
    get content() {
      content ??= reviveDecisionContent(JSON.parse(stored.canonicalJson));
      return content;
    },
    get fill() {
      if (fillJson !== undefined) fill ??= reviveFill(JSON.parse(fillJson));
      return fill;
    },
  };
}

type Json = Record<string, unknown>;

/**
 * Turns parsed canonical JSON back into a DecisionContent: the bigint fields were written as decimal
 * strings. A field that is absent stays absent, so re-encoding gives the same canonical text.
 *
 * @example
 * const content = reviveDecisionContent(JSON.parse(row.canonical_json));
 */
export function reviveDecisionContent(json: Json): DecisionContent {
  const proposal = json.proposal as Json;
  const revivedProposal =
    proposal.action === 'trade'
      ? { ...proposal, amountIn: toBigInt(proposal.amountIn), minAmountOut: toBigInt(proposal.minAmountOut) }
      : proposal;
  const intent = json.intent as Json | undefined;
  const revivedIntent =
    intent === undefined
      ? undefined
      : { ...intent, amountIn: toBigInt(intent.amountIn), minAmountOut: toBigInt(intent.minAmountOut), deadline: toBigInt(intent.deadline) };
  return {
    ...json,
    proposal: revivedProposal as Proposal,
    intent: revivedIntent as TradeIntent | undefined,
  } as DecisionContent;
}

/** Only decimal strings were bigint; anything else is left as stored, so re-encoding gives the same text. */
function toBigInt(value: unknown): unknown {
  return typeof value === 'string' && /^-?\d+$/.test(value) ? BigInt(value) : value;
}

function reviveFill(json: Json): Fill {
  const big = (key: string) => toBigInt(json[key]) as bigint;
  return {
    txHash: json.txHash as Hex,
    block: big('block'),
    amountIn: big('amountIn'),
    amountOut: big('amountOut'),
    minAmountOutUsed: big('minAmountOutUsed'),
    valueUsd: big('valueUsd'),
    gasUsed: big('gasUsed'),
    effectiveGasPrice: big('effectiveGasPrice'),
  };
}
