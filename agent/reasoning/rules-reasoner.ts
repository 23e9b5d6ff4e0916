import { formatUnits } from 'viem';
import { MandateError } from '../model/base-error.js';
import { canonicalJson, canonicalJsonReusing } from '../model/canonical-json.js';
import { keccak256Hex } from '../model/keccak.js';
import type { Address } from '../model/address.js';
import { parseUnitsTruncated } from '../model/units.js';
import type { OracleUpdate } from '../model/market-event.js';
import type { Proposal, ReasoningRecord, TradeProposal } from '../model/decision.js';
import type { Reasoner, ReasonerInput, ReasonerOutput } from '../model/ports.js';

/** A token of the traded market; decimals always come from here, never assumed. */
export type RulesToken = { address: Address; decimals: number; symbol?: string | undefined };

/** The market the rules reasoner trades (the same shape as a strategy's configured market). */
export type RulesMarket = {
  /** Chainlink feed pricing the base token (e.g. ETH/USD for WETH). */
  oracle: Address;
  /**
   * Chainlink feed pricing the quote token in the same unit (e.g. USDC/USD). Without it the quote token is
   * taken to be worth exactly one unit of the base feed's currency (USDC = 1 USD).
   */
  quoteOracle?: Address | undefined;
  /** Fee of the pool to trade through, in hundredths of a bip (500 = 0.05 %). */
  poolFee: number;
  base: RulesToken;
  quote: RulesToken;
};

export type CreateRulesReasonerParameters = {
  market: RulesMarket;
  /** The size of a strength-1 signal and the cap on any trade, in quote units as a decimal string ("1000"). */
  maxTradeQuote: string;
  /** Slippage below the oracle-implied output that a proposal accepts, in basis points (0..10000). */
  maxSlippageBps: number;
  /** Recorded in every ReasoningRecord; change it when these rules change. Default 'rules-v1'. */
  promptVersion?: string | undefined;
};

/**
 * The rules reasoner's options are unusable; `key` names the option.
 *
 * @example
 * createRulesReasoner({ market, maxTradeQuote: '1000', maxSlippageBps: 20_000 }); // throws, key 'maxSlippageBps'
 */
export class RulesReasonerConfigError extends MandateError {
  override name = 'RulesReasonerConfigError';
  readonly key: string;
  constructor(key: string, got: string, accepted: string) {
    super(`Invalid rules reasoner option "${key}".`, { details: `Got ${got}; ${accepted}.` });
    this.key = key;
  }
}

/**
 * A signal the rules cannot size (the kernel validates signals too; this guards direct callers).
 *
 * @example
 * await reasoner.propose({ signal: { ...signal, strength: 1.5 }, market, balances }); // rejects
 */
export class InvalidSignalError extends MandateError {
  override name = 'InvalidSignalError';
  constructor(field: string, got: string, accepted: string) {
    super(`Invalid signal ${field}.`, { details: `Got ${got}; ${accepted}.` });
  }
}

/**
 * The model name the rules reasoner records in every ReasoningRecord.
 *
 * @example
 * decision.content.reasoning.model === rulesModel; // a decision the rules made
 */
export const rulesModel = 'rules-v1';

const strengthScale = 1_000_000n;
const bpsScale = 10_000n;

/**
 * The deterministic, offline default reasoner. A buy spends the quote token for the base token, a sell the
 * reverse. Size: the signal's `sizeQuote`, else `strength × maxTradeQuote`; never more than
 * `maxTradeQuote` nor than the vault holds of the token spent. `minAmountOut` is the oracle-implied output
 * less `maxSlippageBps`, all in bigint base units. It holds, with the reason, when it has no oracle price,
 * nothing to spend, or a size that rounds to zero.
 *
 * @example
 * const reasoner = createRulesReasoner({
 *   market: { oracle: ethUsd, poolFee: 500, base: { address: weth, decimals: 18 }, quote: { address: usdc, decimals: 6 } },
 *   maxTradeQuote: '1000',
 *   maxSlippageBps: 50,
 * });
 * const { proposal } = await reasoner.propose({ signal, market, balances });
 */
