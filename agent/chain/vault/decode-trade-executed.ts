import { type TransactionReceipt, isAddressEqual, parseEventLogs } from 'viem';
import { MandateError } from '../../model/base-error.js';
import type { Fill } from '../../model/decision.js';
import { toAddress, type Address, type Hex } from '../../model/address.js';
import { mandateVaultAbi } from '../generated/MandateVault.js';

/** The receipt holds no TradeExecuted (of this vault): it is not a successful executeTrade. */
export class TradeExecutedNotFoundError extends MandateError {
  override name = 'TradeExecutedNotFoundError';
}

/** TradeExecuted's arguments, as the vault emitted them. */
export type TradeExecutedEvent = {
  decisionId: Hex;
  strategyId: Hex;
  reasoningHash: Hex;
  tokenIn: Address;
  tokenOut: Address;
  fee: number;
  amountIn: bigint;
  amountOut: bigint;
  minAmountOutUsed: bigint;
  valueUsd: bigint;
};

/**
 * The TradeExecuted event in an executeTrade receipt (of `vault`, when given), with its arguments.
 *
 * @example
 * const event = decodeTradeExecutedEvent(receipt, vault);
 * event.decisionId === intent.decisionId;
 */
export function decodeTradeExecutedEvent(receipt: TransactionReceipt, vault?: Address): TradeExecutedEvent {
  const logs = parseEventLogs({ abi: mandateVaultAbi, eventName: 'TradeExecuted', logs: receipt.logs, strict: true }).filter(
    (log) => vault === undefined || isAddressEqual(log.address, vault),
  );
  const [log] = logs;
  if (!log || logs.length > 1) {
    throw new TradeExecutedNotFoundError(logs.length ? 'The receipt holds more than one TradeExecuted.' : 'The receipt holds no TradeExecuted.', {
      details: `Transaction ${receipt.transactionHash} (status ${receipt.status}) has ${logs.length} TradeExecuted event(s)${vault ? ` from ${vault}` : ''}.`,
    });
  }
  return { ...log.args, tokenIn: toAddress(log.args.tokenIn), tokenOut: toAddress(log.args.tokenOut) };
}

/**
 * The Fill of an executeTrade receipt: the vault's measured amounts, the minimum it enforced, the trade's
 * USD value, and the gas paid.
 *
 * @example
 * const fill = decodeTradeExecuted(receipt, vault);
 * fill.amountOut; // what the vault received, in tokenOut base units
 */
export function decodeTradeExecuted(receipt: TransactionReceipt, vault?: Address): Fill {
  const event = decodeTradeExecutedEvent(receipt, vault);
  return {
    txHash: receipt.transactionHash,
    block: receipt.blockNumber,
    amountIn: event.amountIn,
    amountOut: event.amountOut,
    minAmountOutUsed: event.minAmountOutUsed,
    valueUsd: event.valueUsd,
    gasUsed: receipt.gasUsed,
    effectiveGasPrice: receipt.effectiveGasPrice,
  };
}
