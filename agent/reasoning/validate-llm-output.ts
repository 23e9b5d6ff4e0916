import { parseUnits } from 'viem';
import type { MarketSnapshot } from '../model/ports.js';
import type { Proposal, TradeProposal } from '../model/decision.js';
import type { Address } from '../model/address.js';
import { LlmOutputError, llmOutputReasons } from './llm-errors.js';
import { llmDecisionSchema, type LlmDecision } from './llm-output-schema.js';
import {
  balanceOf,
  findToken,
  marketPools,
  tokenPrice,
  usdValue18,
  type ReasonerMarket,
  type ReasonerPolicy,
} from './reasoner-market.js';

export type ValidateLlmOutputParameters = {
  /** Exactly what the model returned (message content). */
  rawOutput: string;
  market: ReasonerMarket;
  policy: ReasonerPolicy;
  /** The snapshot the model was shown: prices for the cap and for minAmountOut come from it. */
  snapshot: MarketSnapshot;
  /** The vault's balances, base units. */
  balances: ReadonlyMap<Address, bigint>;
};

export type ValidateLlmOutputReturnType =
  | { ok: true; proposal: Proposal; decision: LlmDecision }
  | { ok: false; error: LlmOutputError };

const maxUint256 = 2n ** 256n - 1n;
const bps = 10_000n;

/**
 * Turns a model answer into a proposal, or refuses it with the reason. Checked, in order: JSON, the schema,
 * tokens on the allow-list and different, the pool's fee on the allow-list, amountIn a positive integer
 * string in base units that fits a uint256 and the vault's balance, an oracle price for both tokens, the
 * value within the per-trade cap (USD at the oracle, 18 decimals like the vault), the slippage within the
 * policy. `minAmountOut` is computed here from the oracle (the model never sets it). The risk gate still
 * runs on the result: this is a first line, not the only one.
 *
 * @example
 * const result = validateLlmOutput({ rawOutput, market, policy, snapshot, balances });
 * if (!result.ok) console.log(result.error.reason, result.error.details);
 */
export function validateLlmOutput(parameters: ValidateLlmOutputParameters): ValidateLlmOutputReturnType {
  const { rawOutput, market, policy, snapshot, balances } = parameters;
  const refuse = (reason: (typeof llmOutputReasons)[keyof typeof llmOutputReasons], details: string) => ({
    ok: false as const,
    error: new LlmOutputError(reason, details, rawOutput),
  });

  let json: unknown;
  try {
    json = JSON.parse(stripCodeFence(rawOutput));
  } catch (error) {
    return refuse(llmOutputReasons.malformed, `not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = llmDecisionSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
    return refuse(llmOutputReasons.schema, issues);
  }
  const decision = parsed.data;
  if (decision.action === 'hold') return { ok: true, decision, proposal: { action: 'hold', rationale: decision.rationale } };

  const tokenIn = findToken(market, decision.tokenIn);
  if (tokenIn === undefined) return refuse(llmOutputReasons.tokenNotAllowed, `tokenIn ${JSON.stringify(decision.tokenIn)} is not an allow-listed token`);
  const tokenOut = findToken(market, decision.tokenOut);
  if (tokenOut === undefined) return refuse(llmOutputReasons.tokenNotAllowed, `tokenOut ${JSON.stringify(decision.tokenOut)} is not an allow-listed token`);
  if (tokenIn.address === tokenOut.address) {
    return refuse(llmOutputReasons.tokenNotAllowed, 'tokenIn and tokenOut are the same token');
  }
  const fees = marketPools(market).map((pool) => pool.fee);
  if (!fees.includes(decision.fee)) {
    return refuse(llmOutputReasons.poolNotAllowed, `fee ${decision.fee} is not an allow-listed pool of the pair (allowed: ${fees.join(', ')})`);
  }

  if (!/^[0-9]+$/.test(decision.amountIn)) {
    return refuse(llmOutputReasons.invalidAmount, `amountIn ${JSON.stringify(decision.amountIn)} is not a whole number of base units (digits only, no sign, point or exponent)`);
  }
  const amountIn = BigInt(decision.amountIn);
  if (amountIn === 0n) return refuse(llmOutputReasons.invalidAmount, 'amountIn is zero');
  if (amountIn > maxUint256) return refuse(llmOutputReasons.invalidAmount, 'amountIn does not fit a uint256');
  const balance = balanceOf(balances, tokenIn.address);
  if (amountIn > balance) {
    return refuse(llmOutputReasons.insufficientBalance, `amountIn ${amountIn} exceeds the vault's balance of ${balance} ${tokenIn.symbol ?? tokenIn.address} (base units, ${tokenIn.decimals} decimals)`);
  }

  const priceIn = tokenPrice(market, snapshot, tokenIn.address);
  const priceOut = tokenPrice(market, snapshot, tokenOut.address);
  if (priceIn === undefined || priceOut === undefined) {
    const missing = priceIn === undefined ? tokenIn : tokenOut;
    return refuse(llmOutputReasons.noPrice, `no oracle price for ${missing.symbol ?? missing.address}`);
  }
  const valueUsd18 = usdValue18(amountIn, priceIn);
  const capUsd18 = parseUnits(policy.maxTradeUsd, 18);
  if (valueUsd18 > capUsd18) {
    return refuse(llmOutputReasons.exceedsCap, `trade value ${formatUsd18(valueUsd18)} USD exceeds the per-trade cap of ${policy.maxTradeUsd} USD`);
  }

  if (decision.maxSlippageBps < 0 || decision.maxSlippageBps > policy.maxSlippageBps) {
    return refuse(llmOutputReasons.slippage, `maxSlippageBps ${decision.maxSlippageBps} is outside 0..${policy.maxSlippageBps}`);
  }
  // Oracle-implied output: amountIn × priceIn / priceOut, both fractions per base unit.
  const expectedOut = (amountIn * priceIn.num * priceOut.den) / (priceIn.den * priceOut.num);
  const minAmountOut = (expectedOut * (bps - BigInt(decision.maxSlippageBps))) / bps;
  const proposal: TradeProposal = {
    action: 'trade',
    tokenIn: tokenIn.address,
    tokenOut: tokenOut.address,
    fee: decision.fee,
    amountIn,
    minAmountOut,
    maxSlippageBps: decision.maxSlippageBps,
    rationale: decision.rationale,
  };
  return { ok: true, decision, proposal };
}

/** Local models often wrap JSON in a Markdown fence even in JSON mode; the content inside is what counts. */
function stripCodeFence(text: string): string {
  const match = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/i.exec(text);
  return match ? match[1]! : text;
}

function formatUsd18(value: bigint): string {
  const whole = value / 10n ** 18n;
  const cents = (value % 10n ** 18n) / 10n ** 16n;
  return `${whole}.${cents.toString().padStart(2, '0')}`;
}
