import type { DecisionVerification } from '../../journal/verify-journal.js';
import type { Hex } from '../../model/address.js';
import type { ConsoleBatch, ConsoleDecisionPage, ConsoleMeta, ConsoleRecord } from '../console-types.js';
import { rowVerdict, type ChainVerifier } from './chain-verifier.js';
import type { ConsoleData } from './console-data.js';

/** Rows are rendered in chunks of this many; a chunk never changes members, so a rendered row is never re-created. */
const chunkSize = 100;
/** Decisions verified in one go (about a millisecond each with keccak in JavaScript). */
const verifySlice = 10;
/** How long verification runs before it lets the page paint and answer the user. */
const sliceBudgetMs = 12;

/**
 * Lets the browser paint and handle input, then continues. A message, not setTimeout: nested timeouts are
 * clamped to 4 ms, which over thousands of slices adds seconds of idling.
 */
function yieldToPage(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(undefined);
  });
}

/** A fixed group of rows, newest first; `version` moves when one of its rows changes. */
export type DecisionChunk = { key: string; ids: Hex[]; version: number };

export type VerificationState = 'waiting' | 'running' | 'done' | 'no-rpc' | 'error';

/**
 * Everything the page knows about the decisions: the records and batches the server or the export sent,
 * what this browser verified, and the chunks the list renders. It loads every page (so every decision is
 * verified, whether or not it is ever scrolled to), verifies each as it arrives, and, when the data is
 * live, follows the journal: new decisions become a chunk at the top, and decisions not settled yet (in
 * flight, or waiting for their batch) are fetched and verified again.
 *
 * @example
 * const book = createDecisionBook(data, verifier);
 * book.subscribe(() => render());
 * await book.load(meta);
 */
export type DecisionBook = {
  readonly records: ReadonlyMap<Hex, ConsoleRecord>;
  readonly batches: ReadonlyMap<number, ConsoleBatch>;
  readonly results: ReadonlyMap<Hex, DecisionVerification>;
  /** Newest first. */
  readonly chunks: readonly DecisionChunk[];
  /** How many of the chunks arrived live, at the top (the list always shows them). */
  readonly topChunks: number;
  readonly state: VerificationState;
  /** Why verification stopped, when it did. */
  readonly error: string | undefined;
  /** Whether every page has been loaded and verified once. */
  readonly finished: boolean;
  counts(): { total: number; verified: number; failed: number; pending: number };
  subscribe(listener: () => void): void;
  load(meta: ConsoleMeta): Promise<void>;
  /** The journal changed: fetch what is new or unsettled, and verify it. */
  follow(): Promise<void>;
};

/**
 * Creates the page's decision book (see DecisionBook). Without a verifier (an exported folder whose viewer
 * named no RPC yet) it only loads and shows.
 */
