import { isAddress, toAddress } from '../model/address.js';
import type { Signal, TradeProposal } from '../model/decision.js';

/**
 * Why a strategy's signal cannot be processed (it would not even encode in the journal), or undefined.
 * Strategies are user code: the kernel checks what they return instead of trusting the types.
 *
 * @example
 * signalProblem({ ...signal, strength: 2 }); // 'strength 2 (accepted: a number from 0 to 1)'
 */
export function signalProblem(signal: Signal): string | undefined {
  if (signal.side !== 'buy' && signal.side !== 'sell') return `side ${JSON.stringify(signal.side)} (accepted: "buy", "sell")`;
  if (typeof signal.strength !== 'number' || !(signal.strength >= 0 && signal.strength <= 1)) {
    return `strength ${String(signal.strength)} (accepted: a number from 0 to 1)`;
  }
  if (typeof signal.time !== 'number' || !Number.isFinite(signal.time)) return `time ${String(signal.time)} (accepted: unix seconds)`;
  if (typeof signal.reason !== 'string') return 'reason is not a string';
  if (signal.sizeQuote !== undefined && (typeof signal.sizeQuote !== 'string' || !/^\d+(\.\d+)?$/.test(signal.sizeQuote))) {
    return `sizeQuote ${JSON.stringify(signal.sizeQuote)} (accepted: a non-negative decimal string such as "250.5")`;
  }
  return undefined;
}

/**
 * Why a reasoner's trade proposal cannot become a TradeIntent, or undefined if it can. Reasoners validate
 * their own output; this is the last line before an intent is built from it.
 *
 * @example
 * tradeProposalProblem({ ...proposal, amountIn: 0n }); // 'amountIn 0 is not a positive bigint'
 */
export function tradeProposalProblem(proposal: TradeProposal): string | undefined {
  if (!isAddress(proposal.tokenIn)) return `tokenIn ${String(proposal.tokenIn)} is not an address`;
  if (!isAddress(proposal.tokenOut)) return `tokenOut ${String(proposal.tokenOut)} is not an address`;
  if (toAddress(proposal.tokenIn) === toAddress(proposal.tokenOut)) return 'tokenIn equals tokenOut';
  if (!Number.isInteger(proposal.fee) || proposal.fee < 0 || proposal.fee >= 2 ** 24) return `fee ${String(proposal.fee)} is not a uint24`;
  if (typeof proposal.amountIn !== 'bigint' || proposal.amountIn <= 0n) return `amountIn ${String(proposal.amountIn)} is not a positive bigint`;
  if (typeof proposal.minAmountOut !== 'bigint' || proposal.minAmountOut < 0n) {
    return `minAmountOut ${String(proposal.minAmountOut)} is not a non-negative bigint`;
  }
  if (proposal.amountIn >= 2n ** 256n || proposal.minAmountOut >= 2n ** 256n) return 'an amount does not fit a uint256';
  return undefined;
}
