import type { Executor } from '../model/ports.js';
import type { VaultRiskGate } from './create-vault-risk-gate.js';

/**
 * Wraps an executor so that a filled trade resolves only after the risk gate has re-read the vault: the
 * kernel's next check then sees the new allowance, cooldown and used decision id instead of racing the
 * gate's event watch. A failed re-read is reported to `onError` and never turns a fill into a failure.
 *
 * @example
 * const gate = await createVaultRiskGate({ client, vault, caller: agent.address, tokens, pools, fromBlock });
 * const kernel = createKernel({ riskGate: gate, executor: refreshAfterTrades(vaultExecutor, gate), ... });
 */
export function refreshAfterTrades(executor: Executor, gate: Pick<VaultRiskGate, 'refresh'>, onError?: (error: unknown) => void): Executor {
  return {
    async execute(intent) {
      const result = await executor.execute(intent);
      if (result.ok) {
        try {
          await gate.refresh();
        } catch (error) {
          onError?.(error);
        }
      }
      return result;
    },
    balances: () => executor.balances(),
  };
}
