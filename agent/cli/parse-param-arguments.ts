import { describeStrategyParams } from '../../strategies/param-grid.js';
import type { AnyStrategyDefinition } from '../../strategies/define-strategy.js';
import { MandateError } from '../model/base-error.js';

/**
 * A --param value is unusable for the strategy.
 *
 * @example
 * parseParamArguments(trend, ['fastPeriod']); // throws: expected key=value
 */
export class StrategyParamArgumentError extends MandateError {
  override name = 'StrategyParamArgumentError';
}

/**
 * Turns `--param k=v` arguments into raw params for the strategy's zod schema: a value is JSON when it
 * parses as JSON (12, 0.5, true) unless the param is a string in the schema (then it stays text, so
 * sizeQuote=500 is "500"). The schema then validates them (StrategyParamsError names the param).
 *
 * @example
 * parseParamArguments(getBuiltinStrategy('trend'), ['fastPeriod=12', 'average=ema']); // { fastPeriod: 12, average: 'ema' }
 */
export function parseParamArguments(definition: AnyStrategyDefinition, args: readonly string[]): Record<string, unknown> {
  const described = new Map(describeStrategyParams(definition).map((param) => [param.key, param]));
  const params: Record<string, unknown> = {};
  for (const arg of args) {
    const split = arg.indexOf('=');
    if (split <= 0) {
      throw new StrategyParamArgumentError(`Invalid --param "${arg}".`, {
        details: `Expected key=value, e.g. --param fastPeriod=12. Params of "${definition.name}": ${[...described.keys()].join(', ')}.`,
      });
    }
    const key = arg.slice(0, split).trim();
    const text = arg.slice(split + 1).trim();
    const type = described.get(key)?.schema.type;
    if (type === 'string') params[key] = text;
    else {
      try {
        params[key] = JSON.parse(text);
      } catch {
        params[key] = text;
      }
    }
  }
  return params;
}
