import type { DecisionContent } from '../model/decision.js';
import { isAddress, toAddress, type Address, type Hex } from '../model/address.js';
import type { StoredBatch } from './batch-store.js';
import { canonicalJson } from '../model/canonical-json.js';
import { keccak256Hex } from '../model/keccak.js';
import type { DecisionStatus, DecisionStore, JournaledDecision } from './decision-store.js';
import { provenByTree } from './merkle-batches.js';

/** The fields of the vault's TradeExecuted event that verification compares with the journal. */
export type OnchainTrade = {
  decisionId: Hex;
  strategyId: Hex;
  reasoningHash: Hex;
  tokenIn: Address;
  tokenOut: Address;
  fee: number;
  amountIn: bigint;
  amountOut: bigint;
  /** The transaction that emitted it, when the lookup knows it. */
  txHash?: Hex | undefined;
};

export type VerifyJournalParameters = {
  journal: { decisions: Pick<DecisionStore, 'list'>; batches: { get(id: number): StoredBatch | undefined } };
  /** Only this run's decisions; default all. */
  runId?: string | undefined;
  /** The vault's TradeExecuted for a decision id, or undefined if there is none. Without it, trades are unchecked. */
  lookupTrade?: ((decisionId: Hex) => Promise<OnchainTrade | undefined> | OnchainTrade | undefined) | undefined;
  /** Whether a root was committed by the vault (DecisionsCommitted). Without it, batch roots are unchecked. */
  isRootCommitted?: ((root: Hex) => Promise<boolean> | boolean) | undefined;
};

/** What was checked for a decision. */
export type DecisionCheck = 'hash' | 'trade-event' | 'no-trade-event' | 'merkle-proof' | 'onchain-root';

/**
 * verified: every applicable check passed, including the on-chain one.
 * mismatched: a check failed (the journal was edited, or disagrees with the chain).
 * uncommitted: not on-chain yet (pending, or waiting for / in a batch not yet committed).
 * unchecked: the local checks passed but the on-chain lookup for it was not provided.
 */
export type VerificationResult = 'verified' | 'mismatched' | 'uncommitted' | 'unchecked';

export type DecisionVerification = {
  id: Hex;
  runId: string;
  seq: number;
  status: DecisionStatus;
  result: VerificationResult;
  checks: DecisionCheck[];
  /** Why it is not verified, one line per failed or missing check. */
  problems: string[];
};

export type VerifyJournalReturnType = {
  decisions: number;
  verified: number;
  mismatched: number;
  uncommitted: number;
  unchecked: number;
  /** Result counts per decision status, e.g. byStatus.hold.verified. */
  byStatus: Record<DecisionStatus, Record<VerificationResult, number>>;
  details: DecisionVerification[];
};

/**
 * Re-verifies the journal: recomputes each decision's hash from its stored canonical JSON, checks each
 * trade against the vault's TradeExecuted event, and each other decision's Merkle proof against its
 * batch root and that root against the chain. Chain access is injected, so this stays chain-agnostic.
 *
 * @example
 * const report = await verifyJournal({ journal, lookupTrade, isRootCommitted });
 * if (report.mismatched > 0) console.error(report.details.filter((d) => d.result === 'mismatched'));
 */
export async function verifyJournal(parameters: VerifyJournalParameters): Promise<VerifyJournalReturnType> {
  const { journal, lookupTrade, isRootCommitted } = parameters;
  const batches = new Map<number, StoredBatch | undefined>();
  const roots = new Map<Hex, boolean>();
  const details: DecisionVerification[] = [];

  for (const decision of pages(journal.decisions, parameters.runId)) {
    const checks: DecisionCheck[] = [];
    const problems = checkHash(decision);
    checks.push('hash');
    let result: VerificationResult = 'verified';
    const fail = (problem: string) => {
      problems.push(problem);
      result = 'mismatched';
    };
    const notYet = (problem: string, kind: 'uncommitted' | 'unchecked') => {
      problems.push(problem);
      if (result === 'verified' || (result === 'unchecked' && kind === 'uncommitted')) result = kind;
    };
    if (problems.length > 0) result = 'mismatched';

    if (!isReadable(decision)) {
      // Nothing more can be compared; checkHash has already said why.
    } else if (decision.status === 'pending') {
      notYet('Never completed: the outcome is unknown (a restart must reconcile it).', 'uncommitted');
    } else if (decision.status === 'trade') {
      if (!lookupTrade) notYet('Trade not checked on-chain: no TradeExecuted lookup given.', 'unchecked');
      else {
        checks.push('trade-event');
        const event = await lookupTrade(decision.id);
        if (!event) fail('The journal has a trade but the vault emitted no TradeExecuted for this decision id.');
        else for (const problem of compareTrade(decision, event)) fail(problem);
      }
    } else {
      if (lookupTrade) {
        checks.push('no-trade-event');
        if (await lookupTrade(decision.id)) fail(`The journal says "${decision.status}" but the vault executed this decision.`);
      }
      if (decision.batchId === undefined) notYet('Not in a Merkle batch yet.', 'uncommitted');
      else {
        if (!batches.has(decision.batchId)) batches.set(decision.batchId, journal.batches.get(decision.batchId));
        const batch = batches.get(decision.batchId);
        if (!batch) fail(`Its batch ${decision.batchId} is missing from the journal.`);
        else {
          checks.push('merkle-proof');
          if (!proves(batch, decision)) fail(`Its [id, hash] leaf is not proven by batch ${batch.id}'s root ${batch.root}.`);
          if (batch.status !== 'committed') notYet(`Batch ${batch.id} is not committed on-chain yet.`, 'uncommitted');
          else if (!isRootCommitted) notYet('Batch root not checked on-chain: no root lookup given.', 'unchecked');
          else {
            checks.push('onchain-root');
            if (!roots.has(batch.root)) roots.set(batch.root, await isRootCommitted(batch.root));
            if (!roots.get(batch.root)) fail(`Batch ${batch.id}'s root ${batch.root} is not committed in the vault.`);
          }
        }
      }
    }
    details.push({ id: decision.id, runId: decision.runId, seq: decision.seq, status: decision.status, result, checks, problems });
  }

  const statuses: DecisionStatus[] = ['pending', 'trade', 'hold', 'denied', 'failed', 'superseded'];
  const byStatus = Object.fromEntries(
    statuses.map((status) => [status, { verified: 0, mismatched: 0, uncommitted: 0, unchecked: 0 }]),
  ) as VerifyJournalReturnType['byStatus'];
  for (const detail of details) byStatus[detail.status][detail.result] += 1;
  const count = (result: VerificationResult) => details.filter((detail) => detail.result === result).length;
  return {
    decisions: details.length,
    verified: count('verified'),
    mismatched: count('mismatched'),
    uncommitted: count('uncommitted'),
    unchecked: count('unchecked'),
    byStatus,
    details,
  };
}

