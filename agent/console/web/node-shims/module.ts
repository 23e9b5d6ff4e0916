/**
 * `node:module` in the console's browser bundle. keccak.ts loads a native addon through createRequire when
 * it can; in a browser it cannot, and the bundle defines MANDATE_KECCAK=js so it never tries: this only
 * satisfies the import.
 */
export function createRequire(): never {
  throw new Error('Native addons do not load in a browser.');
}
