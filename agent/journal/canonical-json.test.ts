import { describe, expect, it } from 'vitest';
import { CanonicalJsonError, canonicalJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    const a = canonicalJson({ b: { z: 1, a: [{ y: 2, x: 1 }] }, a: 'x' });
    const b = canonicalJson({ a: 'x', b: { a: [{ x: 1, y: 2 }], z: 1 } });
    expect(a).toBe('{"a":"x","b":{"a":[{"x":1,"y":2}],"z":1}}');
    expect(b).toBe(a);
  });

  it('writes bigint as a decimal string, including negatives and values past 2^53', () => {
    expect(canonicalJson({ v: 2n ** 200n, n: -5n })).toBe(`{"n":"-5","v":"${(2n ** 200n).toString()}"}`);
  });

  it('omits undefined fields but keeps null', () => {
    expect(canonicalJson({ a: undefined, b: null, c: { d: undefined } })).toBe('{"b":null,"c":{}}');
  });

  it('keeps finite floats in their shortest round-trip form and normalises -0', () => {
    expect(canonicalJson([0.1, 1e21, -0, 1.5e-7])).toBe('[0.1,1e+21,0,1.5e-7]');
  });

  it('escapes strings as JSON does', () => {
    expect(canonicalJson({ 'k"ey': 'line\nbreak "quoted" é' })).toBe('{"k\\"ey":"line\\nbreak \\"quoted\\" é"}');
  });

  it.each([
    ['NaN', { a: NaN }, '$.a'],
    ['Infinity', { a: [1, Infinity] }, '$.a[1]'],
    ['-Infinity', -Infinity, '$'],
    ['undefined in an array', [undefined], '$[0]'],
    ['a Map', { m: new Map() }, '$.m'],
    ['a Date', { d: new Date(0) }, '$.d'],
    ['a function', { f: () => 1 }, '$.f'],
  ])('rejects %s with the path of the bad value', (_label, value, path) => {
    let caught: unknown;
    try {
      canonicalJson(value);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CanonicalJsonError);
    expect((caught as CanonicalJsonError).path).toBe(path);
  });

  it('rejects cycles but accepts the same object twice side by side', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(CanonicalJsonError);
  });

  it('round-trips through JSON.parse to the same canonical form', () => {
    const value = { z: [1, 'two', { b: false, a: null }], a: 2n };
    const text = canonicalJson(value);
    expect(canonicalJson(JSON.parse(text))).toBe(text);
  });
});
