import { decodeErrorResult } from 'viem';
import { MandateError } from '../../model/base-error.js';
import type { Hex } from '../../model/address.js';
import { revertDataOf } from '../vault/vault-errors.js';

/**
 * What the Safe's GSxxx revert codes mean (safe-smart-account's docs/error_codes.md), for the ones an owner
 * can run into: signatures, threshold, nonce, execution.
 */
export const safeErrorCodes: Record<string, string> = {
  GS000: 'Could not finish initialization',
  GS001: 'Threshold needs to be defined',
  GS010: 'Not enough gas to execute the Safe transaction',
  GS011: 'Could not pay the gas costs with ether',
  GS012: 'Could not pay the gas costs with the token',
  GS013: 'The Safe transaction failed when safeTxGas and gasPrice were 0',
  GS020: 'Signatures data too short: fewer signatures than the threshold',
  GS021: 'Invalid contract signature location: inside static part',
  GS022: 'Invalid contract signature location: length not present',
  GS023: 'Invalid contract signature location: data not complete',
  GS024: 'Invalid contract signature provided',
  GS025: 'Hash has not been approved',
  GS026: 'Invalid owner provided: a signer is not an owner, signatures are out of order, or they sign another hash or nonce',
  GS030: 'Only owners can approve a hash',
  GS031: 'Method can only be called from this contract',
};

/**
 * The Safe refused a transaction with one of its GSxxx codes (too few signatures, a signer that is not an
 * owner, a wrong nonce...).
 *
 * @example
 * catch (error) { if (error instanceof SafeTransactionError && error.code === 'GS020') console.error('more owners must sign'); }
 */
export class SafeTransactionError extends MandateError {
  override name = 'SafeTransactionError';
  readonly code: string;
  constructor(code: string, options: { details?: string | undefined; cause?: unknown } = {}) {
    super(`The Safe refused the transaction: ${safeErrorCodes[code] ?? 'unknown error'} (${code}).`, options);
    this.code = code;
  }
}

/**
 * The Safe's GSxxx code in a viem error (or raw revert data), or undefined when the revert is something
 * else (then it is the vault's own error, bubbled up by the Safe).
 *
 * @example
 * safeErrorCodeOf(error); // 'GS020'
 */
export function safeErrorCodeOf(errorOrData: unknown): string | undefined {
  const data = typeof errorOrData === 'string' ? (errorOrData as Hex) : revertDataOf(errorOrData);
  let reason: unknown;
  if (data) {
    try {
      const decoded = decodeErrorResult({ abi: [{ type: 'error', name: 'Error', inputs: [{ name: 'reason', type: 'string' }] }], data });
      reason = decoded.args[0];
    } catch {
      return undefined;
    }
  } else {
    // Some nodes put only the reason string in the message.
    reason = /\b(GS\d{3})\b/.exec(errorOrData instanceof Error ? errorOrData.message : '')?.[1];
  }
  return typeof reason === 'string' && /^GS\d{3}$/.test(reason) ? reason : undefined;
}

/**
 * The Safe transaction hash computed locally differs from the Safe's getTransactionHash: the chain id or the
 * Safe version is not what the signer assumed. Nothing was signed.
 *
 * @example
 * catch (error) { if (error instanceof SafeHashMismatchError) console.error(error.details); }
 */
export class SafeHashMismatchError extends MandateError {
  override name = 'SafeHashMismatchError';
  constructor(local: Hex, onChain: Hex) {
    super('The Safe transaction hash does not match the Safe\'s own; nothing was signed.', {
      details: `Computed ${local}, the Safe says ${onChain}: check the chain id and that the Safe is version 1.3 or later.`,
    });
  }
}
