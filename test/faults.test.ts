/**
 * Faults against the running agent as a whole (startAgent in-process, the real devnet, the market driver
 * replaying real rounds): a paused vault, a revoked agent, a nonce gap, a trade that would revert, the RPC
 * going away and coming back, a stale oracle, and a full disk for the journal. Each asserts the behaviour
 * docs/operations.md ("What happens when something fails") documents.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { createWalletClient, http, type PublicClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilInstance } from '../agent/chain/anvil.js';
import type { DevnetRole } from '../agent/chain/dev-accounts.js';
import { deployDevnet } from '../agent/devnet/deploy-devnet.js';
import { createDevnetClients } from '../agent/devnet/devnet-clients.js';
import { writeDevnetManifest, type DevnetManifest } from '../agent/devnet/devnet-manifest.js';
import { runMarketDriver } from '../agent/devnet/market-driver.js';
import { defaultReplayCsvPath, loadReplayRounds } from '../agent/devnet/replay-rounds.js';
import { devAggregatorAbi } from '../agent/chain/generated/index.js';
import { pause, revokeAgent, setAgent, unpause } from '../agent/chain/vault/index.js';
import { vaultDevnetExtension } from '../agent/devnet/devnet-vault.js';
import { validateConfig, type ResolvedConfig } from '../agent/config/index.js';
import { openJournal } from '../agent/journal/open-journal.js';
import { systemClock } from '../agent/model/clock.js';
import type { RecordedDecision } from '../agent/model/decision.js';
import { devnetAgentTarget } from '../agent/venues/live/agent-target.js';
import { startAgent, type AgentLogger, type RunningAgent } from '../agent/venues/live/start-agent.js';
import { zeroAddress } from '../agent/model/address.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../..');
const mandate = join(repoRoot, 'bin/mandate.js');

let anvil: AnvilInstance;
let manifest: DevnetManifest;
let config: ResolvedConfig;
let dir: string;
let statePath: string;
let configPath: string;
let journalPath: string;
let client: PublicClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mandate-faults-'));
  statePath = join(dir, 'anvil-state.json');
  journalPath = join(dir, 'journal.sqlite');
  configPath = join(dir, 'agent.config.json');
  const manifestPath = join(dir, 'devnet.json');
  const input = {
    chain: { preset: 'devnet', devnetManifest: manifestPath, confirmations: 0 },
    market: { pollIntervalMs: 100 },
    // A DCA that wants to buy on nearly every round, no vault cooldown: every round is a trade unless a fault stops it.
    strategies: [{ id: 'dca', use: 'dca', params: { intervalSeconds: 60, amountQuote: '100' }, poolFee: 500 }],
    risk: { cooldownSeconds: 0, maxTradeUsd: '100000', allowance: { capUsd: '10000000', refillUsd: '1000000', refillIntervalSeconds: 60 } },
    journal: { path: journalPath },
    commits: { batchSize: 4, intervalSeconds: 86_400 },
    observability: { logLevel: 'silent' },
  };
  writeFileSync(configPath, JSON.stringify(input));
  config = validateConfig(input, { mode: 'devnet' });
  const firstRound = (await loadReplayRounds(defaultReplayCsvPath)).rounds[0]!;
  anvil = await startAnvil({ timestamp: firstRound.updatedAt - 60n, statePath });
  // The vault alone, its owner the devnet owner key (the Safe as owner is test/safe-admin.test.ts's subject).
  manifest = await deployDevnet({ rpcUrl: anvil.rpcUrl, firstRound, replaySource: defaultReplayCsvPath, extensions: [vaultDevnetExtension], config });
  writeDevnetManifest(manifest, manifestPath);
  client = createDevnetClients(anvil.rpcUrl, manifest.chainId).publicClient;
}, 120_000);

afterAll(async () => {
  await anvil?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const silent = pino({ level: 'silent' }) as unknown as AgentLogger;

type Started = { agent: RunningAgent; decisions: RecordedDecision[] };

async function start(options: { policyUpdates?: 'watch' | 'own-trades'; journalPath?: string; log?: AgentLogger } = {}): Promise<Started> {
  const decisions: RecordedDecision[] = [];
  const agent = await startAgent({
    config,
    target: devnetAgentTarget(manifest, config),
    mode: 'live',
    time: 'chain',
    log: options.log ?? silent,
    pollIntervalMs: 20,
    policyUpdates: options.policyUpdates,
    journalPath: options.journalPath,
    commitCheckEveryMs: 0,
    onDecision: (decision) => decisions.push(decision),
  });
  return { agent, decisions };
}

/** Replays `rounds` more rounds, the agent caught up with the chain after each (lockstep, deterministic). */
async function drive(agent: RunningAgent, rounds: number): Promise<void> {
  await runMarketDriver({
    manifest,
    maxRounds: rounds,
    noiseSwapsPerRound: 1,
    onRound: async () => agent.catchUp(await client.getBlockNumber({ cacheTime: 0 })),
  });
}

