import type { Address } from '../model/address.js';
import type { RecordedDecision } from '../model/decision.js';
import type { GasCharge, VenueMarket } from './venue.js';

/** What one strategy of a run did, for the summary and the console. */
export type StrategyFigures = {
  signals: number;
  trades: number;
  holds: number;
  /** Decisions the risk gate or the reasoner's validation refused. */
  denials: number;
  denialsByReason: Record<string, number>;
  /** Sent trades that did not fill, and signals that failed before the reasoner (strategy errors...). */
  failures: number;
  failuresByReason: Record<string, number>;
  /** What its trades added, in quote units: quote and base moved, valued at the last price, less its gas. */
  pnl: number;
  /** Gas its trades cost, quote units. */
  gas: number;
};

/**
 * Books per strategy: counts by outcome and reason, and each strategy's own position from its fills, so a
 * run with several strategies says which one earned or lost what (fees are in the fill amounts; gas is
 * charged to the strategy that traded).
 *
 * @example
 * const ledger = createStrategyLedger(['eth-trend', 'oracle-gap'], market);
 * kernel.decisions$.subscribe((decision) => ledger.onDecision(decision, venue.gasCost?.(fill)));
 * ledger.figures(price, kernel.summary().signalsByStrategy);
 */
export function createStrategyLedger(ids: readonly string[], market: Pick<VenueMarket, 'base' | 'quote'>) {
  type Book = Omit<StrategyFigures, 'signals' | 'pnl'> & { base: bigint; quote: bigint; paidOutside: number };
  const books = new Map<string, Book>();
  for (const id of ids) books.set(id, { trades: 0, holds: 0, denials: 0, denialsByReason: {}, failures: 0, failuresByReason: {}, gas: 0, base: 0n, quote: 0n, paidOutside: 0 });
  const baseScale = 10 ** market.base.decimals;
  const quoteScale = 10 ** market.quote.decimals;
  const move = (book: Book, token: Address, amount: bigint) => {
    if (token === market.base.address) book.base += amount;
    else if (token === market.quote.address) book.quote += amount;
  };
  const count = (byReason: Record<string, number>, reason: string) => {
    // The reason's name, without the details after it ("CooldownActive", "StrategyFailed").
    const name = reason.split(/[:(]/)[0]!.trim() || reason;
    byReason[name] = (byReason[name] ?? 0) + 1;
  };

  return {
    /** A decision of the run; `gas` is its trade's gas, when known. */
    onDecision(decision: RecordedDecision, gas: GasCharge | undefined): void {
      const book = books.get(decision.content.strategyId);
      if (book === undefined) return;
      const { completion, content } = decision;
      if (completion.outcome === 'trade') {
        book.trades += 1;
        const intent = content.intent!;
        move(book, intent.tokenIn, -completion.fill.amountIn);
        move(book, intent.tokenOut, completion.fill.amountOut);
        if (gas !== undefined) {
          book.gas += gas.quoteValue;
          // Gas paid in a token of the pair is a position change, valued at the last price like the rest.
          if (gas.token !== undefined) move(book, gas.token, -gas.amount);
          else book.paidOutside += gas.quoteValue;
        }
      } else if (completion.outcome === 'hold') book.holds += 1;
      else if (completion.outcome === 'denied') {
        book.denials += 1;
        count(book.denialsByReason, content.verdict.allowed ? (completion.reason ?? 'Denied') : content.verdict.reason);
      } else if (completion.outcome === 'failed') {
        book.failures += 1;
        count(book.failuresByReason, completion.reason);
      }
    },
    /** Every strategy's figures, its position valued at `price` (quote per base). */
    figures(price: number, signals: Readonly<Record<string, number>>): Record<string, StrategyFigures> {
      const result: Record<string, StrategyFigures> = {};
      for (const [id, { base, quote, paidOutside, ...book }] of books) {
        const pnl = Number(quote) / quoteScale + (Number(base) / baseScale) * price - paidOutside;
        result[id] = { signals: signals[id] ?? 0, ...book, denialsByReason: { ...book.denialsByReason }, failuresByReason: { ...book.failuresByReason }, pnl };
      }
      return result;
    },
  };
}
export type StrategyLedger = ReturnType<typeof createStrategyLedger>;
