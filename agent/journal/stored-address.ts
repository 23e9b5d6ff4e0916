import { toAddress, type Address } from '../model/address.js';

/**
 * An address as the journal stores it (`runs.vault`, `batches.vault`): lower case, as schema version 1
 * has always written it. Kept at this one boundary so journals written before still match their queries.
 *
 * @example
 * insert.run({ vault: storedAddress(parameters.vault) });
 */
export function storedAddress(address: Address | undefined): string | null {
  return address === undefined ? null : address.toLowerCase();
}

/**
 * A stored address read back into its normal form (see {@link storedAddress}).
 *
 * @example
 * const vault = readStoredAddress(row.vault); // '0x5FbDB2315678afecb367f032d93F642f64180aa3'
 */
export function readStoredAddress(text: string | null): Address | undefined {
  return text === null ? undefined : toAddress(text, 'a vault in the journal');
}
