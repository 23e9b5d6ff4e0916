/**
 * The agent's config: what `npm start`, `mandate run` and `mandate backtest` use unless given
 * `--config <path>`. Every key is optional; the defaults live in agent/config/config-schema.ts.
 * Check what this resolves to with `npx mandate config` (add `--mode live` to check a live setup).
 *
 * Secrets are never written here. They come from the environment:
 *   MANDATE_AGENT_KEY  the agent account's private key (live runs; the devnet has its own dev accounts)
 *   MANDATE_RPC_URL    the JSON-RPC endpoint (overrides chain.rpcUrl)
 *   OPENAI_API_KEY     for the llm reasoner; OPENAI_BASE_URL points it at any OpenAI-compatible server
 */
import { defineConfig } from 'mandate';

export default defineConfig({
  // Where the agent runs. 'devnet' is the local anvil chain `mandate devnet` starts, with real Uniswap v3
  // and a replayed Chainlink feed; every address comes from its manifest, so nothing else is needed.
  // For a real chain: preset 'ethereum' | 'base' | 'arbitrum' (official Uniswap and Chainlink addresses
  // built in), your vault's address, and MANDATE_RPC_URL + MANDATE_AGENT_KEY in the environment.
  chain: {
    preset: 'devnet',
    // vault: '0x…',
    // The devnet mines a block per transaction and never reorgs; on mainnet keep a few blocks.
    confirmations: 0,
  },

  // What the agent watches: Chainlink feeds and the base/quote (WETH/USDC) Uniswap v3 pools, by fee tier.
  // 'events' follows logs as they arrive; 'polling' reads latestRoundData/slot0 every pollIntervalMs.
  market: {
    source: 'events',
    pollIntervalMs: 1_000,
    feeds: ['ETH/USD', 'USDC/USD'],
    pools: [{ fee: 500 }, { fee: 3000 }],
  },

  // Strategy instances: `use` picks a built-in strategy, `params` tune it (each strategy validates its
  // own params and fills in defaults). The id travels with every decision and on-chain trade.
  strategies: [
    { id: 'eth-trend', use: 'trend', params: {}, poolFee: 500 },
    { id: 'oracle-gap', use: 'oracle-dex-deviation', params: {}, poolFee: 3000 },
  ],

  // Who turns signals into proposals: 'rules' (deterministic, offline) or 'llm' (budgeted, cached, and
  // falling back to rules on any failure). The llm settings are kept here, ready to switch.
  reasoner: {
    use: 'rules',
    llm: { model: 'gpt-4o-mini', temperature: 0, cache: 'record', budget: { callsPerRun: 200 } },
  },

  // The policy the devnet vault is deployed with and backtests enforce. Live, the vault's on-chain policy
  // is the truth. Money is written as decimal strings so no float ever rounds it.
  risk: {
    maxTradeUsd: '5000',
    allowance: { capUsd: '20000', refillUsd: '5000', refillIntervalSeconds: 3_600 },
    maxSlippageBps: 100,
    cooldownSeconds: 300,
    maxOracleAgeSeconds: 4_500,
  },

  // How trades are sent: the slippage asked for, the deadline, and the agent's own per-trade cap.
  execution: {
    slippageBps: 50,
    deadlineSeconds: 120,
    maxTradeSizeUsd: '2500',
  },

  // The decision journal (SQLite) and how often non-trade decisions are committed on chain.
  journal: { path: '.mandate/journal.sqlite' },
  commits: { batchSize: 64, intervalSeconds: 3_600 },

  observability: { logLevel: 'info', metrics: { enabled: false, port: 9_464 } },

  // Backtests: starting capital, and what a trade costs and how late it fills.
  backtest: { initialCapitalUsd: '100000', gasPriceGwei: '20', latencyBlocks: 1 },
});
