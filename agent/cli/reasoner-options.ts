import { Option, type Command } from 'commander';
import { responseCacheModes, type ResponseCacheMode } from '../reasoning/response-cache.js';

/** The parsed values of the options {@link addReasonerOptions} adds (commander camel-cases them). */
export type ReasonerCliOptions = { reasoner?: 'rules' | 'llm' | undefined; reasonerCache?: ResponseCacheMode | undefined };

/**
 * Adds `--reasoner rules|llm` and `--reasoner-cache off|record|replay` to a command (run, demo, backtest).
 * Both override the config when given; pass them on with {@link reasonerOverrides}.
 *
 * @example
 * addReasonerOptions(withCommonOptions(program.command('backtest'))).action(
 *   commandAction(async (ctx, opts) => { createReasoner(config, { ...reasonerOverrides(opts), clock, market }); ... }),
 * );
 */
export function addReasonerOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--reasoner <kind>', 'who turns signals into proposals: rules (deterministic, offline) or llm (overrides reasoner.use)').choices([
        'rules',
        'llm',
      ]),
    )
    .addOption(
      new Option(
        '--reasoner-cache <mode>',
        'LLM response cache: off, record (store answers), replay (answer only from the cache: deterministic and offline); overrides reasoner.llm.cache',
      ).choices([...responseCacheModes]),
    );
}

/**
 * The createReasoner overrides from a command's parsed options.
 *
 * @example
 * createReasoner(config, { ...reasonerOverrides(command.opts()), clock, market });
 */
export function reasonerOverrides(options: ReasonerCliOptions): { reasoner?: 'rules' | 'llm' | undefined; cacheMode?: ResponseCacheMode | undefined } {
  return { reasoner: options.reasoner, cacheMode: options.reasonerCache };
}
