import { concat, encodeAbiParameters, keccak256, pad, stringToHex, toHex } from 'viem';
import { describe, expect, it } from 'vitest';
import type { DecisionContent } from './decision.js';
import { canonicalJson } from './canonical-json.js';
import { InvalidDecisionSeqError, decisionHash, decisionIdFor, reasoningHash, strategyIdFor } from './decision-hash.js';

const content: DecisionContent = {
  id: decisionIdFor('run-1', 0),
  runId: 'run-1',
  seq: 0,
  time: 1_700_000_000,
  strategyId: 'trend',
  signal: { strategyId: 'trend', side: 'buy', strength: 0.5, reason: 'fast MA above slow', time: 1_700_000_000 },
  proposal: { action: 'hold', rationale: 'too small' },
  reasoning: {
    reasoner: 'rules',
    model: 'rules',
    promptVersion: 'rules-v1',
    inputsDigest: keccak256(stringToHex('inputs')),
    rawOutput: '{"action":"hold"}',
  },
  reasoningHash: keccak256(stringToHex('r')),
  verdict: { allowed: true },
  intent: undefined,
};

describe('decisionIdFor', () => {
  it('is keccak256 of the 64-byte ABI encoding (bytes32 keccak(runId), uint64 seq), by hand', () => {
    const byHand = keccak256(concat([keccak256(stringToHex('run-1')), pad(toHex(7), { size: 32 })]));
    expect(decisionIdFor('run-1', 7)).toBe(byHand);
  });

  it('is deterministic and distinct per run and per seq', () => {
    expect(decisionIdFor('run-1', 1)).toBe(decisionIdFor('run-1', 1));
    const ids = new Set([decisionIdFor('run-1', 0), decisionIdFor('run-1', 1), decisionIdFor('run-2', 0)]);
    expect(ids.size).toBe(3);
  });

  it('equals viem\'s abi.encode for seq across the uint64 range a safe integer reaches, and across run ids', () => {
    const seqs = [0, 1, 255, 256, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 40 + 12_345, Number.MAX_SAFE_INTEGER];
    for (const runId of ['run-1', 'run-2', '', 'ünïcödé', 'run-1']) {
      for (const seq of seqs) {
        const encoded = encodeAbiParameters([{ type: 'bytes32' }, { type: 'uint64' }], [keccak256(stringToHex(runId)), BigInt(seq)]);
        expect(decisionIdFor(runId, seq), `${runId} ${seq}`).toBe(keccak256(encoded));
        // Asked again at once (the kernel, then the journal's check): the same id.
        expect(decisionIdFor(runId, seq), `${runId} ${seq} again`).toBe(keccak256(encoded));
      }
    }
  });

  it('hashes a hex-looking run id as its bytes, as viem\'s toBytes always did (ids must not change)', () => {
    const encoded = encodeAbiParameters([{ type: 'bytes32' }, { type: 'uint64' }], [keccak256('0xabcd'), 3n]);
    expect(decisionIdFor('0xabcd', 3)).toBe(keccak256(encoded));
    expect(strategyIdFor('0x01')).toBe(keccak256('0x01'));
  });

  it.each([-1, 1.5, Number.NaN, 2 ** 60])('rejects seq %s', (seq) => {
    expect(() => decisionIdFor('run-1', seq)).toThrow(InvalidDecisionSeqError);
  });
});

describe('decisionHash', () => {
  it('is keccak256 of the canonical JSON, independent of key order', () => {
    const reordered = Object.fromEntries(Object.entries(content).reverse()) as DecisionContent;
    expect(decisionHash(reordered)).toBe(decisionHash(content));
    expect(decisionHash(content)).toBe(keccak256(stringToHex(canonicalJson(content))));
  });

  it('changes when any decided field changes', () => {
    expect(decisionHash({ ...content, time: content.time + 1 })).not.toBe(decisionHash(content));
  });
});

describe('reasoningHash', () => {
  it('covers exactly model, promptVersion, inputsDigest and output', () => {
    const base = { model: 'gpt-x', promptVersion: 'v1', inputsDigest: keccak256('0x01'), output: 'hold' } as const;
    const expected = keccak256(
      stringToHex(`{"inputsDigest":"${base.inputsDigest}","model":"gpt-x","output":"hold","promptVersion":"v1"}`),
    );
    expect(reasoningHash(base)).toBe(expected);
    expect(reasoningHash({ ...base, extra: 'ignored' } as typeof base)).toBe(expected);
    expect(reasoningHash({ ...base, output: 'buy' })).not.toBe(expected);
  });
});

describe('strategyIdFor', () => {
  it('is keccak256 of the name bytes, as the vault takes it', () => {
    expect(strategyIdFor('trend')).toBe(keccak256(stringToHex('trend')));
    // Not the ABI encoding of a string: the vault hashes the raw bytes.
    expect(strategyIdFor('trend')).not.toBe(keccak256(encodeAbiParameters([{ type: 'string' }], ['trend'])));
  });
});
