import { BaseError, ContractFunctionRevertedError, ContractFunctionZeroDataError } from 'viem';

/**
 * True when a contract call failed because the contract reverted or returned nothing (a function it
 * does not have, no round yet), as opposed to the RPC failing. The first is an answer; the second must
 * be retried.
 *
 * @example
 * try { await client.readContract(...) } catch (error) { if (!isContractRevert(error)) throw error; }
 */
export function isContractRevert(error: unknown): boolean {
  if (!(error instanceof BaseError)) return false;
  return (
    error.walk((cause) => cause instanceof ContractFunctionRevertedError || cause instanceof ContractFunctionZeroDataError) !==
    null
  );
}
