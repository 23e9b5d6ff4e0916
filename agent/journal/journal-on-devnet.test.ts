/**
 * The journal against a real chain end to end: the devnet (real Uniswap v3, feeds) and a real MandateVault.
 * A trade executes while its decision is still pending (the process "died" after sending), a second
 * intent is never sent, holds are batched through commitDecisions; then restart reconciliation and
 * verifyJournal run on what the vault actually emitted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWalletClient, http, zeroAddress, type Abi, type PublicClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilInstance } from '../chain/anvil.js';
import { mandateVaultAbi, mandateVaultBytecode } from '../chain/generated/MandateVault.js';
import { deployDevnet } from '../devnet/deploy-devnet.js';
import { createDevnetClients } from '../devnet/devnet-clients.js';
import type { DevnetManifest } from '../devnet/devnet-manifest.js';
import { defaultReplayCsvPath, loadReplayRounds } from '../devnet/replay-rounds.js';
import { devTokenAbi } from '../chain/generated/index.js';
import { createVirtualClock } from '../model/clock.js';
import type { DecisionContent, TradeIntent } from '../model/decision.js';
import { toAddress, type Address } from '../model/address.js';
import { decisionIdFor, strategyIdFor } from '../model/decision-hash.js';
import { holdDecision, tradeDecision } from '../../test/support/journal-fixtures.js';
import { createBatchCommitter, proofFor } from './merkle-batches.js';
import { openJournal, type Journal } from './open-journal.js';
import { notExecutedReason, reconcilePending } from './reconcile-pending.js';
import {
  createVaultCommit,
  fillFromExecutedTrade,
  historyLookups,
  readVaultDecisionHistory,
  verifyJournalAgainstVault,
} from './vault-journal-chain.js';
import { verifyJournal } from './verify-journal.js';

// Typed ABI and bytecode generated from contracts/src by `npm run contracts:build` (runs on install).
const artifact = { abi: mandateVaultAbi as Abi, bytecode: { object: mandateVaultBytecode } };

let anvil: AnvilInstance;
let manifest: DevnetManifest;
let client: PublicClient;
let vault: Address;
let dir: string;
let journal: Journal;
const clock = createVirtualClock(1_700_000_000_000);

beforeAll(async () => {
  const firstRound = (await loadReplayRounds(defaultReplayCsvPath)).rounds[0]!;
  anvil = await startAnvil({ timestamp: firstRound.updatedAt - 60n });
  manifest = await deployDevnet({ rpcUrl: anvil.rpcUrl, firstRound, replaySource: defaultReplayCsvPath });
  const { chain, publicClient } = createDevnetClients(anvil.rpcUrl, manifest.chainId);
  client = publicClient;
  const deployer = createWalletClient({ chain, transport: http(anvil.rpcUrl), account: privateKeyToAccount(manifest.accounts.deployer.privateKey) });
  const { USDC, WETH } = manifest.tokens;
  const deployHash = await deployer.deployContract({
    abi: artifact.abi,
    bytecode: artifact.bytecode.object,
    args: [
      {
        router: manifest.uniswap.swapRouter,
        owner: manifest.accounts.owner.address,
        guardian: manifest.accounts.guardian.address,
        agent: manifest.accounts.agent.address,
        timelockDelay: 3600n,
        policy: { perTradeCapUsd: 10n ** 22n, allowanceCapUsd: 10n ** 23n, refillAmountUsd: 10n ** 22n, refillInterval: 3600, maxSlippageBps: 100, cooldown: 0 },
        tokens: [
          { token: USDC.address, feed: manifest.feeds['USDC/USD'].address, maxOracleAge: 86_400 },
          { token: WETH.address, feed: manifest.feeds['ETH/USD'].address, maxOracleAge: 86_400 },
        ],
        pools: [{ tokenA: USDC.address, tokenB: WETH.address, fee: 500 }],
        sequencerUptimeFeed: zeroAddress,
        sequencerGracePeriod: 0,
      },
    ],
  });
  vault = toAddress((await client.waitForTransactionReceipt({ hash: deployHash })).contractAddress!);
  const mintHash = await deployer.writeContract({ address: USDC.address, abi: devTokenAbi, functionName: 'mint', args: [vault, 100_000n * 10n ** 6n] });
  await client.waitForTransactionReceipt({ hash: mintHash });

  dir = mkdtempSync(join(tmpdir(), 'mandate-journal-devnet-'));
  journal = openJournal({ path: join(dir, 'journal.sqlite'), clock });
  journal.runs.start({ id: 'run-1', configDigest: '0x01', mode: 'live', chainId: manifest.chainId, vault });
});

afterAll(async () => {
  journal?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await anvil?.stop();
});

/** A trade decision on the devnet's real tokens, with a deadline relative to chain time. */
async function devnetTrade(seq: number, deadlineIn: bigint): Promise<DecisionContent> {
  const base = tradeDecision('run-1', seq);
  const now = (await client.getBlock()).timestamp;
  const intent: TradeIntent = {
    ...base.intent!,
    decisionId: decisionIdFor('run-1', seq),
    strategyId: strategyIdFor('trend'),
    tokenIn: manifest.tokens.USDC.address,
    tokenOut: manifest.tokens.WETH.address,
    amountIn: 1_000n * 10n ** 6n,
    minAmountOut: 0n,
    deadline: now + deadlineIn,
  };
  return { ...base, proposal: { ...base.proposal, tokenIn: intent.tokenIn, tokenOut: intent.tokenOut, minAmountOut: 0n } as DecisionContent['proposal'], intent };
}

