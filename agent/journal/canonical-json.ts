import { MandateError } from '../errors/base-error.js';

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
  return encode(value, '$', new Set());
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
