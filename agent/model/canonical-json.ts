import { MandateError } from './base-error.js';

/** A value that cannot be put in canonical JSON (NaN, Infinity, a Map, a cycle...). */
export class CanonicalJsonError extends MandateError {
  override name = 'CanonicalJsonError';
  /** Where in the value the problem is, as a JSON path like `$.proposal.amountIn`. */
  readonly path: string;
  constructor(path: string, details: string) {
    super(`Cannot encode ${path} as canonical JSON.`, { details });
    this.path = path;
  }
}

/**
 * Encodes a value as canonical JSON: object keys sorted by UTF-16 code units, no whitespace, bigint as a
 * decimal string, `undefined` object fields omitted. The same value always gives the same bytes, so its
 * keccak256 can be recomputed by anyone (the decision hash depends on it).
 *
 * Rejected, with a {@link CanonicalJsonError} naming the path: NaN and ±Infinity (they have no JSON form
 * and would silently become `null`), `undefined` inside arrays (ambiguous with `null`), functions,
 * symbols, cycles, and objects that are not plain (Map, Set, Date, class instances, typed arrays) since
 * JSON.stringify would encode them lossily.
 *
 * @example
 * canonicalJson({ b: 1n, a: [true, null], c: undefined }); // '{"a":[true,null],"b":"1"}'
 */
export function canonicalJson(value: unknown): string {
  try {
    return fast(value, 0);
  } catch (error) {
    if (error !== bail) throw error;
  }
  // Anything the fast path does not take (a bad value, or nesting deep enough to be a cycle): the careful
  // encoder, which gives the same text for what it accepts and names the path of what it rejects.
  return encode(value, '$', new Set());
}

/**
 * The canonical JSON of a plain object some of whose fields were already encoded (each entry of `encoded`
 * must be `canonicalJson` of the same field), so a caller that needs both the parts and the whole encodes
 * each value once. Gives exactly `canonicalJson(value)`, errors included.
 *
 * @example
 * const proposalJson = canonicalJson(content.proposal);
 * canonicalJsonReusing(content, { proposal: proposalJson }) === canonicalJson(content); // true
 */
export function canonicalJsonReusing(value: object, encoded: Readonly<Record<string, string | undefined>>): string {
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return canonicalJson(value);
  const record = value as Record<string, unknown>;
  try {
    let text = '{';
    for (const key of Object.keys(record).sort()) {
      const field = record[key];
      if (field === undefined) continue;
      const part = encoded[key] ?? fast(field, 1);
      text += text.length === 1 ? `${quoteKey(key)}:${part}` : `,${quoteKey(key)}:${part}`;
    }
    return `${text}}`;
  } catch (error) {
    if (error !== bail) throw error;
  }
  return encode(value, '$', new Set());
}

/** Thrown by the fast path for anything it leaves to the careful encoder. */
const bail = new Error('canonical JSON: slow path');

/** Deeper than this is left to the careful encoder, which detects cycles (the fast path keeps no ancestors). */
const maxFastDepth = 64;

/**
 * The encoder for values that encode: no paths built, no ancestor set, strings concatenated. It must give
 * the same text as `encode` for every value it does not bail on (canonical-json.test.ts compares them).
 */
function fast(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return `"${value.toString(10)}"`;
    case 'number':
      if (!Number.isFinite(value)) throw bail;
      // String(-0) is '0', as the canonical form wants.
      return String(value);
    case 'object':
      break;
    default:
      throw bail;
  }
  if (value === null) return 'null';
  if (depth >= maxFastDepth) throw bail;
  if (Array.isArray(value)) {
    const length = value.length;
    if (length === 0) return '[]';
    let text = '[';
    for (let index = 0; index < length; index++) {
      const item: unknown = value[index];
      // undefined, or a hole: the careful encoder says which.
      if (item === undefined) throw bail;
      text += index === 0 ? fast(item, depth + 1) : `,${fast(item, depth + 1)}`;
    }
    return `${text}]`;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) throw bail;
  const record = value as Record<string, unknown>;
  let text = '{';
  for (const key of Object.keys(record).sort()) {
    const field = record[key];
    if (field === undefined) continue;
    text += text.length === 1 ? `${quoteKey(key)}:${fast(field, depth + 1)}` : `,${quoteKey(key)}:${fast(field, depth + 1)}`;
  }
  return `${text}}`;
}

// What JSON.stringify escapes in a string: the quote, the backslash, control characters, lone surrogates.
const needsEscape = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JSON.stringify(text), without its cost for the usual text that needs no escape (addresses, names). */
function quote(text: string): string {
  return needsEscape.test(text) ? JSON.stringify(text) : `"${text}"`;
}

// Object keys repeat (a journal writes the same few dozen again and again): their quoted form is kept.
const quotedKeys = new Map<string, string>();
function quoteKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = quote(key);
    if (quotedKeys.size < 4096) quotedKeys.set(key, quoted);
  }
  return quoted;
}

function encode(value: unknown, path: string, ancestors: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return `"${value.toString(10)}"`;
    case 'number':
      if (!Number.isFinite(value)) {
        throw new CanonicalJsonError(path, `Got ${value}; only finite numbers are accepted.`);
      }
      // Number#toString gives the shortest round-trip form (as RFC 8785); -0 must equal 0.
      return Object.is(value, -0) ? '0' : String(value);
    case 'undefined':
      throw new CanonicalJsonError(path, 'Got undefined; it is accepted only as an object field (omitted).');
    case 'function':
    case 'symbol':
      throw new CanonicalJsonError(path, `Got a ${typeof value}; only JSON data, bigint and undefined fields are accepted.`);
  }
  if (value === null) return 'null';
  const object = value as object;
  if (ancestors.has(object)) throw new CanonicalJsonError(path, 'The value contains a cycle.');
  ancestors.add(object);
  try {
    if (Array.isArray(object)) {
      return `[${object.map((item, index) => encode(item, `${path}[${index}]`, ancestors)).join(',')}]`;
    }
    const prototype = Object.getPrototypeOf(object);
    if (prototype !== Object.prototype && prototype !== null) {
      const kind = (object as { constructor?: { name?: string } }).constructor?.name ?? 'unknown';
      throw new CanonicalJsonError(path, `Got a ${kind}; only plain objects and arrays are accepted.`);
    }
    const record = object as Record<string, unknown>;
    const fields: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const field = record[key];
      if (field === undefined) continue;
      fields.push(`${JSON.stringify(key)}:${encode(field, `${path}.${key}`, ancestors)}`);
    }
    return `{${fields.join(',')}}`;
  } finally {
    ancestors.delete(object);
  }
}