export function createRulesReasoner(parameters: CreateRulesReasonerParameters): Reasoner {
  const config = validateParameters(parameters);
  const { market, maxSlippageBps, promptVersion } = config;
  const maxQuoteUnits = parseUnitsTruncated(config.maxTradeQuote, market.quote.decimals);
  const baseScale = 10n ** BigInt(market.base.decimals);
  const quoteScale = 10n ** BigInt(market.quote.decimals);
  const baseName = market.base.symbol ?? market.base.address;
  const quoteName = market.quote.symbol ?? market.quote.address;
  // The config is part of every inputs digest and never changes: encoded once.
  const configJson = canonicalJson(config);

  return {
    name: 'rules',
    async propose(input: ReasonerInput): Promise<ReasonerOutput> {
      const { signal } = input;
      checkSignal(signal.strength, signal.sizeQuote);
      const baseRound = input.market.oracles.get(market.oracle);
      const quoteRound = market.quoteOracle === undefined ? undefined : input.market.oracles.get(market.quoteOracle);
      const baseBalance = input.balances.get(market.base.address) ?? 0n;
      const quoteBalance = input.balances.get(market.quote.address) ?? 0n;
      const inputs = {
        signal,
        oracle: baseRound === undefined ? null : roundFacts(baseRound),
        quoteOracle: quoteRound === undefined ? null : roundFacts(quoteRound),
        balances: { base: baseBalance, quote: quoteBalance },
        config,
      };
      const proposal = decide();
      const reasoning: ReasoningRecord = {
        reasoner: 'rules',
        model: rulesModel,
        promptVersion,
        inputsDigest: keccak256Hex(canonicalJsonReusing(inputs, { config: configJson })),
        rawOutput: canonicalJson(proposal),
      };
      return { proposal, reasoning };

      function decide(): Proposal {
        const why = `(${signal.reason})`;
        if (baseRound === undefined) return hold(`no price yet from oracle ${market.oracle} ${why}`);
        if (market.quoteOracle !== undefined && quoteRound === undefined) {
          return hold(`no price yet from quote oracle ${market.quoteOracle} ${why}`);
        }
        // Price of one base token in quote tokens, as the exact fraction priceNum / priceDen.
        const priceNum = quoteRound === undefined ? baseRound.answer : baseRound.answer * 10n ** BigInt(quoteRound.decimals);
        const priceDen =
          quoteRound === undefined
            ? 10n ** BigInt(baseRound.decimals)
            : 10n ** BigInt(baseRound.decimals) * quoteRound.answer;
        const sized = signal.sizeQuote !== undefined ? parseUnitsTruncated(signal.sizeQuote, market.quote.decimals) : scaleByStrength(maxQuoteUnits, signal.strength);
        const wantedQuote = sized > maxQuoteUnits ? maxQuoteUnits : sized;
        if (wantedQuote === 0n) return hold(`size is zero (strength ${signal.strength}) ${why}`);
        const price = formatUnits((priceNum * quoteScale) / priceDen, market.quote.decimals);

        if (signal.side === 'buy') {
          if (quoteBalance === 0n) return hold(`nothing to spend: the vault holds no ${quoteName} ${why}`);
          const amountIn = wantedQuote < quoteBalance ? wantedQuote : quoteBalance;
          const expectedOut = (amountIn * baseScale * priceDen) / (quoteScale * priceNum);
          if (expectedOut === 0n) return hold(`buying with ${formatUnits(amountIn, market.quote.decimals)} ${quoteName} rounds to zero ${baseName} ${why}`);
          return trade(
            market.quote.address,
            market.base.address,
            amountIn,
            expectedOut,
            `buy ${baseName} with ${formatUnits(amountIn, market.quote.decimals)} ${quoteName} at oracle ${price} ${why}`,
          );
        }
        if (baseBalance === 0n) return hold(`nothing to sell: the vault holds no ${baseName} ${why}`);
        const wantedBase = (wantedQuote * baseScale * priceDen) / (quoteScale * priceNum);
        const amountIn = wantedBase < baseBalance ? wantedBase : baseBalance;
        if (amountIn === 0n) return hold(`selling ${formatUnits(wantedQuote, market.quote.decimals)} ${quoteName} worth rounds to zero ${baseName} ${why}`);
        const expectedOut = (amountIn * quoteScale * priceNum) / (baseScale * priceDen);
        if (expectedOut === 0n) return hold(`selling ${formatUnits(amountIn, market.base.decimals)} ${baseName} rounds to zero ${quoteName} ${why}`);
        return trade(
          market.base.address,
          market.quote.address,
          amountIn,
          expectedOut,
          `sell ${formatUnits(amountIn, market.base.decimals)} ${baseName} for ${quoteName} at oracle ${price} ${why}`,
        );
      }
    },
  };

  function trade(tokenIn: Address, tokenOut: Address, amountIn: bigint, expectedOut: bigint, rationale: string): TradeProposal {
    return {
      action: 'trade',
      tokenIn,
      tokenOut,
      fee: market.poolFee,
      amountIn,
      minAmountOut: (expectedOut * (bpsScale - BigInt(maxSlippageBps))) / bpsScale,
      maxSlippageBps,
      rationale,
    };
  }
}

