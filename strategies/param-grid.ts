/**
 * Params are listable so sweeps and tooling can enumerate them: keys, defaults, descriptions and JSON
 * Schema per key (from the zod shape), and the Cartesian product of a grid of values, validated.
 */
import { z } from 'zod';
import {
  parseStrategyParams,
  StrategyParamsError,
  type ParamsSchema,
  type StrategyDefinition,
  type StrategyParams,
  type StrategyParamsInput,
} from './define-strategy.js';

/** One param of a strategy, as tooling shows it. */
export type ParamDescription = {
  key: string;
  /** The default value, or undefined when the param is optional without default. */
  default: unknown;
  description: string | undefined;
  /** The param's JSON Schema (type, enum, minimum, maximum, pattern...). */
  schema: Record<string, unknown>;
};

/**
 * Every param of a strategy with its default, description and JSON Schema, in declaration order.
 *
 * @example
 * describeStrategyParams(trend).map((p) => `${p.key} = ${JSON.stringify(p.default)}`);
 * // ['fastPeriod = 10', 'slowPeriod = 30', 'average = "sma"', ...]
 */
export function describeStrategyParams(definition: StrategyDefinition<ParamsSchema, unknown>): ParamDescription[] {
  const jsonSchema = z.toJSONSchema(definition.params, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, Record<string, unknown>>;
  };
  return Object.keys(definition.params.shape).map((key) => {
    const schema = jsonSchema.properties?.[key] ?? {};
    const { default: defaultValue, description, ...rest } = schema;
    return { key, default: defaultValue, description: description as string | undefined, schema: rest };
  });
}

/** For each param key, the values a sweep tries. */
export type ParamGridSpec<Schema extends ParamsSchema> = {
  [K in keyof StrategyParamsInput<Schema>]?: readonly StrategyParamsInput<Schema>[K][];
};

/** The expanded grid: valid combinations (defaults applied) and the ones the schema rejected. */
export type ParamGrid<Schema extends ParamsSchema> = {
  combinations: StrategyParams<Schema>[];
  rejected: { params: Record<string, unknown>; error: StrategyParamsError }[];
};

/**
 * The most combinations one grid may expand to (a typo like 1..10000 by 1 should fail fast).
 *
 * @example
 * if (fast.length * slow.length > maxGridCombinations) splitTheSweep();
 */
export const maxGridCombinations = 100_000;

/**
 * The Cartesian product of `grid` (plus `fixed` values for every combination), each validated by the
 * strategy's schema. Combinations the schema rejects (say fastPeriod ≥ slowPeriod) are returned in
 * `rejected`, not thrown, so a sweep can span ranges freely; a grid key the strategy does not have, an
 * empty value list or too many combinations throw a StrategyParamsError.
 *
 * @example
 * const { combinations } = paramGrid(trend, { fastPeriod: [5, 10], slowPeriod: [20, 50] }, { average: 'ema' });
 * combinations.length; // 4
 */
export function paramGrid<Schema extends ParamsSchema>(
  definition: StrategyDefinition<Schema, unknown>,
  grid: ParamGridSpec<Schema>,
  fixed: Partial<StrategyParamsInput<Schema>> = {},
): ParamGrid<Schema> {
  const known = Object.keys(definition.params.shape);
  const axes = Object.entries(grid as Record<string, readonly unknown[] | undefined>);
  let total = 1;
  for (const [key, values] of axes) {
    if (!known.includes(key)) {
      throw new StrategyParamsError(definition.name, key, values, `a grid varies params of "${definition.name}": ${known.join(', ')}`);
    }
    if (!Array.isArray(values) || values.length === 0) {
      throw new StrategyParamsError(definition.name, key, values, 'a grid axis is a non-empty array of values');
    }
    total *= values.length;
  }
  if (total > maxGridCombinations) {
    throw new StrategyParamsError(
      definition.name,
      '(grid)',
      total,
      `at most ${maxGridCombinations} combinations per grid; sweep fewer values`,
    );
  }

  const result: ParamGrid<Schema> = { combinations: [], rejected: [] };
  for (let index = 0; index < total; index += 1) {
    const params: Record<string, unknown> = { ...(fixed as Record<string, unknown>) };
    // Mixed-radix counting: the last axis varies fastest.
    let rest = index;
    for (let axis = axes.length - 1; axis >= 0; axis -= 1) {
      const [key, values] = axes[axis]!;
      params[key] = values![rest % values!.length];
      rest = Math.floor(rest / values!.length);
    }
    try {
      result.combinations.push(parseStrategyParams(definition, params));
    } catch (error) {
      if (!(error instanceof StrategyParamsError)) throw error;
      result.rejected.push({ params, error });
    }
  }
  return result;
}
