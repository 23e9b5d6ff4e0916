import { MandateError } from '../model/base-error.js';
import type { Address, Hex } from '../model/address.js';

/** A library a contract needs was not given an address. */
export class MissingLibraryError extends MandateError {
  override name = 'MissingLibraryError';
}

export type LinkReferences = Readonly<Record<string, readonly { readonly start: number; readonly length: number }[]>>;

/**
 * Writes deployed library addresses into creation bytecode at the byte ranges solc left for them.
 *
 * @example
 * const bytecode = linkBytecode(
 *   nonfungibleTokenPositionDescriptorBytecode,
 *   nonfungibleTokenPositionDescriptorLinkReferences,
 *   { NFTDescriptor: nftDescriptorAddress },
 * );
 */
export function linkBytecode(bytecode: Hex, references: LinkReferences, libraries: Record<string, Address>): Hex {
  let body = bytecode.slice(2);
  for (const [library, ranges] of Object.entries(references)) {
    const address = libraries[library];
    if (!address) {
      throw new MissingLibraryError(`Library ${library} has no address to link.`, {
        details: `Given: ${Object.keys(libraries).join(', ') || 'none'}; needed: ${Object.keys(references).join(', ')}.`,
      });
    }
    const hex = address.slice(2).toLowerCase();
    for (const { start, length } of ranges) {
      if (length !== 20) throw new MissingLibraryError(`Link reference for ${library} is ${length} bytes; expected 20.`);
      body = body.slice(0, start * 2) + hex + body.slice((start + length) * 2);
    }
  }
  return `0x${body}`;
}
