import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { keccak256 as viemKeccak256 } from 'viem';
import type { Hex } from './hex.js';

/**
 * keccak256 of bytes, or of a string's UTF-8 bytes (a string is text here, never hex), as 0x-prefixed
 * lowercase hex.
 */
export type Keccak256Hex = (data: Uint8Array | string) => Hex;

/** The native addon's sponge (keccak's src/addon.cc): the XKCP Keccak-f[1600] sponge, one state. */
type KeccakState = {
  initialize(rate: number, capacity: number): void;
  absorb(data: Uint8Array): void;
  squeeze(length: number): Buffer;
};

const emptyHash = '0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470';

/**
 * Pure-JS keccak256 (viem's, @noble/hashes underneath). The reference the native one is checked against,
 * and the fallback where the addon cannot load.
 *
 * @example
 * keccak256HexJs('trend') === keccak256(stringToHex('trend')); // true
 */
export const keccak256HexJs: Keccak256Hex = (data) =>
  viemKeccak256(typeof data === 'string' ? textEncoder.encode(data) : data);

const textEncoder = new TextEncoder();

/**
 * The `keccak` package's native addon (XKCP's optimised C), used directly: its public API wraps each hash
 * in a stream object that costs more than hashing a decision. undefined if the addon does not load here
 * (no prebuild for the platform, a runtime without N-API) or answers wrongly.
 */
export const keccak256HexNative: Keccak256Hex | undefined = loadNative();

/**
 * keccak256 as 0x-hex, native where the addon loads (10–40× faster than pure JS on the journal's inputs),
 * pure JS otherwise; both give the same bytes (keccak.test.ts). Every hash on the decision path uses it.
 *
 * @example
 * keccak256Hex('run-1');                   // keccak256 of the UTF-8 bytes of 'run-1'
 * keccak256Hex(new Uint8Array([1, 2, 3])); // keccak256 of three bytes
 */
export const keccak256Hex: Keccak256Hex = keccak256HexNative ?? keccak256HexJs;

/** Which implementation `keccak256Hex` is, for benchmarks and diagnostics. */
export const keccakBackend: 'native' | 'js' = keccak256HexNative === undefined ? 'js' : 'native';

function loadNative(): Keccak256Hex | undefined {
  if (process.env.MANDATE_KECCAK === 'js') return undefined;
  try {
    const require = createRequire(import.meta.url);
    const main = require.resolve('keccak');
    // node-gyp-build is keccak's own dependency: resolved from keccak's directory, it finds its prebuild.
    const load = createRequire(main)('node-gyp-build') as (directory: string) => unknown;
    const State = load(dirname(main));
    if (typeof State !== 'function') return undefined;
    const state = new (State as new () => KeccakState)();
    // One reusable sponge: hashing is synchronous, so calls never interleave.
    const hash: Keccak256Hex = (data) => {
      state.initialize(1088, 512);
      state.absorb(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      // Squeezing pads with keccak's 0x01 suffix (not SHA-3's 0x06).
      return `0x${state.squeeze(32).toString('hex')}` as Hex;
    };
    return hash('') === emptyHash && hash('abc') === keccak256HexJs('abc') ? hash : undefined;
  } catch {
    return undefined;
  }
}
