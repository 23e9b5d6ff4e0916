/** 0x-prefixed hex bytes, as viem and the chain spell them. */
export type Hex = `0x${string}`;
