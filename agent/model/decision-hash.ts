import { hexToBytes, toBytes } from 'viem';
import { MandateError } from './base-error.js';
import type { Hex } from './address.js';
import type { DecisionContent } from './decision.js';
import { canonicalJson } from './canonical-json.js';
import { keccak256Hex } from './keccak.js';

/** A decision sequence number that does not fit the vault's uint64 id derivation. */
export class InvalidDecisionSeqError extends MandateError {
  override name = 'InvalidDecisionSeqError';
  constructor(seq: number) {
    super(`Invalid decision sequence number ${seq}.`, {
      details: `Got ${seq}; a non-negative safe integer is accepted.`,
    });
  }
}

/**
 * The hash of a decision: keccak256 of the UTF-8 bytes of its canonical JSON. It is what the journal
 * stores, what Merkle batches commit (with the id) and what `mandate decisions verify` recomputes.
 *
 * @example
 * const hash = decisionHash(content); // '0x…' (32 bytes)
 */
export function decisionHash(content: DecisionContent): Hex {
  return keccak256Hex(canonicalJson(content));
}

/** Exactly what the reasoningHash covers (DESIGN.md, "Reasoning"). */
export type ReasoningHashParameters = {
  model: string;
  promptVersion: string;
  /** keccak256 of the canonical JSON of the reasoner's inputs. */
  inputsDigest: Hex;
  /** The reasoner's raw output. */
  output: string;
};

/**
 * keccak256 of the canonical JSON of {model, promptVersion, inputsDigest, output}; sent to the vault in
 * the TradeIntent so an on-chain trade points at the exact reasoning behind it. Extra fields on the
 * argument are ignored on purpose: the hash must cover exactly these four.
 *
 * @example
 * reasoningHash({ model: 'rules', promptVersion: 'rules-v1', inputsDigest: '0x…', output: '{"action":"hold"}' });
 */
export function reasoningHash(parameters: ReasoningHashParameters): Hex {
  const { model, promptVersion, inputsDigest, output } = parameters;
  return keccak256Hex(canonicalJson({ model, promptVersion, inputsDigest, output }));
}

/**
 * The decision id: keccak256(abi.encode(bytes32 keccak256(runId), uint64 seq)). Deterministic from run id
 * and sequence, so a retried decision gets the same id and the vault (which rejects a used id) can never
 * execute it twice.
 *
 * @example
 * decisionIdFor('run-2026-11-24', 0); // same input, same bytes32, on every machine
 */
export function decisionIdFor(runId: string, seq: number): Hex {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new InvalidDecisionSeqError(seq);
  // abi.encode(bytes32, uint64) is the 32 bytes of the run id's hash, then seq big-endian in a 32-byte word;
  // written in place instead of through encodeAbiParameters (hex strings), which cost more than the hash.
  if (runId !== lastRunId) {
    // toBytes as before: a run id that looks like hex ('0x…') has always been hashed as those bytes.
    idWords.set(hexToBytes(keccak256Hex(toBytes(runId))), 0);
    lastRunId = runId;
    lastSeq = -1;
  } else if (seq === lastSeq) {
    // The kernel derives an id, then the journal checks it: the same one twice in a row.
    return lastId;
  }
  // A safe integer is below 2^53: the high half of the uint64 takes its top 21 bits.
  idView.setUint32(56, Math.floor(seq / 0x1_0000_0000));
  idView.setUint32(60, seq >>> 0);
  lastId = keccak256Hex(idWords);
  lastSeq = seq;
  return lastId;
}

// A run asks for thousands of ids with the same run id: the last run id's hash stays in the first word,
// and the last id is kept. Plain bytes, not a Buffer: the console's browser bundle recomputes hashes with
// this module.
let lastRunId: string | undefined;
let lastSeq = -1;
let lastId: Hex = '0x';
const idWords = new Uint8Array(64);
const idView = new DataView(idWords.buffer);

/**
 * The vault's bytes32 strategy id for a strategy name: keccak256 of its UTF-8 bytes.
 *
 * @example
 * strategyIdFor('trend'); // keccak256('trend')
 */
export function strategyIdFor(name: string): Hex {
  // toBytes as before: a name that looks like hex ('0x…') has always been hashed as those bytes.
  return keccak256Hex(toBytes(name));
}
