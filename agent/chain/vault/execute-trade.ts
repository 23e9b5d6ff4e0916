import type { TransactionReceipt } from 'viem';
import { MandateError } from '../../model/base-error.js';
import type { Fill, TradeIntent } from '../../model/decision.js';
import type { Hex } from '../../model/address.js';
import { type VaultEventArgs, tradeFill, vaultEventsOf } from './vault-events.js';
import { type VaultWriteParameters, writeVault } from './write-vault.js';

/** The receipt holds no TradeExecuted (of this vault): it is not a successful executeTrade. */
export class TradeExecutedNotFoundError extends MandateError {
  override name = 'TradeExecutedNotFoundError';
}

export type ExecuteTradeParameters = VaultWriteParameters & { intent: TradeIntent };

export type ExecuteTradeReturnType = {
  fill: Fill;
  /** TradeExecuted's arguments, as the vault emitted them. */
  event: VaultEventArgs<'TradeExecuted'>;
  hash: Hex;
  receipt: TransactionReceipt;
};

/**
 * Sends `executeTrade(intent)` from the agent's wallet: simulated first, so a policy violation throws
 * VaultRevertError with the vault's custom error, its arguments and a sentence ("Trade value $6,012.33
 * exceeds the per-trade cap $5,000.00.") without spending gas. A pool that cannot beat the oracle floor
 * reverts with the SwapRouter's "Too little received", decoded the same way.
 *
 * @example
 * const { fill } = await executeTrade({ publicClient, walletClient: agent, vault, intent: {
 *   decisionId, strategyId, reasoningHash, tokenIn: usdc, tokenOut: weth, fee: 500,
 *   amountIn: 1_000n * 10n ** 6n, minAmountOut: 0n, deadline: now + 120n } });
 */
export async function executeTrade(parameters: ExecuteTradeParameters): Promise<ExecuteTradeReturnType> {
  const { intent } = parameters;
  const { hash, receipt } = await writeVault(parameters, 'executeTrade', [
    {
      decisionId: intent.decisionId,
      strategyId: intent.strategyId,
      reasoningHash: intent.reasoningHash,
      tokenIn: intent.tokenIn,
      tokenOut: intent.tokenOut,
      fee: intent.fee,
      amountIn: intent.amountIn,
      minAmountOut: intent.minAmountOut,
      deadline: intent.deadline,
    },
  ]);
  const events = vaultEventsOf(receipt, { vault: parameters.vault, eventNames: ['TradeExecuted'] });
  const [executed] = events;
  if (executed === undefined || events.length > 1) {
    throw new TradeExecutedNotFoundError(events.length > 1 ? 'The receipt holds more than one TradeExecuted.' : 'The receipt holds no TradeExecuted.', {
      details: `Transaction ${receipt.transactionHash} (status ${receipt.status}) has ${events.length} TradeExecuted event(s) from ${parameters.vault}.`,
    });
  }
  return { fill: tradeFill(receipt, executed), event: executed.args, hash, receipt };
}
