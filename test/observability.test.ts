/**
 * Observability against real parts: a real kernel (threshold strategy, rules reasoner, SQLite journal) fed
 * a market$ Subject, the telemetry's real HTTP server on a free port scraped with fetch, and, for the lag,
 * a real market stream reading a real Chainlink-style aggregator on anvil with a deep confirmation depth.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Subject, firstValueFrom, filter } from 'rxjs';
import { createWalletClient, http, type PublicClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, describe, expect, it } from 'vitest';
import { startAnvil } from '../agent/chain/anvil.js';
import { devAccountAt } from '../agent/chain/dev-accounts.js';
import { createDevnetClients } from '../agent/devnet/devnet-clients.js';
import { devAggregatorAbi, devAggregatorBytecode } from '../agent/chain/generated/index.js';
import { holdDecision } from './support/journal-fixtures.js';
import { openJournal } from '../agent/journal/open-journal.js';
import { createVirtualClock } from '../agent/model/clock.js';
import { createKernel } from '../agent/kernel/create-kernel.js';
import type { Executor, KernelStrategy, RiskGate } from '../agent/model/ports.js';
import { createChainlinkSource } from '../agent/market/chainlink-source.js';
import { createMarketStream } from '../agent/market/create-market-stream.js';
import { toAddress, type Address } from '../agent/model/address.js';
import type { MarketEvent, OracleUpdate } from '../agent/model/market-event.js';
import { createAgentTelemetry, createLogger, parsePrometheusText, readAgentStatus, sumBy } from '../agent/observability/index.js';
import { createRulesReasoner } from '../agent/reasoning/rules-reasoner.js';

const feed = toAddress('0x5f4ec3df9cbd43714fe2740f5e3616155c5b8419');
const weth = toAddress('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2');
const usdc = toAddress('0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48');
const t0 = 1_700_000_000;
const dir = mkdtempSync(join(tmpdir(), 'mandate-observability-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const oracle = (i: number, price: number): OracleUpdate => ({
  kind: 'oracle', feed, roundId: BigInt(i + 1), answer: BigInt(price) * 10n ** 8n, decimals: 8, updatedAt: BigInt(t0 + i * 60), time: t0 + i * 60,
});

/** Buys under 1,900, sells over 2,100: one signal per qualifying event. */
const threshold: KernelStrategy = {
  id: 'threshold',
  onMarket(market) {
    const event = market.last;
    if (event?.kind !== 'oracle') return undefined;
    const price = Number(event.answer / 10n ** 8n);
    if (price < 1_900) return { strategyId: 'threshold', side: 'buy', strength: 0.5, reason: `${price} < 1900`, time: event.time };
    if (price > 2_100) return { strategyId: 'threshold', side: 'sell', strength: 0.5, reason: `${price} > 2100`, time: event.time };
    return undefined;
  },
};

/** Fills at the intent's minimum out, keeping paper balances. */
function paperExecutor(): Executor {
  const balances = new Map<Address, bigint>([[weth, 10n ** 18n], [usdc, 100_000n * 10n ** 6n]]);
  let block = 0n;
  return {
    async balances() {
      return new Map(balances);
    },
    async execute(intent) {
      balances.set(intent.tokenIn, (balances.get(intent.tokenIn) ?? 0n) - intent.amountIn);
      balances.set(intent.tokenOut, (balances.get(intent.tokenOut) ?? 0n) + intent.minAmountOut);
      block += 1n;
      const fill = { txHash: `0x${block.toString(16).padStart(64, '0')}` as const, block, amountIn: intent.amountIn, amountOut: intent.minAmountOut, minAmountOutUsed: intent.minAmountOut, valueUsd: 500n * 10n ** 18n, gasUsed: 200_000n, effectiveGasPrice: 1n };
      return { ok: true, fill };
    },
  };
}

/** Allows sells only: buys are denied with a vault-style reason. */
const sellsOnly: RiskGate = { check: (intent) => (intent.tokenIn === weth ? { allowed: true } : { allowed: false, reason: 'TradeValueExceedsCap', args: [1n, 0n] }) };