async function stopAgent(agent: RunningAgent) {
  agent.stop();
  const summary = await agent.done;
  agent.close();
  return summary;
}

function as(role: DevnetRole) {
  const { chain, publicClient } = createDevnetClients(anvil.rpcUrl, manifest.chainId);
  const walletClient = createWalletClient({ chain, transport: http(anvil.rpcUrl), account: privateKeyToAccount(manifest.accounts[role].privateKey) });
  return { publicClient, walletClient, vault: manifest.contracts.MandateVault! };
}

const agentNonce = () => client.getTransactionCount({ address: manifest.accounts.agent.address });
const proposedTrades = (decisions: RecordedDecision[]) => decisions.filter((d) => d.content.proposal.action === 'trade');
const outcomes = (decisions: RecordedDecision[]) => decisions.map((d) => d.completion.outcome);

/** Runs a mandate command to completion; returns its exit code and parsed last JSON line. */
function mandateJson(args: string[]): Promise<{ code: number | null; json: Record<string, any> }> {
  const child = spawn(process.execPath, [mandate, ...args, '--json', '--config', configPath], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolveRun) =>
    child.once('exit', (code) => resolveRun({ code, json: JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, any> })),
  );
}

describe('faults against a running agent', () => {
  it('paused vault → VaultPaused denials; revoked agent → NotAgent denials; nonce gap → resync; the agent keeps running and journaling', async () => {
    const { agent, decisions } = await start();
    try {
      await drive(agent, 2);
      expect(outcomes(decisions)).toContain('trade');

      // Paused: every trade denied VaultPaused by the risk gate, nothing sent.
      await pause(as('guardian'));
      // The gate follows the vault's events; until it has seen one, the simulation catches what it allows (next test).
      await until('the gate saw the pause', () => agent.gate.snapshot().state.paused);
      let from = decisions.length;
      let nonce = await agentNonce();
      await drive(agent, 2);
      const whilePaused = decisions.slice(from);
      expect(whilePaused.length).toBeGreaterThan(0);
      for (const d of whilePaused) {
        expect(d.completion.outcome).toBe('denied');
        expect(d.content.verdict).toMatchObject({ allowed: false, reason: 'VaultPaused' });
      }
      expect(await agentNonce()).toBe(nonce);
      await unpause(as('owner'));
      await until('the gate saw the unpause', () => !agent.gate.snapshot().state.paused);

      // Revoked: every trade denied NotAgent, nothing sent, the agent keeps journaling.
      await revokeAgent(as('guardian'));
      await until('the gate saw the revocation', () => agent.gate.snapshot().state.agent === zeroAddress);
      from = decisions.length;
      nonce = await agentNonce();
      await drive(agent, 2);
      const whileRevoked = decisions.slice(from);
      expect(whileRevoked.length).toBeGreaterThan(0);
      for (const d of whileRevoked) {
        expect(d.completion.outcome).toBe('denied');
        expect(d.content.verdict).toMatchObject({ allowed: false, reason: 'NotAgent' });
      }
      expect(await agentNonce()).toBe(nonce);
      await setAgent(as('owner'), manifest.accounts.agent.address);
      await until('the gate saw the new agent', () => agent.gate.snapshot().state.agent === manifest.accounts.agent.address);

      // Nonce gap: another process sends from the agent key; the next trade still goes through.
      const other = createWalletClient({
        chain: createDevnetClients(anvil.rpcUrl, manifest.chainId).chain,
        transport: http(anvil.rpcUrl),
        account: privateKeyToAccount(manifest.accounts.agent.privateKey),
      });
      await client.waitForTransactionReceipt({ hash: await other.sendTransaction({ to: manifest.accounts.agent.address, value: 0n }) });
      from = decisions.length;
      await drive(agent, 2);
      const afterGap = decisions.slice(from);
      expect(outcomes(afterGap)).toContain('trade');
      expect(afterGap.filter((d) => d.completion.outcome === 'failed').map((d) => (d.completion as { reason: string }).reason)).toEqual([]);
    } catch (error) {
      await stopAgent(agent);
      throw error;
    }
    const summary = await stopAgent(agent);
    expect(summary).toMatchObject({ status: 'completed', uncommitted: 0 });
  }, 120_000);

  it('a trade the vault would refuse (the gate did not see the pause) → failed with the decoded reason, nothing sent, the agent keeps trading', async () => {
    // 'own-trades': the gate does not watch the vault, so it allows what the vault now refuses; the
    // executor's simulation catches it before anything is signed.
    const { agent, decisions } = await start({ policyUpdates: 'own-trades' });
    try {
      await pause(as('guardian'));
      const nonce = await agentNonce();
      await drive(agent, 2);
      // A freshly started agent may hold its first signal until it has seen both feeds' prices.
      expect(proposedTrades(decisions).length).toBeGreaterThan(0);
      for (const d of proposedTrades(decisions)) {
        expect(d.content.verdict).toEqual({ allowed: true });
        expect(d.completion).toMatchObject({ outcome: 'failed', reason: expect.stringMatching(/^VaultPaused: The vault is paused/) });
        expect(d.completion).not.toHaveProperty('txHash', expect.anything());
      }
      expect(await agentNonce()).toBe(nonce);
      await unpause(as('owner'));
      const from = decisions.length;
      await drive(agent, 2);
      expect(outcomes(decisions.slice(from))).toContain('trade');
    } catch (error) {
      await stopAgent(agent);
      throw error;
    }
    const summary = await stopAgent(agent);
    expect(summary).toMatchObject({ status: 'completed', error: undefined, uncommitted: 0 });
    expect(summary.failed).toBeGreaterThan(0);
  }, 120_000);

  it('the RPC goes away and comes back → the agent keeps running, backs off, resumes; nothing lost or doubled; decisions verify', async () => {
    const { agent, decisions } = await start();
    try {
      await drive(agent, 2);
      const before = decisions.length;
      const port = anvil.port;
      await anvil.stop(); // dumps its state to statePath
      await until('the market stream has failed and backed off a few times', () => agent.marketStats().rpcErrors >= 3);
      expect(agent.marketStats().consecutiveErrors).toBeGreaterThanOrEqual(3);
      anvil = await startAnvil({ port, statePath });
      // anvil reloads the chain but not its clock offset: put its clock back to the chain's time, or the
      // next block would jump to today's wall time (a devnet quirk, not the agent's).
      const head = await client.getBlock({ blockTag: 'latest' });
      await client.request({ method: 'evm_setTime' as 'eth_chainId', params: [Number(head.timestamp) + 1] as never });
      await drive(agent, 3);
      const stats = agent.marketStats();
      expect(stats.reconnects).toBeGreaterThanOrEqual(1);
      expect(stats.consecutiveErrors).toBe(0);
      expect(stats.dropped).toEqual({ duplicate: 0, 'out-of-order': 0 });
      const after = decisions.slice(before);
      expect(outcomes(after)).toContain('trade');
      // Decisions are numbered without gaps or repeats across the outage.
      expect(decisions.map((d) => d.content.seq)).toEqual(decisions.map((_, i) => i));
    } catch (error) {
      await stopAgent(agent);
      throw error;
    }
    const summary = await stopAgent(agent);
    expect(summary).toMatchObject({ status: 'completed', uncommitted: 0, droppedEvents: { duplicate: 0, 'out-of-order': 0 } });

    // Every decision of every run so far (paused, revoked, nonce gap, refused, outage) verifies against the chain.
    const verify = await mandateJson(['decisions', 'verify', '--devnet']);
    expect(verify.code).toBe(0);
    expect(verify.json).toMatchObject({ mismatched: 0, uncommitted: 0, unchecked: 0 });
    expect(verify.json.verified).toBe(verify.json.decisions);
  }, 120_000);

  it('a full disk for the journal → JournalWriteError, the run stops as failed with a clear error, nothing half-written', async () => {
    const diskFullPath = join(dir, 'disk-full.sqlite');
    const errors: { details: object; message: string }[] = [];
    const log: AgentLogger = { info() {}, warn() {}, error: (details, message) => errors.push({ details, message }), child: () => log };
    const { agent, decisions } = await start({ journalPath: diskFullPath, log });
    await drive(agent, 1);
    const recorded = decisions.length;
    const pages = agent.journal.db.pragma('page_count', { simple: true }) as number;
    agent.journal.db.pragma(`max_page_count = ${pages}`);
    const nonce = await agentNonce();
    const batchesBefore = agent.commits.committed;
    const stopped = new AbortController();
    let finished = false;
    const done = agent.done.finally(() => {
      finished = true;
      stopped.abort();
    });
    await runMarketDriver({
      manifest,
      maxRounds: 20,
      noiseSwapsPerRound: 1,
      signal: stopped.signal,
      // In lockstep like drive(), until the agent stops (catchUp would wait for a stream that no longer reads).
      onRound: async () => {
        const head = await client.getBlockNumber({ cacheTime: 0 });
        await until('the agent caught up or stopped', () => finished || (agent.marketStats().lastProcessedBlock ?? -1n) >= head);
        if (!finished) await Promise.race([agent.kernel.idle(), done]);
      },
    });
    const summary = await done;
    agent.close();
    expect(summary.status).toBe('failed');
    expect(summary.error).toMatch(/^The journal failed on decision 0x[0-9a-f]{64}; the agent stopped\.$/);
    // The log line (what `mandate run` prints before exiting 1) carries the cause: SQLite's error.
    expect(errors).toContainEqual({
      message: 'The agent stopped on an error',
      details: { error: expect.stringMatching(/; the agent stopped\.\n\nDetails: SQLite reported SQLITE_FULL \(the disk or the database size limit is full\)\. The write was rolled back/) },
    });
    const sent = (await agentNonce()) - nonce;

    // The file opens; every decision in it is whole, none half-written; the run is marked failed.
    const check = openJournal({ path: diskFullPath, clock: systemClock });
    try {
      const stored = check.decisions.list({ runId: agent.runId });
      // Every transaction sent after the disk filled belongs to a decision on record (a trade) or a batch commit.
      const tradesAfter = stored.filter((d) => d.seq >= recorded && d.status === 'trade').length;
      expect(sent).toBe(tradesAfter + summary.batches - batchesBefore);
      expect(stored.map((d) => d.seq)).toEqual(stored.map((_, i) => i));
      expect(stored.length).toBeGreaterThanOrEqual(recorded);
      expect(check.decisions.pending(agent.runId)).toEqual([]);
      expect(check.runs.get(agent.runId)).toMatchObject({ status: 'failed' });
      expect(check.db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      check.close();
    }
  }, 120_000);

  it('a stale oracle → the risk gate denies with OracleStale and nothing is sent; the agent keeps running and trades again on fresh rounds', async () => {
    // Two days pass with no oracle round. An agent started now (its chain-time clock at the head) sees
    // the last rounds, and the next ones the driver replays, as two days old.
    await client.request({ method: 'evm_increaseTime' as 'eth_chainId', params: [2 * 86_400] as never });
    await client.request({ method: 'evm_mine' as 'eth_chainId' });
    const { agent, decisions } = await start();
    try {
      const nonce = await agentNonce();
      await drive(agent, 2);
      expect(proposedTrades(decisions).length).toBeGreaterThan(0);
      for (const d of proposedTrades(decisions)) {
        expect(d.completion.outcome).toBe('denied');
        expect(d.content.verdict).toMatchObject({ allowed: false, reason: 'OracleStale' });
      }
      expect(await agentNonce()).toBe(nonce);

      // Fresh rounds on both feeds: trading resumes by itself.
      await client.request({ method: 'evm_increaseTime' as 'eth_chainId', params: [120] as never });
      await client.request({ method: 'evm_mine' as 'eth_chainId' });
      const now = (await client.getBlock({ blockTag: 'latest' })).timestamp;
      const { walletClient: market } = as('market');
      for (const feed of [manifest.feeds['USDC/USD'].address, manifest.feeds['ETH/USD'].address]) {
        const [roundId, answer] = await client.readContract({ address: feed, abi: devAggregatorAbi, functionName: 'latestRoundData' });
        const hash = await market.writeContract({ address: feed, abi: devAggregatorAbi, functionName: 'setRound', args: [roundId + 1n, answer, now, now, roundId + 1n] });
        await client.waitForTransactionReceipt({ hash });
      }
      const from = decisions.length;
      await agent.catchUp(await client.getBlockNumber({ cacheTime: 0 }));
      expect(outcomes(decisions.slice(from))).toEqual(['trade']);
    } catch (error) {
      await stopAgent(agent);
      throw error;
    }
    expect(await stopAgent(agent)).toMatchObject({ status: 'completed', trades: 1, failed: 0 });
  }, 120_000);
});

async function until(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let waited = 0; waited < 60_000; waited += 10) {
    if (await condition()) return;
    await new Promise((resolveWait) => setTimeout(resolveWait, 10));
  }
  throw new Error(`Timed out waiting until ${what}`);
}