function hold(rationale: string): Proposal {
  return { action: 'hold', rationale };
}

/** amount × strength without floats: strength is taken to 6 decimal places. */
function scaleByStrength(amount: bigint, strength: number): bigint {
  return (amount * BigInt(Math.round(strength * 1_000_000))) / strengthScale;
}

function roundFacts(round: OracleUpdate) {
  return { feed: round.feed, roundId: round.roundId, answer: round.answer, decimals: round.decimals, updatedAt: round.updatedAt };
}

const decimalPattern = /^\d+(\.\d+)?$/;

function checkSignal(strength: number, sizeQuote: string | undefined): void {
  if (typeof strength !== 'number' || !(strength >= 0 && strength <= 1)) {
    throw new InvalidSignalError('strength', String(strength), 'a number from 0 to 1 is accepted');
  }
  if (sizeQuote !== undefined && (typeof sizeQuote !== 'string' || !decimalPattern.test(sizeQuote))) {
    throw new InvalidSignalError('sizeQuote', JSON.stringify(sizeQuote), 'a non-negative decimal string such as "250.5" is accepted');
  }
}

function validateParameters(parameters: CreateRulesReasonerParameters) {
  const { market, maxTradeQuote, maxSlippageBps } = parameters;
  const address = /^0x[0-9a-fA-F]{40}$/;
  for (const key of ['oracle', 'quoteOracle'] as const) {
    const value = market[key];
    if ((key === 'oracle' || value !== undefined) && (typeof value !== 'string' || !address.test(value))) {
      throw new RulesReasonerConfigError(`market.${key}`, JSON.stringify(value), 'a 20-byte hex address is accepted');
    }
  }
  for (const side of ['base', 'quote'] as const) {
    const token = market[side];
    if (typeof token?.address !== 'string' || !address.test(token.address)) {
      throw new RulesReasonerConfigError(`market.${side}.address`, JSON.stringify(token?.address), 'a 20-byte hex address is accepted');
    }
    if (!Number.isInteger(token.decimals) || token.decimals < 0 || token.decimals > 77) {
      throw new RulesReasonerConfigError(`market.${side}.decimals`, String(token.decimals), 'an integer from 0 to 77 is accepted');
    }
  }
  if (market.base.address === market.quote.address) {
    throw new RulesReasonerConfigError('market.quote.address', market.quote.address, 'the quote token must differ from the base token');
  }
  if (!Number.isInteger(market.poolFee) || market.poolFee < 0 || market.poolFee >= 1_000_000) {
    throw new RulesReasonerConfigError('market.poolFee', String(market.poolFee), 'an integer fee in hundredths of a bip below 1,000,000 (e.g. 500, 3000) is accepted');
  }
  if (typeof maxTradeQuote !== 'string' || !decimalPattern.test(maxTradeQuote)) {
    throw new RulesReasonerConfigError('maxTradeQuote', JSON.stringify(maxTradeQuote), 'a non-negative decimal string such as "1000" is accepted');
  }
  if (!Number.isInteger(maxSlippageBps) || maxSlippageBps < 0 || maxSlippageBps > 10_000) {
    throw new RulesReasonerConfigError('maxSlippageBps', String(maxSlippageBps), 'an integer from 0 to 10000 is accepted');
  }
  const promptVersion = parameters.promptVersion ?? 'rules-v1';
  // A plain copy: it is part of the canonical inputs digest, so it must hold only JSON data.
  return {
    market: {
      oracle: market.oracle,
      quoteOracle: market.quoteOracle,
      poolFee: market.poolFee,
      base: { address: market.base.address, decimals: market.base.decimals, symbol: market.base.symbol },
      quote: { address: market.quote.address, decimals: market.quote.decimals, symbol: market.quote.symbol },
    },
    maxTradeQuote,
    maxSlippageBps,
    promptVersion,
  };
}
