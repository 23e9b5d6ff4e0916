/**
 * The vault's policy in TypeScript: one definition (`evaluateTrade`) used by the live risk gate
 * (`createVaultRiskGate`, over the deployed vault) and by backtests (`createPolicyGate`, over in-memory state
 * from `createPolicyState` + `applyTrade`). test/policy-differential.test.ts proves it against the contract.
 */
export * from './create-policy-gate.js';
export * from './create-policy-state.js';
export * from './create-vault-risk-gate.js';
export * from './evaluate-trade.js';
export * from './policy-errors.js';
export * from './policy-state.js';
export * from './read-policy-state.js';
export * from './refresh-after-trades.js';
export * from './verdict-of.js';
