/**
 * Turns zod's issues into ConfigIssues a person can act on: the dotted key path, the value that was
 * actually there, what is wrong with it, and what is accepted (the schema's description at that path).
 */
import type { z } from 'zod';
import type { ConfigIssue } from './config-error.js';
import { didYouMean } from '../model/did-you-mean.js';

type PathKey = PropertyKey;

/**
 * Formats a key path the way users write it in code.
 *
 * @example
 * formatPath(['strategies', 0, 'params', 'fast']); // 'strategies[0].params.fast'
 */
export function formatPath(path: readonly PathKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text ? `.${String(key)}` : String(key);
  }
  return text;
}

/**
 * The value at a key path of a plain value, or undefined.
 *
 * @example
 * valueAtPath({ risk: { maxTradeUsd: -1 } }, ['risk', 'maxTradeUsd']); // -1
 */
export function valueAtPath(root: unknown, path: readonly PathKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

// zod keeps a schema's structure in `_zod.def`; only the few wrapper and container kinds below matter here.
type SchemaDef = {
  type: string;
  innerType?: unknown;
  in?: unknown;
  shape?: Record<string, unknown>;
  element?: unknown;
  valueType?: unknown;
};
const defOf = (schema: unknown): SchemaDef | undefined => (schema as { _zod?: { def?: SchemaDef } })?._zod?.def;
const descriptionOf = (schema: unknown): string | undefined => (schema as { description?: string })?.description;

/** Steps through defaults, optionals and pipes to the schema that does the work, keeping the first description. */
function unwrap(schema: unknown): { schema: unknown; description: string | undefined } {
  let current = schema;
  let description = descriptionOf(current);
  for (;;) {
    const def = defOf(current);
    const next = def && ['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch'].includes(def.type) ? def.innerType : def?.type === 'pipe' ? def.in : undefined;
    if (!next) return { schema: current, description };
    current = next;
    description ??= descriptionOf(current);
  }
}

/** The schema (and its description) at a key path, as far as it can be followed. */
function schemaAtPath(root: unknown, path: readonly PathKey[]): { schema: unknown; description: string | undefined } | undefined {
  let found = unwrap(root);
  for (const key of path) {
    const def = defOf(found.schema);
    const child =
      def?.type === 'object' && typeof key === 'string'
        ? def.shape?.[key]
        : def?.type === 'array'
          ? def.element
          : def?.type === 'record'
            ? def.valueType
            : undefined;
    if (!child) return undefined;
    found = unwrap(child);
  }
  return found;
}

/**
 * The keys a strict object at `path` accepts.
 *
 * @example
 * knownKeysAt(configSchema, ['commits']); // ['batchSize', 'intervalSeconds']
 */
export function knownKeysAt(root: unknown, path: readonly PathKey[]): string[] {
  const def = defOf(schemaAtPath(root, path)?.schema);
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

const kindOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;

export type ZodIssuesToConfigIssuesOptions = {
  /** Path of `input` inside the whole config, e.g. `['strategies[0].params']`. */
  prefix?: readonly PathKey[] | undefined;
  /**
   * What the schema's descriptions say: `accepted` values (the config schema's, quoted as they are) or the
   * key's `meaning` (strategy params'), which is then appended to what zod says is accepted.
   */
  descriptions?: 'accepted' | 'meaning' | undefined;
};

/**
 * Converts every zod issue of a failed parse into ConfigIssues, in the order zod found them.
 *
 * @example
 * const result = configSchema.safeParse(input);
 * if (!result.success) zodIssuesToConfigIssues(configSchema, input, result.error.issues);
 */
export function zodIssuesToConfigIssues(
  schema: z.ZodType,
  input: unknown,
  issues: readonly z.core.$ZodIssue[],
  options: ZodIssuesToConfigIssuesOptions = {},
): ConfigIssue[] {
  const prefix = options.prefix ?? [];
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    const path = issue.path;
    const value = valueAtPath(input, path);
    const expectedAt = (at: readonly PathKey[], fallback: string) => {
      const description = schemaAtPath(schema, at)?.description;
      if (!description) return fallback;
      return options.descriptions === 'meaning' ? `${fallback} (${description})` : description;
    };
    const at = formatPath([...prefix, ...path]);

    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = knownKeysAt(schema, path);
        for (const key of issue.keys) {
          const suggestion = didYouMean(key, known);
          out.push({
            path: formatPath([...prefix, ...path, key]),
            problem: `is not a known key${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
            value: valueAtPath(input, [...path, key]),
            expected: known.length ? `one of the keys ${known.join(', ')}` : 'no extra keys',
          });
        }
        break;
      }
      case 'invalid_type': {
        const wholeNumber = issue.expected === 'int' && typeof value === 'number';
        out.push({
          path: at,
          problem: value === undefined ? 'is required' : wholeNumber ? 'must be a whole number' : `has the wrong type (${kindOf(value)}, not ${issue.expected === 'int' ? 'a whole number' : `${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`})`,
          value,
          expected: expectedAt(path, issue.expected === 'int' ? 'a whole number' : `${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`),
        });
        break;
      }
      case 'invalid_value': {
        const options = issue.values.map((v) => JSON.stringify(v));
        const suggestion = typeof value === 'string' ? didYouMean(value, issue.values.filter((v): v is string => typeof v === 'string')) : undefined;
        out.push({
          path: at,
          problem: `is not an accepted value${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
          value,
          expected: expectedAt(path, `one of ${options.join(', ')}`),
        });
        break;
      }
      case 'too_small': {
        const negative = typeof value === 'number' && value < 0 && Number(issue.minimum) === 0;
        const problem = negative
          ? 'must not be negative'
          : issue.origin === 'array'
            ? `must have at least ${issue.minimum} item(s)`
            : issue.origin === 'string'
              ? Number(issue.minimum) === 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters long`
              : `is too small (the minimum is ${issue.minimum})`;
        out.push({ path: at, problem, value, expected: expectedAt(path, `${issue.inclusive === false ? 'more than' : 'at least'} ${issue.minimum}`) });
        break;
      }
      case 'too_big': {
        const problem =
          issue.origin === 'array' ? `must have at most ${issue.maximum} item(s)` : issue.origin === 'string' ? `must be at most ${issue.maximum} characters long` : `is too large (the maximum is ${issue.maximum})`;
        out.push({ path: at, problem, value, expected: expectedAt(path, `${issue.inclusive === false ? 'less than' : 'at most'} ${issue.maximum}`) });
        break;
      }
      case 'invalid_union':
        out.push({ path: at, problem: `is not accepted here (${kindOf(value)})`, value, expected: expectedAt(path, 'one of the accepted forms') });
        break;
      default:
        // custom checks (addresses, amounts, URLs) word their own problem.
        out.push({ path: at, problem: issue.message, value, expected: expectedAt(path, 'a valid value') });
    }
  }
  return out;
}