export function createDecisionBook(data: ConsoleData, verifier: ChainVerifier | undefined): DecisionBook {
  const records = new Map<Hex, ConsoleRecord>();
  const batches = new Map<number, ConsoleBatch>();
  const results = new Map<Hex, DecisionVerification>();
  const chunkOf = new Map<Hex, DecisionChunk>();
  const chunks: DecisionChunk[] = [];
  const listeners = new Set<() => void>();
  let state: VerificationState = verifier ? 'waiting' : 'no-rpc';
  let error: string | undefined;
  let finished = false;
  let newest = 0;
  let following: Promise<void> = Promise.resolve();
  let chunkCount = 0;
  let topChunks = 0;

  const notify = () => listeners.forEach((listener) => listener());
  const touch = (id: Hex) => {
    const chunk = chunkOf.get(id);
    if (chunk) chunk.version += 1;
  };

  /** Takes in a page's records; returns the records that are new to the book. */
  function absorb(page: ConsoleDecisionPage): ConsoleRecord[] {
    const added: ConsoleRecord[] = [];
    for (const record of page.records) {
      if (!records.has(record.id)) added.push(record);
      else touch(record.id);
      records.set(record.id, record);
      if (record.position > newest) newest = record.position;
    }
    return added;
  }

  function addChunks(ids: Hex[], where: 'top' | 'bottom'): void {
    const made: DecisionChunk[] = [];
    for (let start = 0; start < ids.length; start += chunkSize) {
      const chunk = { key: `c${chunkCount++}`, ids: ids.slice(start, start + chunkSize), version: 0 };
      for (const id of chunk.ids) chunkOf.set(id, chunk);
      made.push(chunk);
    }
    if (where === 'top') {
      chunks.unshift(...made);
      topChunks += made.length;
    } else chunks.push(...made);
  }

  /** Fetches the batches these records are in that the book lacks, or holds as not committed yet. */
  async function fetchBatches(list: readonly ConsoleRecord[]): Promise<void> {
    const wanted = [...new Set(list.map((record) => record.batchId).filter((id) => id !== undefined && batches.get(id)?.status !== 'committed'))] as number[];
    for (let start = 0; start < wanted.length; start += 100) {
      for (const batch of await data.batches(wanted.slice(start, start + 100))) batches.set(batch.id, batch);
    }
  }

  /** Verifies in slices, yielding every few milliseconds, so a long list never blocks the page for long. */
  async function verify(list: readonly ConsoleRecord[]): Promise<void> {
    if (!verifier || list.length === 0 || state === 'error') return;
    let sliceStart = performance.now();
    for (let start = 0; start < list.length; start += verifySlice) {
      for (const result of await verifier.verify(list.slice(start, start + verifySlice), batches)) {
        results.set(result.id, result);
        touch(result.id);
      }
      if (performance.now() - sliceStart > sliceBudgetMs) {
        await yieldToPage();
        sliceStart = performance.now();
      }
    }
  }

  /** Decisions that may still change: in flight, or not yet on-chain (or not checked, while checks run). */
  const unsettled = () =>
    [...records.values()].filter((record) => {
      if (record.status === 'pending') return true;
      const result = results.get(record.id);
      if (result === undefined) return verifier !== undefined && state !== 'error';
      return rowVerdict(result) === 'pending';
    });

  const book: DecisionBook = {
    records,
    batches,
    results,
    chunks,
    get topChunks() {
      return topChunks;
    },
    get state() {
      return state;
    },
    get error() {
      return error;
    },
    get finished() {
      return finished;
    },
    counts() {
      let verified = 0;
      let failed = 0;
      for (const result of results.values()) {
        const verdict = rowVerdict(result);
        if (verdict === 'true') verified += 1;
        else if (verdict === 'false') failed += 1;
      }
      return { total: records.size, verified, failed, pending: records.size - verified - failed };
    },
    subscribe: (listener) => void listeners.add(listener),
    async load(meta) {
      try {
        if (verifier) {
          state = 'running';
          const chainId = await verifier.chainId();
          if (chainId !== meta.chainId) throw new Error(`The RPC is on chain ${chainId}, but these decisions are on chain ${meta.chainId}.`);
          await verifier.refresh();
        }
      } catch (problem) {
        state = 'error';
        error = problem instanceof Error ? problem.message.split('\n')[0] : String(problem);
      }
      notify();
      // The next page is fetched while this one is verified.
      let pending: Promise<ConsoleDecisionPage> | undefined = data.page(meta.firstPage);
      while (pending) {
        const page: ConsoleDecisionPage = await pending;
        pending = page.next === null ? undefined : data.page(page.next);
        const added = absorb(page);
        addChunks(added.map((record) => record.id), 'bottom');
        notify();
        await fetchBatches(added);
        await verify(added);
        notify();
      }
      finished = true;
      if (state === 'running') state = 'done';
      notify();
    },
    follow() {
      // One follow at a time, in order: a change during one is picked up by the next.
      following = following.then(async () => {
        if (!finished) return;
        const arrived: ConsoleRecord[] = [];
        for (;;) {
          const page = await data.newer(newest);
          arrived.push(...absorb(page));
          if (page.records.length < 1000) break;
        }
        if (arrived.length > 0) addChunks(arrived.map((record) => record.id).reverse(), 'top');
        const open = unsettled().filter((record) => !arrived.includes(record));
        for (let start = 0; start < open.length; start += 100) absorb(await data.byIds(open.slice(start, start + 100).map((record) => record.id)));
        notify();
        const changed = [...arrived, ...open.map((record) => records.get(record.id)!)];
        await fetchBatches(changed);
        if (verifier && state !== 'error') {
          await verifier.refresh();
          await verify(changed);
        }
        notify();
      }).catch((problem: unknown) => {
        error = problem instanceof Error ? problem.message.split('\n')[0] : String(problem);
        notify();
      });
      return following;
    },
  };
  return book;
}
