import { BaseError, ContractFunctionRevertedError, decodeErrorResult, type Hex } from 'viem';
import { MandateError } from '../../model/base-error.js';
import { mandateVaultAbi } from '../generated/MandateVault.js';
import { describeVaultError } from './describe-vault-error.js';

/** A vault revert, decoded with the vault's ABI. */
export type DecodedVaultRevert = {
  /** The custom error's name (`TradeValueExceedsCap`), or `Error` / `Panic` for a bubbled-up string or panic. */
  errorName: string;
  args: readonly unknown[];
  /** The raw revert data. */
  data: Hex;
};

/**
 * The vault (or the SwapRouter behind it) reverted. `errorName` and `args` are the decoded custom error;
 * the message is a readable sentence such as "Trade value $6,012.33 exceeds the per-trade cap $5,000.00.".
 * `txHash` is set when the revert happened on-chain (after the simulation passed, the state changed).
 *
 * @example
 * try { await executeTrade({ publicClient, walletClient, vault, intent }); }
 * catch (error) { if (error instanceof VaultRevertError && error.errorName === 'CooldownActive') retryLater(); }
 */
export class VaultRevertError extends MandateError {
  override name = 'VaultRevertError';
  readonly errorName: string;
  readonly args: readonly unknown[];
  readonly data: Hex;
  readonly functionName: string;
  readonly txHash: Hex | undefined;

  constructor(revert: DecodedVaultRevert, options: { functionName: string; txHash?: Hex | undefined; cause?: unknown }) {
    const where = options.txHash ? `transaction ${options.txHash} reverted on-chain` : 'the simulation reverted';
    super(describeVaultError(revert.errorName, revert.args), {
      details: `${options.functionName}: ${where} with ${revert.errorName}(${revert.args.map(String).join(', ')}).`,
      cause: options.cause,
    });
    this.errorName = revert.errorName;
    this.args = revert.args;
    this.data = revert.data;
    this.functionName = options.functionName;
    this.txHash = options.txHash;
  }
}

/**
 * A vault call failed for a reason other than a decodable revert: the node refused it, the transport failed,
 * or a transaction reverted without revert data.
 *
 * @example
 * catch (error) { if (error instanceof VaultCallError) console.error(error.shortMessage, error.details); }
 */
export class VaultCallError extends MandateError {
  override name = 'VaultCallError';
}

const revertDataPattern = /^0x[0-9a-fA-F]{8}/;

/** The revert data anywhere in a viem error's cause chain (simulations, eth_call and RPC errors carry it differently). */
export function revertDataOf(error: unknown): Hex | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 16; depth++) {
    if (current instanceof ContractFunctionRevertedError && current.raw) return current.raw;
    const data = (current as { data?: unknown }).data;
    if (typeof data === 'string' && revertDataPattern.test(data)) return data as Hex;
    const nested = (data as { data?: unknown } | undefined)?.data;
    if (typeof nested === 'string' && revertDataPattern.test(nested)) return nested as Hex;
    current = current instanceof Error ? current.cause : undefined;
  }
  return undefined;
}

/**
 * Decodes a vault revert from a viem error (or raw revert data) with the vault's generated ABI, which also
 * knows `Error(string)` and `Panic(uint256)`. Returns undefined when there is no decodable revert data.
 *
 * @example
 * const revert = decodeVaultRevert(error);
 * if (revert?.errorName === 'OracleStale') console.log(revert.args);
 */
export function decodeVaultRevert(errorOrData: unknown): DecodedVaultRevert | undefined {
  const data = typeof errorOrData === 'string' && revertDataPattern.test(errorOrData) ? (errorOrData as Hex) : revertDataOf(errorOrData);
  if (!data) return undefined;
  try {
    const decoded = decodeErrorResult({ abi: mandateVaultAbi, data });
    return { errorName: decoded.errorName, args: decoded.args ?? [], data };
  } catch {
    return undefined;
  }
}

/**
 * Turns whatever a vault call threw into a VaultRevertError (decodable revert) or a VaultCallError.
 *
 * @example
 * catch (error) { throw toVaultError(error, { functionName: 'executeTrade' }); }
 */
export function toVaultError(error: unknown, options: { functionName: string; txHash?: Hex | undefined }): MandateError {
  if (error instanceof VaultRevertError || error instanceof VaultCallError) return error;
  const revert = decodeVaultRevert(error);
  if (revert) return new VaultRevertError(revert, { ...options, cause: error });
  const short = error instanceof BaseError ? error.shortMessage : error instanceof Error ? error.message : String(error);
  return new VaultCallError(`${options.functionName} failed: ${short}`, { cause: error });
}

/**
 * A vault transaction ran out of gas on-chain: the state it met at inclusion cost more than the estimate
 * (a call inside the vault gets only 63/64 of what is left, so even a small difference fails it). Resend with
 * more headroom (`transaction.gasLimitMultiplier`).
 *
 * @example
 * catch (error) { if (error instanceof VaultOutOfGasError) await executeTrade({ ...parameters, transaction: { gasLimitMultiplier: 1.5 } }); }
 */
export class VaultOutOfGasError extends VaultCallError {
  override name = 'VaultOutOfGasError';
}
