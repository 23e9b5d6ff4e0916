/**
 * The strategy names a config's `strategies[].use` may name.
 *
 * TODO: swap this list for `builtinStrategyNames` from strategies/registry.ts once that file exists
 * (it is being written in parallel); the names below are the ones DESIGN.md promises.
 *
 * @example
 * knownStrategyNames.includes('trend'); // true
 */
export const knownStrategyNames: readonly string[] = ['trend', 'mean-reversion', 'oracle-dex-deviation', 'treasury-rebalancer', 'dca'];
