import { describe, expect, it } from 'vitest';
import { CanonicalJsonError, canonicalJson, canonicalJsonReusing } from './canonical-json.js';

/** The encoder as it was before the fast path: every hash in existing journals was made with it. */
function reference(value: unknown, path = '$', ancestors = new Set<object>()): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return `"${value.toString(10)}"`;
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(path, 'not finite');
      return Object.is(value, -0) ? '0' : String(value);
    case 'undefined':
    case 'function':
    case 'symbol':
      throw new CanonicalJsonError(path, typeof value);
  }
  if (value === null) return 'null';
  const object = value as object;
  if (ancestors.has(object)) throw new CanonicalJsonError(path, 'cycle');
  ancestors.add(object);
  try {
    if (Array.isArray(object)) return `[${object.map((item, index) => reference(item, `${path}[${index}]`, ancestors)).join(',')}]`;
    const prototype = Object.getPrototypeOf(object);
    if (prototype !== Object.prototype && prototype !== null) throw new CanonicalJsonError(path, 'not plain');
    const record = object as Record<string, unknown>;
    const fields: string[] = [];
    for (const key of Object.keys(record).sort()) {
      if (record[key] === undefined) continue;
      fields.push(`${JSON.stringify(key)}:${reference(record[key], `${path}.${key}`, ancestors)}`);
    }
    return `{${fields.join(',')}}`;
  } finally {
    ancestors.delete(object);
  }
}

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

/** Random JSON-ish values: every kind canonical JSON takes, and now and then one it rejects. */
function randomValue(random: () => number, depth: number, allowBad: boolean): unknown {
  const pick = random();
  const keyPool = ['a', 'b', 'B', 'amountIn', 'z', '10', '2', 'é', '"q"', '', 'proposal', 'aa', 'a b'];
  if (depth > 4 || pick < 0.35) {
    const scalar = random();
    if (scalar < 0.15) return Math.floor(random() * 2000) - 1000;
    if (scalar < 0.25) return (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20);
    if (scalar < 0.3) return [-0, 0, 1e21, 5e-324, Number.MAX_SAFE_INTEGER][Math.floor(random() * 5)];
    if (scalar < 0.45) return BigInt(Math.floor(random() * 1e15)) ** BigInt(1 + Math.floor(random() * 4)) * (random() < 0.2 ? -1n : 1n);
    if (scalar < 0.55) return random() < 0.5;
    if (scalar < 0.6) return null;
    if (allowBad && scalar < 0.62) return [Number.NaN, Infinity, () => 1, new Map(), new Date(0), Symbol('s')][Math.floor(random() * 6)];
    return String.fromCodePoint(...Array.from({ length: Math.floor(random() * 12) }, () => [0x22, 0x5c, 0x0a, 0x01, 0xe9, 0x1f680, 0x2028, 0xd800][Math.floor(random() * 8)]! * (random() < 0.5 ? 1 : 0) || 0x61 + Math.floor(random() * 26)));
  }
  if (pick < 0.6) {
    const items = Array.from({ length: Math.floor(random() * 5) }, () => randomValue(random, depth + 1, allowBad));
    if (allowBad && random() < 0.05) items.push(undefined);
    return items;
  }
  const object: Record<string, unknown> = random() < 0.1 ? Object.create(null) : {};
  for (let i = Math.floor(random() * 6); i > 0; i--) object[keyPool[Math.floor(random() * keyPool.length)]!] = random() < 0.1 ? undefined : randomValue(random, depth + 1, allowBad);
  return object;
}

function outcome(encode: () => string): string {
  try {
    return encode();
  } catch (error) {
    return error instanceof CanonicalJsonError ? `error at ${error.path}` : `other ${String(error)}`;
  }
}

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

  it('gives exactly the text (or the error path) of the encoder every existing hash was made with, on 20,000 random values', () => {
    const random = seeded(3);
    for (let i = 0; i < 20_000; i++) {
      const value = randomValue(random, 0, i % 4 === 0);
      expect(outcome(() => canonicalJson(value))).toBe(outcome(() => reference(value)));
    }
  });

  it('leaves deep nesting, sparse arrays and cycles to the careful encoder, with the same results', () => {
    let deep: unknown = { leaf: 1n };
    for (let i = 0; i < 200; i++) deep = i % 2 ? [deep] : { d: deep };
    expect(canonicalJson(deep)).toBe(reference(deep));
    // eslint-disable-next-line no-sparse-arrays
    const sparse = [1, , 2];
    expect(canonicalJson(sparse)).toBe(reference(sparse));
    const cyclic: Record<string, unknown> = { a: [{}] };
    (cyclic.a as Record<string, unknown>[])[0]!.back = cyclic;
    expect(outcome(() => canonicalJson(cyclic))).toBe('error at $.a[0].back');
  });

  it('canonicalJsonReusing gives canonicalJson of the whole from encoded parts, errors included', () => {
    const random = seeded(5);
    for (let i = 0; i < 5000; i++) {
      const value = randomValue(random, 1, i % 5 === 0);
      const whole = { value, other: randomValue(random, 1, false), none: undefined, n: i };
      let parts: Record<string, string> = {};
      try {
        parts = { value: canonicalJson(value) };
      } catch {
        // A bad part: the whole must still fail as canonicalJson(whole) does.
      }
      expect(outcome(() => canonicalJsonReusing(whole, parts))).toBe(outcome(() => reference(whole)));
    }
    expect(outcome(() => canonicalJsonReusing(new Map(), {}))).toBe('error at $');
  });

  it('round-trips through JSON.parse to the same canonical form', () => {
    const value = { z: [1, 'two', { b: false, a: null }], a: 2n };
    const text = canonicalJson(value);
    expect(canonicalJson(JSON.parse(text))).toBe(text);
  });
});
