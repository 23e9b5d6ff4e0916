/**
 * Latency from a market event to the trade transaction being sent, through the whole live agent (market
 * stream → strategy → rules reasoner → vault risk gate → journal record (fsync) → simulation → signed send)
 * on a local devnet. The clock starts when the strategy emits its signal on the event and stops when the
 * node has accepted the transaction. An every-second DCA strategy signals on nearly every event, and the
 * vault is deployed without cooldown and with a large allowance, so nearly every signal becomes a trade.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { startAnvil } from '../../agent/chain/anvil.js';
import { deployDevnet } from '../../agent/devnet/deploy-devnet.js';
import { defaultDevnetExtensions } from '../../agent/devnet/devnet-extensions.js';
import { runMarketDriver } from '../../agent/devnet/market-driver.js';
import { defaultReplayCsvPath, loadReplayRounds } from '../../agent/devnet/replay-rounds.js';
import { validateConfig } from '../../agent/config/index.js';
import { devnetAgentTarget } from '../../agent/venues/live/agent-target.js';
import { startAgent, type AgentLogger } from '../../agent/venues/live/start-agent.js';
import type { Benchmark } from './benchmark.js';

const rounds = 40;

export const bench: Benchmark = {
  name: 'agent-latency',
  description: 'market event → trade transaction sent, rules reasoner, local devnet (p50 target < 20 ms)',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'mandate-latency-'));
    const config = validateConfig(
      {
        chain: { preset: 'devnet', confirmations: 0 },
        strategies: [{ id: 'every-second', use: 'dca', params: { intervalSeconds: 1, amountQuote: '100' }, poolFee: 500 }],
        risk: { cooldownSeconds: 0, maxTradeUsd: '100000', allowance: { capUsd: '10000000', refillUsd: '1000000', refillIntervalSeconds: 60 } },
        journal: { path: join(dir, 'journal.sqlite') },
        commits: { batchSize: 1000, intervalSeconds: 86_400 },
      },
      { mode: 'devnet' },
    );
    const firstRound = (await loadReplayRounds(defaultReplayCsvPath)).rounds[0]!;
    const anvil = await startAnvil({ timestamp: firstRound.updatedAt - 60n });
    try {
      const manifest = await deployDevnet({ rpcUrl: anvil.rpcUrl, firstRound, replaySource: defaultReplayCsvPath, extensions: defaultDevnetExtensions, config });
      const signalled: number[] = [];
      const latencies: number[] = [];
      const agent = await startAgent({
        config,
        target: devnetAgentTarget(manifest, config),
        mode: 'live',
        time: 'chain',
        log: pino({ level: 'silent' }) as unknown as AgentLogger,
        pollIntervalMs: 10,
        policyUpdates: 'own-trades',
        commitCheckEveryMs: 0,
        onSignal: () => signalled.push(performance.now()),
        onTradeSent: () => {
          const at = signalled.shift();
          if (at !== undefined) latencies.push(performance.now() - at);
        },
        // A signal that ends without a send (denied, held, superseded) leaves the queue too.
        onDecision: (decision) => {
          if (decision.completion.outcome !== 'trade' && decision.completion.outcome !== 'failed') signalled.shift();
        },
      });
      try {
        await runMarketDriver({
          manifest,
          maxRounds: rounds,
          onRound: async () => agent.catchUp(await agent.client.getBlockNumber({ cacheTime: 0 })),
        });
      } finally {
        agent.stop();
        await agent.done;
        agent.close();
      }
      latencies.sort((a, b) => a - b);
      const at = (q: number) => Number(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(2));
      return {
        trades: latencies.length,
        p50Ms: at(0.5),
        p90Ms: at(0.9),
        p99Ms: at(0.99),
        maxMs: Number(latencies.at(-1)!.toFixed(2)),
        targetP50Ms: 20,
        meetsTarget: at(0.5) < 20,
      };
    } finally {
      await anvil.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
