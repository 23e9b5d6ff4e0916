import type { DecisionTreeDump } from '../journal/batch-store.js';
import type { StoredDecision } from '../journal/decision-store.js';
import type { Address, Hex } from '../model/address.js';

/**
 * What the console's server (or an exported folder) sends to the page, as JSON. Records and proofs only:
 * the page verifies them itself against the chain; nothing here is a verification result.
 */

/** A journaled decision as stored, with its position in the journal (the paging cursor). */
export type ConsoleRecord = StoredDecision & { position: number };

/** A Merkle batch as stored, with its whole tree (an OpenZeppelin StandardMerkleTree dump): the proofs. */
export type ConsoleBatch = {
  id: number;
  root: Hex;
  count: number;
  prevRoot: Hex;
  status: 'pending' | 'committed';
  /** The vault's batch number, once the commit is known. */
  onchainIndex: number | undefined;
  txHash: Hex | undefined;
  /** Decimal block number of the commit. */
  block: string | undefined;
  tree: DecisionTreeDump;
};

/** One page of decisions, newest first (their batches are fetched once each, by id: a tree is large). */
export type ConsoleDecisionPage = {
  records: ConsoleRecord[];
  /** Where the next (older) page is, relative to the page: an API path or an exported file; null at the end. */
  next: string | null;
};

/** A run whose decisions the console shows (a live or demo run against this chain and vault). */
export type ConsoleRun = { id: string; mode: string; status: string; startedAt: number; endedAt: number | undefined };

/** A token the vault holds and the page formats amounts of. */
export type ConsoleToken = { address: Address; symbol: string; decimals: number };

/** What the page needs first: where it is, what it shows, and where the data is. */
export type ConsoleMeta = {
  /** 'server': `mandate console` or `mandate run`; 'static': an exported folder. */
  source: 'server' | 'static';
  /** Whether new decisions arrive (server-sent events on `events`). */
  live: boolean;
  network: string;
  chainId: number;
  vault: Address;
  /** Decimal block where the vault's logs start (its deploy block). */
  fromBlock: string;
  runs: ConsoleRun[];
  tokens: ConsoleToken[];
  /** Decisions of those runs when this was made. */
  total: number;
  /** The first (newest) page of decisions, relative to the page. */
  firstPage: string;
  /** The console's read-only RPC proxy, relative to the page; null in an exported folder (the viewer names one). */
  rpcProxy: string | null;
  /** Unix seconds when the export was written (static only). */
  exportedAt: number | undefined;
};

/**
 * A labelled value the page renders generically, formatted by its unit. The vault status is lists of these,
 * so a new field (a loss budget, a breaker) is added on the server and shows up without touching the page.
 */
export type ConsoleField = {
  label: string;
  value: string | number | boolean | null;
  /** usd: a decimal string or number of dollars; seconds: a duration; time: unix seconds; bps: basis points. */
  unit?: 'usd' | 'seconds' | 'time' | 'bps' | 'address' | 'amount' | 'text' | undefined;
  /** A short explanation shown beside the value. */
  note?: string | undefined;
  /** Draws attention to it (paused, cooldown running, little allowance left). */
  warn?: boolean | undefined;
};

/** The vault as one plain JSON object (see readConsoleVaultStatus). */
export type ConsoleVaultStatus = {
  vault: Address;
  chainId: number;
  block: string;
  blockTime: number;
  paused: boolean;
  /** Holdings with their oracle prices and value. */
  holdings: { symbol: string; address: Address; amount: string; priceUsd: number | null; valueUsd: number | null; oracleUpdatedAt: number | null }[];
  valueUsd: number;
  /** Owner (and the Safe behind it), guardian, agent, pending owner. */
  roles: ConsoleField[];
  /** The vault's limits. */
  policy: ConsoleField[];
  /** What the limits leave now: allowance, cooldown, per-trade cap, oracle freshness, pause. */
  headroom: ConsoleField[];
  /** Queued loosening changes with when they may be applied. */
  pendingChanges: { id: string; kind: string; eta: number; validNow: boolean; secondsToGo: number; fields: ConsoleField[] }[];
};

/** The vault's value over time, sampled at blocks, against holding the first sample's balances. */
export type ConsoleVaultHistory = {
  points: { block: string; time: number; valueUsd: number; holdingUsd: number; balances: Record<string, number>; prices: Record<string, number> }[];
  /** Last value minus the value of the first balances at the last prices: what trading added over holding. */
  pnlVsHoldingUsd: number | null;
  /** Why there are fewer points than asked (an RPC without archive state answers only the latest block). */
  note: string | undefined;
};

/** Strategies and the agent's health. */
export type ConsoleOverview = {
  strategies: {
    id: string;
    decisions: number;
    byStatus: Record<string, number>;
    /** Trades' net token flows valued at the current oracle prices, USD. */
    pnlUsd: number | null;
    volumeUsd: number;
    lastDecisionTime: number | null;
  }[];
  /** Market time of the last decision, and of the last market event when the agent runs in this process. */
  market: { lastDecisionTime: number | null; lastEventTime: number | null; lastProcessedBlock: string | null };
  rpc: { ok: boolean; headBlock: string | null; latencyMs: number | null; error: string | undefined };
  llm: {
    decisions: number;
    cachedAnswers: number;
    promptTokens: number;
    completionTokens: number;
    budget: { callsPerRun: number; callsPerDay: number; tokensPerRun: number; tokensPerDay: number } | null;
    /** Today's usage from the reasoner's cache file (shared by every run of the day), when it exists. */
    today: { day: string; calls: number; tokens: number } | null;
  };
  /** The running agent's /health, when the console is served by `mandate run`. */
  agent: { status: string; reasons: string[]; lagBlocks: number | null; events: number; decisions: number } | null;
};
