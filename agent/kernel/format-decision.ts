import { formatUnits } from 'viem';
import type { Address } from '../model/address.js';
import type { RecordedDecision } from '../model/decision.js';

/** How to show a token's amounts: its symbol and decimals (from the configured market, never assumed). */
export type TokenDisplay = { symbol: string; decimals: number };

export type FormatDecisionOptions = {
  /** Tokens by address. Amounts of tokens not listed are shown in base units. */
  tokens?: ReadonlyMap<Address, TokenDisplay> | undefined;
};

/**
 * One readable line per decision, for `kernel.decisions$` in a terminal (`mandate run`, `mandate demo`):
 * sequence, event time (UTC), strategy, outcome, and what was traded or why not.
 *
 * @example
 * kernel.decisions$.subscribe((d) => console.log(formatDecision(d, { tokens })));
 * // #12 2023-04-06 10:15:00Z eth-trend TRADE 500 USDC → 0.2689 WETH (tx 0x5c1e…9a0b): buy WETH with 500 USDC at oracle 1850 (…)
 */
export function formatDecision(decision: RecordedDecision, options: FormatDecisionOptions = {}): string {
  const { content, completion } = decision;
  const when = new Date(content.time * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  const head = `#${content.seq} ${when} ${content.strategyId} ${completion.outcome.toUpperCase()}`;
  const amount = (value: bigint, token: Address): string => {
    const display = lookup(options.tokens, token);
    return display === undefined ? `${value} of ${token}` : `${formatUnits(value, display.decimals)} ${display.symbol}`;
  };
  switch (completion.outcome) {
    case 'trade': {
      const intent = content.intent!;
      const { fill } = completion;
      const rationale = content.proposal.action === 'trade' ? content.proposal.rationale : '';
      return `${head} ${amount(fill.amountIn, intent.tokenIn)} → ${amount(fill.amountOut, intent.tokenOut)} (tx ${short(fill.txHash)}): ${rationale}`;
    }
    case 'failed':
      return `${head} ${completion.reason}${completion.txHash ? ` (tx ${short(completion.txHash)})` : ''}`;
    default: {
      const intent = content.intent;
      const what = intent ? `${amount(intent.amountIn, intent.tokenIn)} → ${lookup(options.tokens, intent.tokenOut)?.symbol ?? intent.tokenOut}: ` : '';
      return `${head} ${what}${completion.reason ?? content.proposal.rationale}`;
    }
  }
}

function lookup(tokens: ReadonlyMap<Address, TokenDisplay> | undefined, token: Address): TokenDisplay | undefined {
  return tokens?.get(token);
}

function short(hash: string): string {
  return `${hash.slice(0, 6)}…${hash.slice(-4)}`;
}
