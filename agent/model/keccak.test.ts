import { keccak256, stringToBytes, toHex } from 'viem';
import { describe, expect, it } from 'vitest';
import { keccak256Hex, keccak256HexJs, keccak256HexNative, keccakBackend } from './keccak.js';

/** A small seeded generator, so a failure names an input that can be reproduced. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

// Lengths around keccak256's 136-byte rate, where padding lands in a new block or not.
const boundaryLengths = [0, 1, 31, 32, 33, 63, 64, 65, 134, 135, 136, 137, 271, 272, 273, 1000, 4096, 65_537];

function inputs(): Uint8Array[] {
  const random = seeded(7);
  const all: Uint8Array[] = [];
  for (const length of boundaryLengths) all.push(Uint8Array.from({ length }, () => Math.floor(random() * 256)));
  for (let i = 0; i < 2000; i++) {
    const length = Math.floor(random() * 700);
    all.push(Uint8Array.from({ length }, () => Math.floor(random() * 256)));
  }
  return all;
}

const texts = ['', 'trend', 'run-2026-11-24', '{"a":[true,null],"b":"1"}', 'ünïcödé ✓ 🚀', '\u0000\uffff', 'x'.repeat(136), 'é'.repeat(68)];

describe('keccak256Hex', () => {
  it('loads the native addon on this machine (the benchmarks depend on it)', () => {
    expect(keccakBackend).toBe('native');
    expect(keccak256Hex).toBe(keccak256HexNative);
  });

  it('matches known vectors', () => {
    expect(keccak256Hex('')).toBe('0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
    expect(keccak256Hex('abc')).toBe('0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45');
  });

  it('native and pure JS give identical hashes on 2,000+ random byte strings, padding boundaries included', () => {
    const native = keccak256HexNative!;
    for (const bytes of inputs()) {
      const expected = keccak256(bytes);
      expect(keccak256HexJs(bytes), toHex(bytes)).toBe(expected);
      expect(native(bytes), toHex(bytes)).toBe(expected);
    }
  });

  it('hashes a string as its UTF-8 bytes (never as hex), the same in both', () => {
    const random = seeded(11);
    const generated = Array.from({ length: 500 }, () =>
      String.fromCodePoint(...Array.from({ length: Math.floor(random() * 300) }, () => {
        const pick = random();
        // ASCII, two- and three-byte UTF-8, and astral characters (surrogate pairs in JS).
        if (pick < 0.6) return 0x20 + Math.floor(random() * 0x5f);
        if (pick < 0.8) return 0x80 + Math.floor(random() * 0x700);
        if (pick < 0.95) return 0xe000 + Math.floor(random() * 0x1000);
        return 0x1f300 + Math.floor(random() * 0x300);
      })),
    );
    for (const text of [...texts, ...generated, '0x1234']) {
      const expected = keccak256(stringToBytes(text));
      expect(keccak256HexJs(text), text).toBe(expected);
      expect(keccak256HexNative!(text), text).toBe(expected);
    }
  });

  it('does not keep state between calls', () => {
    const first = keccak256Hex('same');
    keccak256Hex(new Uint8Array(5000));
    expect(keccak256Hex('same')).toBe(first);
  });

  it('accepts a view into a larger buffer (hashes only the view)', () => {
    const buffer = new Uint8Array(100).map((_, i) => i);
    const view = buffer.subarray(10, 74);
    expect(keccak256Hex(view)).toBe(keccak256(buffer.slice(10, 74)));
  });
});
