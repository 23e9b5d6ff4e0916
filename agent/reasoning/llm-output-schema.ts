import { z } from 'zod';

/**
 * The answer the model must give: a trade through one allow-listed pool, or a hold. Objects are strict, so
 * an invented field (say `withdrawTo`) is a schema violation, not something silently ignored. `amountIn` is
 * a string because base-unit amounts exceed what a JSON number holds exactly; whether it is a positive
 * integer within the balance and the cap is checked afterwards (validate-llm-output.ts), with the market.
 *
 * @example
 * llmDecisionSchema.parse({ action: 'hold', rationale: 'no edge', confidence: 0.7 });
 */
export const llmDecisionSchema = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('trade'),
    tokenIn: z.string().describe('address of the token to sell'),
    tokenOut: z.string().describe('address of the token to buy'),
    fee: z.number().int().describe('fee tier of the pool to trade through'),
    amountIn: z.string().describe('amount of tokenIn in base units, digits only'),
    maxSlippageBps: z.number().int().describe('worst accepted price against the oracle, basis points'),
    rationale: z.string().max(2_000),
    confidence: z.number().min(0).max(1),
  }),
  z.strictObject({
    action: z.literal('hold'),
    // A hold may repeat the trade fields as null (what models asked for "all fields" tend to do).
    tokenIn: z.null().optional(),
    tokenOut: z.null().optional(),
    fee: z.null().optional(),
    amountIn: z.null().optional(),
    maxSlippageBps: z.null().optional(),
    rationale: z.string().max(2_000),
    confidence: z.number().min(0).max(1),
  }),
]);

/** A schema-valid model answer (not yet checked against the mandate). */
export type LlmDecision = z.output<typeof llmDecisionSchema>;