describe('createAgentTelemetry', () => {
  it('serves /health and /metrics on a free local port; counters move as the kernel decides', async () => {
    const clock = createVirtualClock(t0 * 1000);
    const journal = openJournal({ path: join(dir, 'journal.sqlite'), clock, durability: 'normal' });
    const market$ = new Subject<MarketEvent>();
    const kernel = createKernel({
      runId: 'observability-test',
      strategies: [threshold],
      reasoner: createRulesReasoner({
        market: { oracle: feed, poolFee: 500, base: { address: weth, decimals: 18 }, quote: { address: usdc, decimals: 6 } },
        maxTradeQuote: '1000',
        maxSlippageBps: 50,
      }),
      riskGate: sellsOnly,
      executor: paperExecutor(),
      journal: journal.decisions,
      clock,
      tradeDeadlineSeconds: 300,
      market$,
    });
    journal.runs.start({ id: 'observability-test', configDigest: `0x${'0'.repeat(64)}`, mode: 'live', chainId: 1, vault: weth });
    const telemetry = await createAgentTelemetry({ runId: 'observability-test', kernel, clock, server: { port: 0 } });
    try {
      expect(telemetry.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const running = kernel.run();
      const before = await readAgentStatus(telemetry.url!);
      expect(before.health).toMatchObject({ status: 'ok', runId: 'observability-test', events: 0, decisions: 0, lastDecisionTime: null });

      const decided = (count: number) => firstValueFrom(kernel.decisions$.pipe(filter(() => --count === 0)));
      const three = decided(3);
      market$.next(oracle(0, 2_000)); // no signal
      market$.next(oracle(1, 2_200)); // sell: allowed, traded
      await kernel.idle();
      market$.next(oracle(2, 1_800)); // buy: denied by the gate
      await kernel.idle();
      market$.next(oracle(3, 2_000));
      market$.next(oracle(4, 2_300)); // sell again
      await three;
      await kernel.idle();

      const status = await readAgentStatus(telemetry.url!);
      expect(status.health).toMatchObject({ status: 'ok', events: 5, decisions: 3, lastEventTime: t0 + 4 * 60, lastDecisionTime: t0 + 4 * 60 });
      expect(status.figures.decisionsByOutcome).toEqual({ trade: 2, denied: 1 });
      expect(status.figures.decisionsByVerdict).toEqual({ allowed: 2, TradeValueExceedsCap: 1 });
      expect(status.figures.trades).toBe(2);
      expect(status.figures.tradeValueUsd).toBe(1000);
      expect(status.figures.reasonerCalls).toBe(3);
      expect(status.figures.eventsByKind).toEqual({ any: 5 });
      expect(status.figures.residentMemoryBytes).toBeGreaterThan(0);

      // The raw scrape is Prometheus text with the process metrics alongside.
      const text = await (await fetch(`${telemetry.url}/metrics`)).text();
      expect(text).toContain('# TYPE mandate_decisions_total counter');
      expect(sumBy(parsePrometheusText(text), 'mandate_trades_total', 'strategy')).toEqual({ threshold: 2 });
      expect(text).toMatch(/mandate_process_resident_memory_bytes \d+/);
      expect((await fetch(`${telemetry.url}/nope`)).status).toBe(404);

      market$.complete();
      await running;
      const stopped = await fetch(`${telemetry.url}/health`);
      expect(stopped.status).toBe(503);
      expect(((await stopped.json()) as { status: string }).status).toBe('stopped');
    } finally {
      await telemetry.close();
      journal.close();
    }
  });

  it('says degraded when the agent is more blocks behind the chain head than allowed', async () => {
    const anvil = await startAnvil({ timestamp: t0 });
    try {
      const { chain, publicClient } = createDevnetClients(anvil.rpcUrl, anvil.chainId);
      const deployer = devAccountAt(0);
      const wallet = createWalletClient({ chain, transport: http(anvil.rpcUrl), account: privateKeyToAccount(deployer.privateKey) });
      const hash = await wallet.deployContract({ abi: devAggregatorAbi, bytecode: devAggregatorBytecode, args: [8, 'ETH / USD'] });
      const aggregator = toAddress((await publicClient.waitForTransactionReceipt({ hash })).contractAddress!);
      await publicClient.waitForTransactionReceipt({
        hash: await wallet.writeContract({ address: aggregator, abi: devAggregatorAbi, functionName: 'setRound', args: [1n, 2_000n * 10n ** 8n, BigInt(t0), BigInt(t0), 1n] }),
      });
      await publicClient.request({ method: 'anvil_mine' as 'eth_chainId', params: ['0x40'] as never });

      // 30 confirmations keep the stream 30 blocks behind the head: lag ≥ 30 > 10.
      const client = publicClient as PublicClient;
      const stream = createMarketStream({ client, sources: [createChainlinkSource({ client, feeds: [aggregator] })], confirmations: 30, pollIntervalMs: 20 });
      const telemetry = await createAgentTelemetry({ runId: 'lagging', market: stream, server: { port: 0 }, health: { maxLagBlocks: 10 }, processMetrics: false });
      const subscription = stream.market$.subscribe();
      try {
        while (stream.stats().lastProcessedBlock === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
        const status = await readAgentStatus(telemetry.url!);
        expect(status.health.status).toBe('degraded');
        expect(status.health.lagBlocks).toBeGreaterThanOrEqual(30);
        expect(status.health.reasons[0]).toMatch(/blocks behind the chain head \(more than 10\)/);
        const lag = parsePrometheusText(await (await fetch(`${telemetry.url}/metrics`)).text()).find((s) => s.name === 'mandate_lag_blocks');
        expect(lag?.value).toBeGreaterThanOrEqual(30);
        expect(telemetry.health().status).toBe('degraded');
      } finally {
        subscription.unsubscribe();
        await telemetry.close();
      }
    } finally {
      await anvil.stop();
    }
  });
});

describe('recordDecision', () => {
  it('counts LLM calls, cache hits and tokens, and keeps verdict labels to the reason name', async () => {
    const telemetry = await createAgentTelemetry({ runId: 'tokens', processMetrics: false });
    const base = holdDecision('tokens', 1);
    const llm = { ...base.reasoning, reasoner: 'llm' as const, model: 'gpt-4o-mini', tokens: { prompt: 1_200, completion: 80 } };
    telemetry.recordDecision({ content: { ...base, reasoning: llm }, hash: `0x${'1'.repeat(64)}`, completion: { outcome: 'hold' } });
    telemetry.recordDecision({ content: { ...base, reasoning: { ...llm, cached: true } }, hash: `0x${'2'.repeat(64)}`, completion: { outcome: 'hold' } });
    const denied = { ...base, reasoning: llm, verdict: { allowed: false as const, reason: 'InvalidToken: the model named 0xdead which is not allowed' } };
    telemetry.recordDecision({ content: denied, hash: `0x${'3'.repeat(64)}`, completion: { outcome: 'denied', reason: 'InvalidToken' } });
    const samples = parsePrometheusText(await telemetry.metrics.registry.metrics());
    expect(sumBy(samples, 'mandate_reasoner_calls_total', 'cached')).toEqual({ false: 2, true: 1 });
    expect(sumBy(samples, 'mandate_reasoner_tokens_total', 'type')).toEqual({ prompt: 3_600, completion: 240 });
    expect(sumBy(samples, 'mandate_decisions_total', 'verdict')).toEqual({ allowed: 2, InvalidToken: 1 });
    expect(telemetry.health()).toMatchObject({ status: 'ok', decisions: 3, events: 0 });
    telemetry.markStopped();
    expect(telemetry.health().status).toBe('stopped');
    await telemetry.close();
  });
});

describe('createLogger', () => {
  it('writes JSON lines with the level label and redacts secrets', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger({ level: 'info', bindings: { runId: 'r1' }, destination });
    log.debug('not at info');
    log.info({ privateKey: '0xsecret', config: { secrets: { agentKey: '0xagent' } }, headers: { authorization: 'Bearer x' }, vault: '0xabc' }, 'started');
    log.error({ err: new Error('boom') }, 'failed');
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(first).toMatchObject({ level: 'info', runId: 'r1', msg: 'started', privateKey: '[redacted]', vault: '0xabc' });
    expect(JSON.stringify(first)).not.toContain('0xagent');
    expect(JSON.stringify(first)).not.toContain('Bearer');
    expect(typeof first.time).toBe('string');
    expect(JSON.parse(lines[1]!)).toMatchObject({ level: 'error', err: { type: 'Error', message: 'boom' } });
  });
});
