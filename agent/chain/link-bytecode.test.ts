import { describe, expect, it } from 'vitest';
import { MissingLibraryError, linkBytecode } from './link-bytecode.js';
import { nonfungibleTokenPositionDescriptorBytecode, nonfungibleTokenPositionDescriptorLinkReferences } from './generated/index.js';
import { toAddress } from '../model/address.js';

describe('linkBytecode', () => {
  it('writes the library address over the placeholder and nowhere else', () => {
    const library = toAddress('0x00000000000000000000000000000000DeaDBeef');
    const linked = linkBytecode(nonfungibleTokenPositionDescriptorBytecode, nonfungibleTokenPositionDescriptorLinkReferences, {
      NFTDescriptor: library,
    });
    const { start } = nonfungibleTokenPositionDescriptorLinkReferences.NFTDescriptor[0];
    expect(linked.length).toBe(nonfungibleTokenPositionDescriptorBytecode.length);
    expect(linked.slice(2 + start * 2, 2 + (start + 20) * 2)).toBe(library.slice(2).toLowerCase());
    expect(linked).not.toContain('__$');
    expect(nonfungibleTokenPositionDescriptorBytecode).toContain('__$');
    expect(linked.slice(0, 2 + start * 2)).toBe(nonfungibleTokenPositionDescriptorBytecode.slice(0, 2 + start * 2));
  });

  it('names the missing library', () => {
    expect(() => linkBytecode('0x00', { NFTDescriptor: [{ start: 0, length: 20 }] }, {})).toThrow(MissingLibraryError);
    expect(() => linkBytecode('0x00', { NFTDescriptor: [{ start: 0, length: 20 }] }, {})).toThrow(/NFTDescriptor/);
  });
});
