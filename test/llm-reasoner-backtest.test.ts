/**
 * A reproducible LLM backtest: the backtest engine over the real Chainlink ETH/USD history with the LLM
 * reasoner, recorded once against the local chat-completions server, then replayed offline with identical
 * results.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtestMarket } from '../backtest/backtest-market.js';
import { runBacktest } from '../backtest/run-backtest.js';
import { createVirtualClock } from '../agent/model/clock.js';
import { createLlmReasoner } from '../agent/reasoning/llm-reasoner.js';
import type { ReasonerMarket } from '../agent/reasoning/reasoner-market.js';
import { openResponseCache, type ResponseCacheMode } from '../agent/reasoning/response-cache.js';
import { createRulesReasoner } from '../agent/reasoning/rules-reasoner.js';
import { trainingCutoffWarning } from '../agent/reasoning/training-cutoff.js';
import { startOpenAiServer, type OpenAiServer } from './support/openai-server.js';

const data = 'data/chainlink/eth-usd.csv';
// Ten days of 2024 rounds: a handful of trend signals.
const from = 1_706_558_123 - 10 * 86_400;
const to = 1_706_558_123;

const market: ReasonerMarket = {
  oracle: backtestMarket.oracle!,
  poolFee: 500,
  base: backtestMarket.base,
  quote: backtestMarket.quote,
};

let server: OpenAiServer;
let directory: string;
beforeAll(async () => {
  server = await startOpenAiServer({ steps: [{ auto: 'follow-signal', fraction: 0.02 }], repeatLast: true });
  directory = mkdtempSync(join(tmpdir(), 'mandate-llm-backtest-'));
});
afterAll(async () => {
  await server.close();
  rmSync(directory, { recursive: true, force: true });
});

async function backtest(mode: ResponseCacheMode, cachePath: string) {
  const clock = createVirtualClock(0);
  const cache = openResponseCache({ path: cachePath, mode, clock });
  const reasoner = createLlmReasoner({
    model: 'gpt-4o-mini',
    apiKey: 'test-key',
    baseURL: server.url,
    timeoutMs: 5_000,
    retry: { maxRetries: 0 },
    budget: { callsPerRun: 1_000, callsPerDay: 1_000, tokensPerRun: 10_000_000, tokensPerDay: 10_000_000 },
    market,
    policy: { maxTradeUsd: '2500', maxSlippageBps: 100 },
    cache,
    fallback: createRulesReasoner({ market, maxTradeQuote: '2500', maxSlippageBps: 50 }),
    clock,
  });
  const before = server.requests.length;
  try {
    const result = await runBacktest({ strategy: 'trend', data, from, to, reasoner, runId: 'llm-backtest' });
    return { result, requests: server.requests.length - before, stats: reasoner.stats() };
  } finally {
    cache.close();
  }
}

describe('LLM backtest record → replay', () => {
  it('replays offline to the same trades and metrics', async () => {
    const cachePath = join(directory, 'llm-cache.sqlite');
    const recorded = await backtest('record', cachePath);
    expect(recorded.stats.decisions).toBeGreaterThan(0);
    expect(recorded.requests).toBe(recorded.stats.decisions);
    expect(recorded.result.summary.trades).toBeGreaterThan(0);

    const replayed = await backtest('replay', cachePath);
    expect(replayed.requests).toBe(0);
    expect(replayed.stats).toMatchObject({ cacheHits: recorded.stats.decisions, cacheMisses: 0, requests: 0 });
    expect(replayed.result.trades).toEqual(recorded.result.trades);
    expect(replayed.result.metrics).toEqual(recorded.result.metrics);
    expect(replayed.result.summary).toEqual(recorded.result.summary);
    // 2024 data lies after gpt-4o-mini's cutoff: no warning for this period.
    expect(trainingCutoffWarning({ model: 'gpt-4o-mini', from, to })).toBeUndefined();
  });
});
