import type { Command } from 'commander';
import type { ResolvedConfig } from '../config/index.js';
import type { RunStrategy } from '../engine/create-engine.js';
import { resolveStrategyReference } from '../engine/resolve-strategy-reference.js';
import { resolveStrategyDefinition } from '../engine/strategy-catalog.js';
import { MandateError } from '../model/base-error.js';
import { parseParamArguments } from './parse-param-arguments.js';

/** `--strategy`, `--id` and `--param` as commander gives them. */
export type StrategyCliOptions = { strategy?: string | undefined; id?: string | undefined; param: string[] };

/**
 * A --param or --id without --strategy, or a --param the strategy does not take.
 *
 * @example
 * strategiesFromOptions({ param: ['x=1'] }, config); // throws StrategyOptionError
 */
export class StrategyOptionError extends MandateError {
  override name = 'StrategyOptionError';
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * Adds `--strategy <x>` (a strategy id of the config, a built-in name, or a file ./x.ts[#export]), `--id`
 * and `--param k=v` to a command that runs strategies.
 *
 * @example
 * addStrategyOptions(program.command('run'));
 */
export function addStrategyOptions(command: Command): Command {
  return command
    .option('--strategy <x>', 'one strategy instead of the config\'s: a strategy id of the config, a built-in (trend, mean-reversion, oracle-dex-deviation, treasury-rebalancer, dca), or a file (./my-strategy.ts[#export])')
    .option('--id <id>', "the strategy's instance id (default: its config id, or its name)")
    .option('--param <key=value>', "a param of --strategy (repeatable), validated by the strategy's schema", collect, []);
}

/**
 * The strategies the options name: `--strategy` alone (with `--id` and `--param`), or undefined for the
 * config's own.
 *
 * @example
 * const strategies = await strategiesFromOptions(options, config); // [{ id: 'trend', use: trend, params: {...} }]
 */
export async function strategiesFromOptions(options: StrategyCliOptions, config: Pick<ResolvedConfig, 'strategies'>): Promise<RunStrategy[] | undefined> {
  if (options.strategy === undefined) {
    if (options.param.length > 0 || options.id !== undefined) {
      throw new StrategyOptionError('--param and --id need --strategy.', {
        details: 'Name the strategy they apply to, e.g. --strategy trend --param fastPeriod=12; without --strategy every strategy of the config runs with its configured params.',
      });
    }
    return undefined;
  }
  const chosen = await resolveStrategyReference(options.strategy, config, { id: options.id });
  const params = parseParamArguments(resolveStrategyDefinition(chosen.use), options.param);
  return [{ ...chosen, params: { ...chosen.params, ...params } }];
}
