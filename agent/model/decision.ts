import type { Address, Hex } from './address.js';

/**
 * The values that flow through the pipeline after market$:
 * signal (strategy) → proposal (reasoner) → verdict (risk gate) → fill or failure (executor) → decision (journal).
 */

/** What a strategy wants and why; the reasoner turns it into a concrete proposal. */
export type Signal = {
  /** The strategy instance that emitted it (its configured id). */
  strategyId: string;
  /** Buy or sell the base asset (e.g. WETH) against the quote asset (e.g. USDC). */
  side: 'buy' | 'sell';
  /** 0..1: how strongly the strategy wants it; the rules reasoner scales size by it. */
  strength: number;
  /** Optional size hint in quote units (e.g. USD), a decimal string to avoid float money. */
  sizeQuote?: string | undefined;
  /** Human-readable reason, recorded with the decision. */
  reason: string;
  /** Event time, unix seconds, of the market event that triggered it. */
  time: number;
};

/** A concrete trade through one pool, in base units, ready for the risk gate. */
export type TradeProposal = {
  action: 'trade';
  tokenIn: Address;
  tokenOut: Address;
  fee: number;
  amountIn: bigint;
  minAmountOut: bigint;
  maxSlippageBps: number;
  rationale: string;
};
export type HoldProposal = { action: 'hold'; rationale: string };
export type Proposal = TradeProposal | HoldProposal;

/** The risk gate's answer. `reason` is the vault's custom error name (and args) that would revert. */
export type Verdict =
  | { allowed: true }
  | { allowed: false; reason: string; args?: readonly (string | number | bigint)[] | undefined };

/** What the executor reports for a sent trade. */
export type Fill = {
  txHash: Hex;
  block: bigint;
  amountIn: bigint;
  amountOut: bigint;
  minAmountOutUsed: bigint;
  valueUsd: bigint;
  gasUsed: bigint;
  effectiveGasPrice: bigint;
};

export type DecisionOutcome = 'trade' | 'hold' | 'denied' | 'failed' | 'superseded';

/** Metadata about how a proposal was reasoned, for the reasoningHash and the journal. */
export type ReasoningRecord = {
  reasoner: 'rules' | 'llm';
  model: string;
  promptVersion: string;
  /** keccak256 of the canonical JSON of the inputs the reasoner saw. */
  inputsDigest: Hex;
  /** The raw output (model text or rules output), for audit. */
  rawOutput: string;
  tokens?: { prompt: number; completion: number } | undefined;
  latencyMs?: number | undefined;
  fallback?: string | undefined;
  /** LLM: HTTP requests made for this decision (retries included); 0 when answered from the cache or not called. */
  attempts?: number | undefined;
  /** LLM: true when the answer came from the record/replay cache instead of the endpoint. */
  cached?: boolean | undefined;
};

/** Exactly the vault's TradeIntent struct (contracts/src/interfaces/IMandateVault.sol). */
export type TradeIntent = {
  decisionId: Hex;
  strategyId: Hex;
  reasoningHash: Hex;
  tokenIn: Address;
  tokenOut: Address;
  fee: number;
  amountIn: bigint;
  minAmountOut: bigint;
  deadline: bigint;
};

/**
 * One decision, as journaled. Everything that was decided is in `content` (what the hash covers);
 * the execution result is added when it is known.
 */
export type DecisionContent = {
  id: Hex;
  runId: string;
  seq: number;
  /** Unix seconds of the market event that led to it. */
  time: number;
  strategyId: string;
  signal: Signal | undefined;
  proposal: Proposal;
  reasoning: ReasoningRecord;
  reasoningHash: Hex;
  verdict: Verdict;
  intent: TradeIntent | undefined;
};

export type DecisionCompletion =
  | { outcome: 'trade'; fill: Fill }
  | { outcome: 'failed'; reason: string; txHash?: Hex | undefined }
  | { outcome: 'hold' | 'denied' | 'superseded'; reason?: string | undefined };

/** A decision the kernel has journaled and completed, as published on `kernel.decisions$`. */
export type RecordedDecision = {
  content: DecisionContent;
  /** What `journal.record` returned: the canonical hash of `content`. */
  hash: Hex;
  completion: DecisionCompletion;
};

/**
 * The verdict reasons of decisions the risk gate never saw: why nothing was sent. The decision's
 * outcome says what happened ('hold', 'superseded', 'failed', 'denied'); this says why.
 *
 * @example
 * if (decision.content.verdict.allowed === false && decision.content.verdict.reason === notSentReasons.superseded) skip();
 */
export const notSentReasons = {
  hold: 'Hold',
  superseded: 'Superseded',
  strategyFailed: 'StrategyFailed',
  reasonerFailed: 'ReasonerFailed',
  balancesUnavailable: 'BalancesUnavailable',
  invalidProposal: 'InvalidProposal',
  invalidReasoning: 'InvalidReasoning',
  riskGateFailed: 'RiskGateFailed',
  unencodable: 'UnencodableDecision',
} as const;