describe('the journal on the devnet with a real vault', () => {
  it('reconciles a crash after send and a never-sent intent, commits the rest, and verifies everything on-chain', async () => {
    const sent = await devnetTrade(0, 300n);
    const neverSent = await devnetTrade(1, 30n);
    journal.decisions.recordMany([sent, neverSent, holdDecision('run-1', 2), holdDecision('run-1', 3)]);
    journal.decisions.complete(decisionIdFor('run-1', 2), { outcome: 'hold' });
    // The agent sends the first trade, then dies before journaling the result.
    const agent = createWalletClient({ chain: client.chain!, transport: http(anvil.rpcUrl), account: privateKeyToAccount(manifest.accounts.agent.privateKey) });
    const tradeHash = await agent.writeContract({ address: vault, abi: artifact.abi, functionName: 'executeTrade', args: [sent.intent!] });
    expect((await client.waitForTransactionReceipt({ hash: tradeHash })).status).toBe('success');
    // Time passes beyond the second intent's deadline while the agent is down.
    await client.request({ method: 'evm_increaseTime' as 'eth_chainId', params: [60] as never });
    await client.request({ method: 'evm_mine' as 'eth_chainId', params: [] as never });

    // Restart: reconcile from what the vault emitted since its deploy.
    const history = await readVaultDecisionHistory({ client, vault, fromBlock: BigInt(manifest.startBlock), blockRange: 5n });
    const reconciled = await reconcilePending({
      journal,
      findExecutedTrade: async (id) => {
        const trade = history.trades.get(id);
        return trade && fillFromExecutedTrade(client, trade);
      },
      chainTime: async () => (await client.getBlock()).timestamp,
    });
    expect(reconciled.completed.map((c) => [c.id, c.completion.outcome])).toEqual([
      [sent.id, 'trade'],
      [neverSent.id, 'failed'],
      [decisionIdFor('run-1', 3), 'hold'],
    ]);
    expect(journal.decisions.get(sent.id)!.fill).toMatchObject({ txHash: tradeHash, amountIn: 1_000n * 10n ** 6n });
    expect(journal.decisions.get(sent.id)!.fill!.amountOut).toBeGreaterThan(0n);
    expect(journal.decisions.get(neverSent.id)!.reason).toMatch(new RegExp(`^${notExecutedReason}`));

    // The non-trades go on-chain in one batch through the real commitDecisions.
    const agentWallet = createWalletClient({ chain: client.chain!, transport: http(anvil.rpcUrl), account: privateKeyToAccount(manifest.accounts.agent.privateKey) });
    const committer = createBatchCommitter({ journal, vault, clock, policy: { maxDecisions: 100, maxAgeSeconds: 600 }, commit: createVaultCommit({ client, wallet: agentWallet, vault }) });
    const [batch] = await committer.flush();
    expect(batch).toMatchObject({ count: 3, onchainIndex: 1, status: 'committed' });
    const proof = proofFor(journal, neverSent.id);
    expect(await client.readContract({ address: vault, abi: mandateVaultAbi, functionName: 'verifyDecision', args: [1n, neverSent.id, proof.decisionHash, proof.proof] })).toBe(true);

    const report = await verifyJournalAgainstVault({ journal, client, vault, fromBlock: BigInt(manifest.startBlock) });
    expect(report).toMatchObject({ decisions: 4, verified: 4, mismatched: 0, uncommitted: 0, unchecked: 0 });

    // An edited fill no longer matches the vault's TradeExecuted.
    const row = journal.db.prepare<[string], { fill_json: string }>('SELECT fill_json FROM decisions WHERE id = ?').get(sent.id)!;
    const amountOut = journal.decisions.get(sent.id)!.fill!.amountOut;
    journal.db.prepare('UPDATE decisions SET fill_json = ? WHERE id = ?').run(row.fill_json.replace(`"amountOut":"${amountOut}"`, `"amountOut":"${amountOut * 2n}"`), sent.id);
    const after = historyLookups(await readVaultDecisionHistory({ client, vault, fromBlock: BigInt(manifest.startBlock) }));
    const tampered = await verifyJournal({ journal, ...after });
    expect(tampered).toMatchObject({ verified: 3, mismatched: 1 });
    expect(tampered.details.find((d) => d.id === sent.id)!.problems).toEqual([expect.stringMatching(/^fill amountOut/)]);
  });
});
