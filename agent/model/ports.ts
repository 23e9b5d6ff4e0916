import type { Address, Hex } from './address.js';
import type { DecisionCompletion, DecisionContent, DecisionOutcome, Fill, Proposal, ReasoningRecord, Signal, TradeIntent, Verdict } from './decision.js';
import type { MarketEvent } from './market-event.js';

/*
 * The ports the kernel calls (strategies, reasoner, risk gate, executor, journal) and the market snapshot
 * they read. Venues and core modules implement them; none of them depends on the kernel.
 */

/** A reasoner: rules or LLM. It is called only when a strategy emits a signal. */
export type Reasoner = {
  readonly name: 'rules' | 'llm';
  propose(input: ReasonerInput): Promise<ReasonerOutput>;
};

/**
 * What a reasoner returns. `rejection` is set when the reasoner's own validation refused its output
 * (e.g. an LLM answer naming a token off the allow-list): the kernel then records a 'denied' decision
 * with that reason and the raw output, and sends nothing, whatever `proposal` says.
 */
export type ReasonerOutput = {
  proposal: Proposal;
  reasoning: ReasoningRecord;
  rejection?: { reason: string; details?: string | undefined } | undefined;
};

export type ReasonerInput = {
  signal: Signal;
  /** The latest market snapshot (read-only). */
  market: MarketSnapshot;
  /** The vault's balances per token, base units. */
  balances: ReadonlyMap<Address, bigint>;
};

/** The latest value per feed and per pool; the kernel updates it before publishing each event. */
export type MarketSnapshot = {
  readonly oracles: ReadonlyMap<Address, Extract<MarketEvent, { kind: 'oracle' }>>;
  readonly pools: ReadonlyMap<Address, Extract<MarketEvent, { kind: 'pool' }>>;
  /** The event being processed. */
  readonly last: MarketEvent | undefined;
};

/** The risk gate: the vault's policy in TypeScript. A denial is a value, never a throw. */
export type RiskGate = {
  check(intent: TradeIntent, at: { time: number }): Verdict;
};

/** What an executor reports; failures are values that become decisions with their reason. */
export type ExecutionResult =
  | { ok: true; fill: Fill }
  | { ok: false; reason: string; txHash?: Hex | undefined };

/** Sends trades: the vault through viem (live) or the pool simulator (backtest). */
export type Executor = {
  execute(intent: TradeIntent): Promise<ExecutionResult>;
  /** Current vault balances per token, base units. */
  balances(): Promise<ReadonlyMap<Address, bigint>>;
};

/** Where the kernel records decisions: SQLite in agent/journal. Written before anything is sent. */
export type DecisionJournal = {
  /**
   * Journals a decision before any transaction; returns its canonical hash. `trigger` names the market
   * event whose signal led to it (see `triggerKey`), so a resumed run can tell a signal it already decided.
   */
  record(content: DecisionContent, trigger?: string): Hex;
  /** Completes a journaled decision with its outcome. */
  complete(id: Hex, completion: DecisionCompletion): void;
};

/** What became of a strategy's signal: told to the strategy that asked, as soon as it is known. */
export type StrategyOutcome = {
  decisionId: Hex;
  /** trade (filled), hold, denied, failed, or superseded by a newer signal of the same strategy. */
  outcome: DecisionOutcome;
  /** The signal decided on; undefined for a failure of the strategy itself. */
  signal: Signal | undefined;
  /** Why: the denial reason, the failure, the hold rationale. */
  reason: string | undefined;
  /** For a trade: what was swapped, in base units. */
  fill: { tokenIn: Address; tokenOut: Address; amountIn: bigint; amountOut: bigint } | undefined;
};

/**
 * What the kernel runs per market event: a configured strategy instance (strategies/ builds these with
 * `createStrategyInstance`). `onMarket` is called after the snapshot includes the event; `setBalances`,
 * when present, receives the vault balances each time the kernel reads them; `onOutcome` hears what
 * became of each of its signals; `saveState`/`loadState` let a live run persist the strategy's state.
 */
export type KernelStrategy = {
  /** Unique per agent; the decision's strategyId and, hashed, the intent's bytes32 strategyId. */
  readonly id: string;
  onMarket(market: MarketSnapshot): Signal | undefined;
  setBalances?(balances: ReadonlyMap<Address, bigint>): void;
  onOutcome?(outcome: StrategyOutcome): void;
  /** The state as JSON-able data (canonical JSON must encode it); undefined when nothing is worth keeping. */
  saveState?(): unknown;
  /** Restores what `saveState` returned, before any event of the resumed run. */
  loadState?(saved: unknown): void;
};

