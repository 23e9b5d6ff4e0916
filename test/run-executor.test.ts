/**
 * The vault executor on a real anvil with the real devnet and MandateVault: a filled trade decodes into its
 * Fill; a trade the vault would refuse fails with the decoded reason and sends nothing; a retried decision id
 * never trades twice (its earlier fill comes back); a trade that reverts on-chain after its simulation passed
 * is a failure with its tx hash and reason; the nonce counter recovers when another process used the key.
 */
import { createWalletClient, http, type PublicClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilInstance } from '../agent/chain/anvil.js';
import { deployDevnet } from '../agent/devnet/deploy-devnet.js';
import { createDevnetClients } from '../agent/devnet/devnet-clients.js';
import { defaultDevnetExtensions } from '../agent/devnet/devnet-extensions.js';
import type { DevnetManifest } from '../agent/devnet/devnet-manifest.js';
import { defaultReplayCsvPath, loadReplayRounds } from '../agent/devnet/replay-rounds.js';
import { createTransactionSender, type TransactionSender } from '../agent/venues/live/transaction-sender.js';
import { createVaultExecutor, type VaultExecutor } from '../agent/venues/live/vault-executor.js';
import { decisionIdFor, strategyIdFor } from '../agent/model/decision-hash.js';
import type { TradeIntent } from '../agent/model/decision.js';

let anvil: AnvilInstance;
let manifest: DevnetManifest;
let client: PublicClient;
let sender: TransactionSender;
let executor: VaultExecutor;
let seq = 0;

beforeAll(async () => {
  const firstRound = (await loadReplayRounds(defaultReplayCsvPath)).rounds[0]!;
  anvil = await startAnvil({ timestamp: firstRound.updatedAt - 60n });
  manifest = await deployDevnet({ rpcUrl: anvil.rpcUrl, firstRound, replaySource: defaultReplayCsvPath, extensions: defaultDevnetExtensions });
  const { chain, publicClient } = createDevnetClients(anvil.rpcUrl, manifest.chainId);
  client = publicClient;
  sender = createTransactionSender({ client, account: privateKeyToAccount(manifest.accounts.agent.privateKey), chain, pollingIntervalMs: 20 });
  executor = createVaultExecutor({
    client,
    sender,
    vault: manifest.contracts.MandateVault!,
    tokens: [manifest.tokens.USDC.address, manifest.tokens.WETH.address],
    fromBlock: BigInt(manifest.startBlock),
  });
}, 120_000);

afterAll(async () => {
  await anvil?.stop();
});

/** A USDC → WETH intent through the 0.05 % pool, with a fresh decision id, valid for 10 minutes of chain time. */
async function buyWeth(usdc: bigint): Promise<TradeIntent> {
  const now = (await client.getBlock()).timestamp;
  return {
    decisionId: decisionIdFor('executor-test', seq++),
    strategyId: strategyIdFor('executor-test'),
    reasoningHash: `0x${'ab'.repeat(32)}`,
    tokenIn: manifest.tokens.USDC.address,
    tokenOut: manifest.tokens.WETH.address,
    fee: 500,
    amountIn: usdc * 10n ** 6n,
    minAmountOut: 0n,
    deadline: now + 600n,
  };
}

/** Moves chain time past the vault's 5-minute cooldown. */
async function afterCooldown(): Promise<void> {
  await client.request({ method: 'evm_increaseTime' as 'eth_chainId', params: [301] as never });
  await client.request({ method: 'evm_mine' as 'eth_chainId' });
}

describe('the vault executor', () => {
  it('fills a trade and decodes TradeExecuted into the Fill', async () => {
    const before = await executor.balances();
    const intent = await buyWeth(1000n);
    const result = await executor.execute(intent);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.fill.amountIn).toBe(1000n * 10n ** 6n);
    expect(result.fill.amountOut).toBeGreaterThan(0n);
    expect(result.fill.amountOut).toBeGreaterThanOrEqual(result.fill.minAmountOutUsed);
    expect(result.fill.valueUsd).toBeGreaterThan(999n * 10n ** 18n);
    expect(result.fill.gasUsed).toBeGreaterThan(0n);
    const after = await executor.balances();
    expect(before.get(manifest.tokens.USDC.address)! - after.get(manifest.tokens.USDC.address)!).toBe(intent.amountIn);
    expect(after.get(manifest.tokens.WETH.address)! - before.get(manifest.tokens.WETH.address)!).toBe(result.fill.amountOut);

    // The same decision again (a retry after a crash): no second trade, the first fill comes back.
    await afterCooldown();
    const retried = await executor.execute(intent);
    expect(retried).toEqual(result);
    expect(await executor.balances()).toEqual(after);
  });

  it('turns a trade the vault would refuse into a failure with the decoded reason, and sends nothing', async () => {
    await afterCooldown();
    const nonce = await client.getTransactionCount({ address: sender.address });
    const result = await executor.execute(await buyWeth(6000n)); // the per-trade cap is $5,000
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toMatch(/^TradeValueExceedsCap: Trade value \$6,00\d\.\d\d exceeds the per-trade cap \$5,000\.00\.$/);
    expect(result.txHash).toBeUndefined();
    expect(await client.getTransactionCount({ address: sender.address })).toBe(nonce);
  });

  it('reports a trade that reverts on-chain after passing its simulation, with its tx hash and reason', async () => {
    await afterCooldown();
    // Both trades simulate fine against the same state; mined together, the second meets the cooldown the
    // first started. The local nonce counter sends them back to back without waiting for a receipt.
    await client.request({ method: 'evm_setAutomine' as 'eth_chainId', params: [false] as never });
    try {
      const first = executor.execute(await buyWeth(100n));
      const second = executor.execute(await buyWeth(100n));
      await waitForPending(2);
      await client.request({ method: 'evm_mine' as 'eth_chainId' });
      // Both run concurrently, so whichever finishes its simulation first gets the lower nonce and fills.
      const results = await Promise.all([first, second]);
      const filled = results.filter((r) => r.ok);
      const b = results.find((r) => !r.ok);
      expect(filled).toHaveLength(1);
      expect(b).toMatchObject({ ok: false });
      if (!b || b.ok) return;
      expect(b.reason).toMatch(/^CooldownActive: /);
      expect(b.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    } finally {
      await client.request({ method: 'evm_setAutomine' as 'eth_chainId', params: [true] as never });
    }
  });

  it('resyncs its nonce when another process sent from the agent key', async () => {
    await afterCooldown();
    const { chain } = createDevnetClients(anvil.rpcUrl, manifest.chainId);
    const other = createWalletClient({ chain, transport: http(anvil.rpcUrl), account: privateKeyToAccount(manifest.accounts.agent.privateKey) });
    const hash = await other.sendTransaction({ to: manifest.accounts.agent.address, value: 0n });
    await client.waitForTransactionReceipt({ hash });
    const result = await executor.execute(await buyWeth(100n));
    expect(result.ok).toBe(true);
  });
});

/** Waits until the node holds `count` pending transactions (sends are asynchronous). */
async function waitForPending(count: number): Promise<void> {
  for (;;) {
    const pending = await client.getTransactionCount({ address: sender.address, blockTag: 'pending' });
    const latest = await client.getTransactionCount({ address: sender.address, blockTag: 'latest' });
    if (pending - latest >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