/** Reads the journal a page at a time, so a journal of weeks does not sit in memory all at once. */
function* pages(decisions: Pick<DecisionStore, 'list'>, runId: string | undefined): Generator<JournaledDecision> {
  const pageSize = 1000;
  for (let offset = 0; ; offset += pageSize) {
    const page = decisions.list({ runId, limit: pageSize, offset });
    yield* page;
    if (page.length < pageSize) return;
  }
}

/** The stored hash must be the keccak256 of the stored text, and the text must agree with the row. */
function checkHash(decision: JournaledDecision): string[] {
  const problems: string[] = [];
  // The model's keccak: native in Node, JavaScript in the console's browser bundle; the same bytes either way.
  const recomputed = keccak256Hex(decision.canonicalJson);
  if (recomputed !== decision.hash) {
    problems.push(`Hash mismatch: the stored JSON hashes to ${recomputed}, the journal says ${decision.hash}.`);
  }
  let content: DecisionContent;
  try {
    content = decision.content;
  } catch (error) {
    return [...problems, `The stored JSON cannot be read back: ${(error as Error).message}`];
  }
  if (canonicalJson(content) !== decision.canonicalJson) problems.push('The stored JSON is not in canonical form.');
  const columns = { id: decision.id, runId: decision.runId, seq: decision.seq, time: decision.time, strategyId: decision.strategyId };
  for (const [key, value] of Object.entries(columns)) {
    const inJson = (content as Record<string, unknown>)[key];
    if (inJson !== value) problems.push(`Column ${key} is ${String(value)} but the hashed JSON says ${String(inJson)}.`);
  }
  return problems;
}

function isReadable(decision: JournaledDecision): boolean {
  try {
    return decision.content !== undefined;
  } catch {
    return false;
  }
}

function compareTrade(decision: JournaledDecision, event: OnchainTrade): string[] {
  let fill: JournaledDecision['fill'];
  try {
    fill = decision.fill;
  } catch {
    return ['The stored fill JSON cannot be read back.'];
  }
  const { intent, reasoningHash } = decision.content;
  if (!intent) return ['The journal has a trade without an intent.'];
  // Hashes are compared whatever their hex case; the stored intent's addresses are normalised where they are
  // read back here, since a journal may predate normalisation (its hashed JSON stays as it was written).
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const sameAddress = (stored: string, onChain: Address) => isAddress(stored) && toAddress(stored) === onChain;
  const problems: string[] = [];
  const expect = (field: string, ok: boolean, journal: unknown, chain: unknown) => {
    if (!ok) problems.push(`${field}: journal ${String(journal)}, chain ${String(chain)}.`);
  };
  expect('strategyId', same(intent.strategyId, event.strategyId), intent.strategyId, event.strategyId);
  expect('reasoningHash', same(reasoningHash, event.reasoningHash) && same(intent.reasoningHash, event.reasoningHash), reasoningHash, event.reasoningHash);
  expect('tokenIn', sameAddress(intent.tokenIn, event.tokenIn), intent.tokenIn, event.tokenIn);
  expect('tokenOut', sameAddress(intent.tokenOut, event.tokenOut), intent.tokenOut, event.tokenOut);
  expect('fee', intent.fee === event.fee, intent.fee, event.fee);
  expect('amountIn', intent.amountIn === event.amountIn, intent.amountIn, event.amountIn);
  if (!fill) problems.push('The journal has a trade without a fill.');
  else {
    expect('fill amountIn', fill.amountIn === event.amountIn, fill.amountIn, event.amountIn);
    expect('fill amountOut', fill.amountOut === event.amountOut, fill.amountOut, event.amountOut);
  }
  if (event.txHash && decision.txHash) expect('txHash', same(decision.txHash, event.txHash), decision.txHash, event.txHash);
  return problems;
}

/** The proof comes from the stored tree, but the leaf from the row's current id and hash and the root from the batch row. */
function proves(batch: StoredBatch, decision: JournaledDecision): boolean {
  return provenByTree(batch.tree, batch.root, decision.id, decision.hash);
}
