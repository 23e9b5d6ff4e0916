/**
 * The vault's TypeScript side against the real devnet: anvil, real Uniswap v3 from the npm artifacts, the
 * devnet's MandateVault deployed and funded by its devnet extension. The agent trades through the real
 * SwapRouter via the vault; every policy violation is simulated and decoded into its custom error; a
 * sandwich-style price move makes the trade revert by the oracle floor; decision batches built with the
 * journal's Merkle code verify on-chain; loosening waits for the timelock and the guardian cannot loosen.
 *
 * Each test starts from the same chain state (an anvil snapshot taken after the deploy) with both feeds
 * refreshed at the current chain time, so tests are independent of their order and of wall-clock time.
 */
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import {
  type Account,
  type Chain,
  type PublicClient,
  type Transport,
  type WalletClient,
  createWalletClient,
  http,
  keccak256,
  maxUint256,
  stringToHex,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { type AnvilInstance, startAnvil } from '../agent/chain/anvil.js';
import type { DevnetRole } from '../agent/chain/dev-accounts.js';
import { deployDevnet } from '../agent/devnet/deploy-devnet.js';
import { createDevnetClients } from '../agent/devnet/devnet-clients.js';
import type { DevnetManifest } from '../agent/devnet/devnet-manifest.js';
import { defaultReplayCsvPath, loadReplayRounds } from '../agent/devnet/replay-rounds.js';
import { devAggregatorAbi, devTokenAbi, erc20Abi, mandateVaultAbi, quoterV2Abi, swapRouterAbi } from '../agent/chain/generated/index.js';
import { VaultOutOfGasError, VaultRevertError, applyChange, cancelChange, commitDecisions, deployVault, executeTrade, pause, queueChange, readAllowance, readPendingChanges, readPolicy, readTokenConfig, removeToken, revokeAgent, setAgent, tightenPolicy, unpause, type VaultEvent, type VaultEventArgs, getVaultEvents, vaultEventsOf, verifyDecision, watchVaultEvents, withdraw } from '../agent/chain/vault/index.js';
import { devnetVaultSetup, vaultDevnetExtension } from '../agent/devnet/devnet-vault.js';
import { buildBatch } from '../agent/journal/merkle-batches.js';
import { decisionHash, decisionIdFor, strategyIdFor } from '../agent/model/decision-hash.js';
import { holdDecision } from './support/journal-fixtures.js';
import type { TradeIntent } from '../agent/model/decision.js';
import { sortsBefore, type Address, type Hex } from '../agent/model/address.js';

const USD = 10n ** 18n;
const USDC_UNIT = 10n ** 6n;

let anvil: AnvilInstance;
let manifest: DevnetManifest;
let publicClient: PublicClient;
let chain: Chain;
let vault: Address;
let usdc: Address;
let weth: Address;
let baseSnapshot: Hex;
let seq = 0;
const wallets = new Map<DevnetRole, WalletClient<Transport, Chain, Account>>();

const rpc = (method: string, params: unknown[] = []) => publicClient.request({ method: method as 'eth_chainId', params: params as never });
const walletOf = (role: DevnetRole) => wallets.get(role)!;
const as = (role: DevnetRole) => ({ publicClient, walletClient: walletOf(role), vault });
const balanceOf = (token: Address, owner: Address) => publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [owner] });
const latestTime = async () => (await publicClient.getBlock({ blockTag: 'latest' })).timestamp;

/** Mines an empty block `seconds` after the latest one. */
async function warp(seconds: bigint): Promise<bigint> {
  const to = (await latestTime()) + seconds;
  await rpc('evm_setNextBlockTimestamp', [`0x${to.toString(16)}`]);
  await rpc('evm_mine');
  return to;
}

async function send(role: DevnetRole, request: Parameters<WalletClient<Transport, Chain, Account>['writeContract']>[0]) {
  const hash = await walletOf(role).writeContract(request);
  const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  expect(receipt.status).toBe('success');
  return receipt;
}

/** A new round on a feed, updated at the latest block time (so the oracle is fresh whatever time it is). */
async function setFeed(feed: Address, answer: bigint, updatedAt?: bigint) {
  const [roundId] = await publicClient.readContract({ address: feed, abi: devAggregatorAbi, functionName: 'latestRoundData' });
  const at = updatedAt ?? (await latestTime());
  await send('deployer', { address: feed, abi: devAggregatorAbi, functionName: 'setRound', args: [roundId + 1n, answer, at, at, roundId + 1n] });
}

const ethUsdAnswer = () => BigInt(manifest.replay.firstAnswer);

/** A fresh intent: a new decision id each call, selling `amountIn` USDC for WETH through the 0.05 % pool. */
async function intent(overrides: Partial<TradeIntent> = {}): Promise<TradeIntent> {
  seq += 1;
  return {
    decisionId: decisionIdFor('vault-integration', seq),
    strategyId: strategyIdFor('test'),
    reasoningHash: keccak256(stringToHex(`reasoning ${seq}`)),
    tokenIn: usdc,
    tokenOut: weth,
    fee: 500,
    amountIn: 1_000n * USDC_UNIT,
    minAmountOut: 0n,
    deadline: (await latestTime()) + 600n,
    ...overrides,
  };
}

/** Runs executeTrade and returns the VaultRevertError it must throw. */
async function revertOf(promise: Promise<unknown>): Promise<VaultRevertError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VaultRevertError);
  return error as VaultRevertError;
}

beforeAll(async () => {
  const { rounds } = await loadReplayRounds(defaultReplayCsvPath);
  const firstRound = rounds[0]!;
  anvil = await startAnvil({ timestamp: firstRound.updatedAt - 60n });
  manifest = await deployDevnet({ rpcUrl: anvil.rpcUrl, firstRound, replaySource: defaultReplayCsvPath, extensions: [vaultDevnetExtension] });
  ({ publicClient, chain } = createDevnetClients(anvil.rpcUrl, manifest.chainId));
  for (const account of Object.values(manifest.accounts)) {
    wallets.set(account.role, createWalletClient({ account: privateKeyToAccount(account.privateKey), chain, transport: http(anvil.rpcUrl) }));
  }
  vault = manifest.contracts.MandateVault!;
  usdc = manifest.tokens.USDC.address;
  weth = manifest.tokens.WETH.address;
  baseSnapshot = (await rpc('evm_snapshot')) as Hex;
});

afterAll(async () => {
  await anvil?.stop();
});

beforeEach(async () => {
  // A snapshot is used up by its revert: take it again for the next test.
  await rpc('evm_revert', [baseSnapshot]);
  baseSnapshot = (await rpc('evm_snapshot')) as Hex;
  await setFeed(manifest.feeds['USDC/USD'].address, 100_000_000n);
  await setFeed(manifest.feeds['ETH/USD'].address, ethUsdAnswer());
});

describe('the devnet vault', () => {
  it('is deployed with the devnet roles, the config policy, USDC/WETH with their feeds, both pools, and funds', async () => {
    const setup = devnetVaultSetup(manifest);
    expect(await readPolicy({ publicClient, vault })).toEqual(setup.policy);
    const read = (functionName: 'owner' | 'guardian' | 'agent' | 'router') => publicClient.readContract({ address: vault, abi: mandateVaultAbi, functionName });
    expect(await read('owner')).toBe(manifest.accounts.owner.address);
    expect(await read('guardian')).toBe(manifest.accounts.guardian.address);
    expect(await read('agent')).toBe(manifest.accounts.agent.address);
    expect(await read('router')).toBe(manifest.uniswap.swapRouter);
    expect(await readTokenConfig({ publicClient, vault }, usdc)).toEqual({ feed: manifest.feeds['USDC/USD'].address, maxOracleAge: 4_500, decimals: 6, allowed: true });
    expect(await readTokenConfig({ publicClient, vault }, weth)).toEqual({ feed: manifest.feeds['ETH/USD'].address, maxOracleAge: 4_500, decimals: 18, allowed: true });
    for (const fee of [500, 3000]) {
      expect(await publicClient.readContract({ address: vault, abi: mandateVaultAbi, functionName: 'poolAllowed', args: [weth, usdc, fee] })).toBe(true);
    }
    expect(await balanceOf(usdc, vault)).toBe(50_000n * USDC_UNIT);
    expect(await balanceOf(weth, vault)).toBe((50_000n * 10n ** 18n * 10n ** 8n) / ethUsdAnswer());
    const allowance = await readAllowance({ publicClient, vault });
    expect(allowance.accruedUsd).toBe(setup.policy.allowanceCapUsd);
    expect(allowance.lastTradeAt).toBe(0n);
  });
});

describe('trading through the vault', () => {
  it('trades USDC→WETH and back through the real SwapRouter; balances move exactly as TradeExecuted says', async () => {
    const usdcBefore = await balanceOf(usdc, vault);
    const wethBefore = await balanceOf(weth, vault);
    const buy = await intent({ amountIn: 2_000n * USDC_UNIT, fee: 500 });
    const { fill, event } = await executeTrade({ ...as('agent'), intent: buy });
    expect(event).toMatchObject({ decisionId: buy.decisionId, strategyId: buy.strategyId, reasoningHash: buy.reasoningHash, tokenIn: usdc, tokenOut: weth, fee: 500 });
    expect(fill.amountIn).toBe(buy.amountIn);
    expect(fill.valueUsd).toBe(2_000n * USD); // USDC/USD is exactly 1.00000000
    expect(fill.amountOut).toBeGreaterThanOrEqual(fill.minAmountOutUsed);
    expect(await balanceOf(usdc, vault)).toBe(usdcBefore - fill.amountIn);
    expect(await balanceOf(weth, vault)).toBe(wethBefore + fill.amountOut);
    expect(await publicClient.readContract({ address: usdc, abi: erc20Abi, functionName: 'allowance', args: [vault, manifest.uniswap.swapRouter] })).toBe(0n);
    const afterBuy = await readAllowance({ publicClient, vault });
    expect(afterBuy.accruedUsd).toBe(devnetVaultSetup(manifest).policy.allowanceCapUsd - fill.valueUsd);

    await warp(300n); // the cooldown
    await setFeed(manifest.feeds['USDC/USD'].address, 100_000_000n);
    await setFeed(manifest.feeds['ETH/USD'].address, ethUsdAnswer());
    const sell = await intent({ tokenIn: weth, tokenOut: usdc, fee: 3000, amountIn: fill.amountOut });
    const back = await executeTrade({ ...as('agent'), intent: sell });
    expect(back.event).toMatchObject({ tokenIn: weth, tokenOut: usdc, fee: 3000, amountIn: fill.amountOut });
    expect(await balanceOf(weth, vault)).toBe(wethBefore);
    expect(await balanceOf(usdc, vault)).toBe(usdcBefore - fill.amountIn + back.fill.amountOut);
    // Two pool fees (0.05 % + 0.3 %) and no price move: a little less than what went in, above the 1 % floors.
    expect(back.fill.amountOut).toBeLessThan(buy.amountIn);
    expect(back.fill.amountOut).toBeGreaterThan((buy.amountIn * 98n) / 100n);
    expect(back.fill.gasUsed).toBe(back.receipt.gasUsed);
  });
});

describe('sending', () => {
  it('applies the gas headroom and fee caps it is given', async () => {
    const transaction = { gasLimitMultiplier: 1.5, maxFeePerGas: 30_000_000_000n, maxPriorityFeePerGas: 2_000_000_000n };
    const { hash, receipt } = await executeTrade({ ...as('agent'), transaction, intent: await intent() });
    const sent = await publicClient.getTransaction({ hash });
    expect(sent.maxFeePerGas).toBe(transaction.maxFeePerGas);
    expect(sent.maxPriorityFeePerGas).toBe(transaction.maxPriorityFeePerGas);
    // The limit is the estimate × 1.5, so well above what the trade used.
    expect(sent.gas).toBeGreaterThan((receipt.gasUsed * 14n) / 10n);
  });

  it('names an on-chain out-of-gas as such', async () => {
    const error = await executeTrade({ ...as('agent'), transaction: { gasLimitMultiplier: 0.8 }, intent: await intent() }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(VaultOutOfGasError);
    expect((error as VaultOutOfGasError).shortMessage).toBe('executeTrade ran out of gas on-chain.');
  });
});

describe('each policy violation reverts with its decoded error', () => {
  it('per-trade cap', async () => {
    const error = await revertOf(executeTrade({ ...as('agent'), intent: await intent({ amountIn: 6_012_330_000n }) }));
    expect(error.errorName).toBe('TradeValueExceedsCap');
    expect(error.args).toEqual([6_012_330_000_000_000_000_000n, 5_000n * USD]);
    expect(error.shortMessage).toBe('Trade value $6,012.33 exceeds the per-trade cap $5,000.00.');
  });

  it('allowance', async () => {
    const policy = await readPolicy({ publicClient, vault });
    await tightenPolicy(as('guardian'), { ...policy, allowanceCapUsd: 1_500n * USD });
    const error = await revertOf(executeTrade({ ...as('agent'), intent: await intent({ amountIn: 2_000n * USDC_UNIT }) }));
    expect(error.errorName).toBe('TradeValueExceedsAllowance');
    expect(error.args).toEqual([2_000n * USD, 1_500n * USD]);
    expect(error.shortMessage).toBe('Trade value $2,000.00 exceeds the available allowance $1,500.00.');
  });

  it('cooldown', async () => {
    const { receipt } = await executeTrade({ ...as('agent'), intent: await intent() });
    const { timestamp } = await publicClient.getBlock({ blockNumber: receipt.blockNumber });
    const error = await revertOf(executeTrade({ ...as('agent'), intent: await intent() }));
    expect(error.errorName).toBe('CooldownActive');
    expect(error.args).toEqual([timestamp, timestamp + 300n]);
    expect(error.shortMessage).toMatch(/^The cooldown is active: the last trade was at .*Z, the next is allowed from .*Z\.$/);
  });

  it('slippage floor: with 0 bps allowed, no pool that charges a fee can meet the oracle price', async () => {
    const policy = await readPolicy({ publicClient, vault });
    await tightenPolicy(as('guardian'), { ...policy, maxSlippageBps: 0 });
    const error = await revertOf(executeTrade({ ...as('agent'), intent: await intent() }));
    expect(error.errorName).toBe('Error');
    expect(error.args).toEqual(['Too little received']);
    expect(error.shortMessage).toMatch(/minimum output the vault enforced/);
  });

  it('paused, then unpaused by the owner only', async () => {
    await pause(as('guardian'));
    const error = await revertOf(executeTrade({ ...as('agent'), intent: await intent() }));
    expect(error.errorName).toBe('VaultPaused');
    expect((await revertOf(unpause(as('guardian')))).errorName).toBe('NotOwner');
    await unpause(as('owner'));
    await executeTrade({ ...as('agent'), intent: await intent() });
  });

  it('not the agent, and a revoked agent', async () => {
    const trader = manifest.accounts.trader.address;
    const error = await revertOf(executeTrade({ ...as('trader'), intent: await intent() }));
    expect(error.errorName).toBe('NotAgent');
    expect(error.args).toEqual([trader]);
    expect(error.shortMessage).toBe(`Only the vault's agent may call this; ${trader} is not the agent.`);

    await revokeAgent(as('guardian'));
    expect((await revertOf(executeTrade({ ...as('agent'), intent: await intent() }))).args).toEqual([manifest.accounts.agent.address]);
    expect((await revertOf(setAgent(as('guardian'), manifest.accounts.agent.address))).errorName).toBe('NotOwner');
    await setAgent(as('owner'), manifest.accounts.agent.address);
    await executeTrade({ ...as('agent'), intent: await intent() });
  });

  it('stale oracle', async () => {
    const feed = manifest.feeds['USDC/USD'].address;
    const [, , , updatedAt] = await publicClient.readContract({ address: feed, abi: devAggregatorAbi, functionName: 'latestRoundData' });
    const now = await warp(4_501n);
    const error = await revertOf(executeTrade({ ...as('agent'), intent: await intent() }));
    expect(error.errorName).toBe('OracleStale');
    // The simulation runs in the next block, at least one second later.
    const [errorFeed, errorUpdatedAt, maxAge, timestamp] = error.args as [Address, bigint, number, bigint];
    expect([errorFeed, errorUpdatedAt, maxAge]).toEqual([feed, updatedAt, 4_500]);
    expect(timestamp).toBeGreaterThanOrEqual(now);
    expect(error.shortMessage).toMatch(new RegExp(`^Price feed ${feed} is stale: its answer is 4,50\\d s old .*, at most 4,500 s is accepted\\.$`));
  });

  it('token not allowed, pool not allowed, zero amount', async () => {
    const other = manifest.feeds['ETH/USD'].address;
    const token = await revertOf(executeTrade({ ...as('agent'), intent: await intent({ tokenOut: other }) }));
    expect([token.errorName, token.args]).toEqual(['TokenNotAllowed', [other]]);
    await removeToken(as('guardian'), weth);
    const removed = await revertOf(executeTrade({ ...as('agent'), intent: await intent() }));
    expect([removed.errorName, removed.args]).toEqual(['TokenNotAllowed', [weth]]);

    await rpc('evm_revert', [baseSnapshot]);
    baseSnapshot = (await rpc('evm_snapshot')) as Hex;
    await setFeed(manifest.feeds['USDC/USD'].address, 100_000_000n);
    await setFeed(manifest.feeds['ETH/USD'].address, ethUsdAnswer());
    const pool = await revertOf(executeTrade({ ...as('agent'), intent: await intent({ fee: 10_000 }) }));
    expect([pool.errorName, pool.args]).toEqual(['PoolNotAllowed', [usdc, weth, 10_000]]);
    expect(pool.shortMessage).toBe(`The pool ${usdc} → ${weth} at fee 1% is not on the vault's allow-list.`);
    const zero = await revertOf(executeTrade({ ...as('agent'), intent: await intent({ amountIn: 0n }) }));
    expect(zero.errorName).toBe('ZeroAmountIn');
  });

  it('reused decision id', async () => {
    const first = await intent();
    await executeTrade({ ...as('agent'), intent: first });
    await warp(300n);
    const error = await revertOf(executeTrade({ ...as('agent'), intent: { ...first, deadline: (await latestTime()) + 600n } }));
    expect([error.errorName, error.args]).toEqual(['DecisionAlreadyExecuted', [first.decisionId]]);
  });

  it('deadline', async () => {
    const deadline = (await latestTime()) - 1n;
    const error = await revertOf(executeTrade({ ...as('agent'), intent: await intent({ deadline }) }));
    expect(error.errorName).toBe('DeadlineExpired');
    expect(error.args[0]).toBe(deadline);
    expect(error.shortMessage).toMatch(/^The intent's deadline .*Z passed before the block time .*Z\.$/);
  });

  it('withdraw is owner only and pays the owner', async () => {
    expect((await revertOf(withdraw(as('agent'), { token: usdc, amount: 1n }))).errorName).toBe('NotOwner');
    const owner = manifest.accounts.owner.address;
    const before = await balanceOf(usdc, owner);
    await withdraw(as('owner'), { token: usdc, amount: 1_000n * USDC_UNIT });
    expect(await balanceOf(usdc, owner)).toBe(before + 1_000n * USDC_UNIT);
  });
});

describe('a sandwich before the trade', () => {
  it('makes the trade revert by the oracle floor instead of filling badly', async () => {
    const trader = manifest.accounts.trader.address;
    const trade = await intent({ amountIn: 4_000n * USDC_UNIT, fee: 500 });
    const quoteParams = { tokenIn: usdc, tokenOut: weth, amountIn: trade.amountIn, fee: 500, sqrtPriceLimitX96: 0n };
    const quote = async () =>
      (await publicClient.simulateContract({ address: manifest.uniswap.quoterV2, abi: quoterV2Abi, functionName: 'quoteExactInputSingle', args: [quoteParams] })).result[0];
    const [, , oracleFloor] = await publicClient.readContract({ address: vault, abi: mandateVaultAbi, functionName: 'quoteTrade', args: [usdc, weth, trade.amountIn] });
    expect(await quote()).toBeGreaterThan(oracleFloor);

    // The front-run: a big USDC→WETH swap on the same pool pushes WETH up, right before the agent's trade.
    const push = 8_000_000n * USDC_UNIT;
    await send('trader', { address: usdc, abi: devTokenAbi, functionName: 'mint', args: [trader, push] });
    await send('trader', {
      address: manifest.uniswap.swapRouter,
      abi: swapRouterAbi,
      functionName: 'exactInputSingle',
      args: [{ tokenIn: usdc, tokenOut: weth, fee: 500, recipient: trader, deadline: maxUint256, amountIn: push, amountOutMinimum: 0n, sqrtPriceLimitX96: 0n }],
    });
    const badFill = await quote();
    expect(badFill).toBeLessThan(oracleFloor);

    const wethBefore = await balanceOf(weth, vault);
    const error = await revertOf(executeTrade({ ...as('agent'), intent: trade }));
    expect([error.errorName, error.args]).toEqual(['Error', ['Too little received']]);
    expect(await balanceOf(weth, vault)).toBe(wethBefore);
    expect(await publicClient.readContract({ address: vault, abi: mandateVaultAbi, functionName: 'decisionExecuted', args: [trade.decisionId] })).toBe(false);
    console.log(`sandwich: the pool would have paid ${badFill} wei WETH, the oracle floor is ${oracleFloor} (${Number(((oracleFloor - badFill) * 10_000n) / oracleFloor) / 100} % more)`);
  });
});

describe('decision batches', () => {
  it('commits a batch built with the journal Merkle code; verifyDecision is true for a member, false for a non-member', async () => {
    const decisions = Array.from({ length: 5 }, (_, i) => holdDecision('vault-integration-batch', i + 1)).map((d) => ({ id: d.id, hash: decisionHash(d) }));
    const built = buildBatch(decisions);
    const first = await commitDecisions(as('agent'), { root: built.root, count: built.count });
    expect(first.batch).toBe(1n);
    expect(first.prevRoot).toBe(`0x${'0'.repeat(64)}`);

    const tree = StandardMerkleTree.load(built.tree);
    const member = decisions[2]!;
    const proof = tree.getProof([member.id, member.hash]) as Hex[];
    expect(await verifyDecision({ publicClient, vault, batch: first.batch, decisionId: member.id, decisionHash: member.hash, proof })).toBe(true);
    const outsider = holdDecision('vault-integration-batch', 99);
    expect(await verifyDecision({ publicClient, vault, batch: first.batch, decisionId: outsider.id, decisionHash: decisionHash(outsider), proof })).toBe(false);
    expect(await verifyDecision({ publicClient, vault, batch: first.batch, decisionId: member.id, decisionHash: keccak256(member.hash), proof })).toBe(false);
    expect(await verifyDecision({ publicClient, vault, batch: 2n, decisionId: member.id, decisionHash: member.hash, proof })).toBe(false);

    const second = await commitDecisions(as('agent'), buildBatch([decisions[0]!]));
    expect([second.batch, second.prevRoot]).toEqual([2n, built.root]);
    expect((await revertOf(commitDecisions(as('trader'), { root: built.root, count: 1 }))).errorName).toBe('NotAgent');
    expect((await revertOf(commitDecisions(as('agent'), { root: built.root, count: 0 }))).errorName).toBe('EmptyBatch');
  });
});

describe('policy changes', () => {
  it('a loosening waits for the timelock: apply before eta reverts, after passes', async () => {
    const policy = await readPolicy({ publicClient, vault });
    const looser = { ...policy, perTradeCapUsd: 10_000n * USD };
    const { id } = await queueChange(as('owner'), { kind: 'SetPolicy', policy: looser });
    const [pending] = await readPendingChanges({ publicClient, vault });
    expect(pending).toMatchObject({ id, kind: 'SetPolicy', policy: looser });
    expect(pending!.eta).toBe((await latestTime()) + 86_400n);

    const early = await revertOf(applyChange(as('owner'), id));
    expect(early.errorName).toBe('ChangeNotReady');
    expect(early.args.slice(0, 2)).toEqual([id, pending!.eta]);
    expect(early.shortMessage).toMatch(/^Change 1 is timelocked until .*Z; the block time is .*Z \(.* s to go\)\.$/);

    await warp(pending!.eta - (await latestTime()));
    await applyChange(as('owner'), id);
    expect(await readPolicy({ publicClient, vault })).toEqual(looser);
    expect(await readPendingChanges({ publicClient, vault })).toEqual([]);

    // The new cap is live: a $6,000 trade now passes.
    await setFeed(manifest.feeds['USDC/USD'].address, 100_000_000n);
    await setFeed(manifest.feeds['ETH/USD'].address, ethUsdAnswer());
    const { fill } = await executeTrade({ ...as('agent'), intent: await intent({ amountIn: 6_000n * USDC_UNIT }) });
    expect(fill.valueUsd).toBe(6_000n * USD);
  });

  it('the guardian can tighten and cancel but never loosen', async () => {
    const policy = await readPolicy({ publicClient, vault });
    await tightenPolicy(as('guardian'), { ...policy, perTradeCapUsd: 1_000n * USD });
    expect((await readPolicy({ publicClient, vault })).perTradeCapUsd).toBe(1_000n * USD);

    const loosen = await revertOf(tightenPolicy(as('guardian'), { ...policy, perTradeCapUsd: 2_000n * USD }));
    expect([loosen.errorName, loosen.args]).toEqual(['NotTightening', ['perTradeCapUsd', 1_000n * USD, 2_000n * USD]]);
    expect((await revertOf(queueChange(as('guardian'), { kind: 'SetPolicy', policy }))).errorName).toBe('NotOwner');
    const owner = await queueChange(as('owner'), { kind: 'AllowPool', tokenA: usdc, tokenB: weth, fee: 10_000 });
    expect((await revertOf(applyChange(as('guardian'), owner.id))).errorName).toBe('NotOwner');
    await cancelChange(as('guardian'), owner.id);
    expect(await readPendingChanges({ publicClient, vault })).toEqual([]);

    const feed = manifest.feeds['ETH/USD'].address;
    const token = await queueChange(as('owner'), { kind: 'SetToken', token: weth, feed, maxOracleAge: 7_200 });
    const pool = await queueChange(as('owner'), { kind: 'AllowPool', tokenA: weth, tokenB: usdc, fee: 100 });
    const delay = await queueChange(as('owner'), { kind: 'SetTimelockDelay', delay: 3_600n });
    expect(await readPendingChanges({ publicClient, vault })).toMatchObject([
      { id: token.id, kind: 'SetToken', token: weth, feed, maxOracleAge: 7_200 },
      { id: pool.id, kind: 'AllowPool', tokenA: weth, tokenB: usdc, fee: 100 },
      { id: delay.id, kind: 'SetTimelockDelay', delay: 3_600n },
    ]);
    expect((await revertOf(applyChange(as('owner'), owner.id))).errorName).toBe('ChangeNotPending');
  });
});

describe('deployVault', () => {
  it('deploys a configured vault, and refuses a bad setup in the simulation with the decoded reason', async () => {
    const setup = devnetVaultSetup(manifest);
    const { address } = await deployVault({ publicClient, walletClient: walletOf('owner'), ...setup });
    expect(await readPolicy({ publicClient, vault: address })).toEqual(setup.policy);
    expect(await readTokenConfig({ publicClient, vault: address }, weth)).toMatchObject({ allowed: true, decimals: 18 });

    const nonce = await publicClient.getTransactionCount({ address: manifest.accounts.owner.address });
    const error = await revertOf(deployVault({ publicClient, walletClient: walletOf('owner'), ...setup, policy: { ...setup.policy, refillInterval: 0 } }));
    expect([error.errorName, error.args]).toEqual(['InvalidPolicyField', ['refillInterval', 0n, 1n]]);
    expect(error.functionName).toBe('constructor');
    expect(await publicClient.getTransactionCount({ address: manifest.accounts.owner.address })).toBe(nonce);
  });
});

describe('simulation first', () => {
  it('a trade that passed its simulation but reverts on-chain names the reason and the transaction', async () => {
    const agent = manifest.accounts.agent.address;
    const nonce = await publicClient.getTransactionCount({ address: agent });
    await rpc('evm_setAutomine', [false]);
    try {
      const trade = executeTrade({ ...as('agent'), intent: await intent() }).then(
        () => undefined,
        (e: unknown) => e,
      );
      // Once the trade waits in the pool, the guardian pauses with a higher tip, so the pause is mined first.
      while ((await publicClient.getTransactionCount({ address: agent, blockTag: 'pending' })) === nonce) await new Promise((r) => setTimeout(r, 10));
      await walletOf('guardian').writeContract({
        address: vault,
        abi: mandateVaultAbi,
        functionName: 'pause',
        maxPriorityFeePerGas: 100_000_000_000n,
        maxFeePerGas: 200_000_000_000n,
        gas: 100_000n,
      });
      await rpc('evm_mine');
      const error = await trade;
      expect(error).toBeInstanceOf(VaultRevertError);
      expect((error as VaultRevertError).errorName).toBe('VaultPaused');
      expect((error as VaultRevertError).txHash).toMatch(/^0x[0-9a-f]{64}$/);
      expect((error as VaultRevertError).details).toMatch(/reverted on-chain with VaultPaused\(\)/);
    } finally {
      await rpc('evm_setAutomine', [true]);
    }
  });

  it('spends no gas on a violation: the agent nonce does not move', async () => {
    const agent = manifest.accounts.agent.address;
    const nonce = await publicClient.getTransactionCount({ address: agent });
    await revertOf(executeTrade({ ...as('agent'), intent: await intent({ amountIn: 10_000n * USDC_UNIT }) }));
    expect(await publicClient.getTransactionCount({ address: agent })).toBe(nonce);
  });
});

describe('the vault event reader', () => {
  it('decodes a receipt, a log range and an indexed filter alike, typed from the ABI, addresses normalised', async () => {
    const buy = await intent({ amountIn: 1_000n * USDC_UNIT });
    const { receipt } = await executeTrade({ ...as('agent'), intent: buy });
    const [executed] = vaultEventsOf(receipt, { vault, eventNames: ['TradeExecuted'] });
    expectTypeOf(executed!.args.tokenIn).toEqualTypeOf<Address>();
    expectTypeOf(executed!.args.decisionId).toEqualTypeOf<Hex>();
    expectTypeOf<VaultEventArgs<'PolicyUpdated'>['policy']['perTradeCapUsd']>().toEqualTypeOf<bigint>();
    expect(executed).toMatchObject({
      eventName: 'TradeExecuted',
      address: vault,
      blockNumber: receipt.blockNumber,
      transactionHash: receipt.transactionHash,
      args: { decisionId: buy.decisionId, strategyId: buy.strategyId, reasoningHash: buy.reasoningHash, tokenIn: usdc, tokenOut: weth, fee: 500, amountIn: buy.amountIn },
    });
    expect(vaultEventsOf(receipt, { vault: manifest.tokens.USDC.address })).toEqual([]);

    const byId = await getVaultEvents({ client: publicClient, vault, eventNames: ['TradeExecuted'], args: { decisionId: buy.decisionId }, fromBlock: 0n });
    expect(byId).toEqual([executed]);
    expect(await getVaultEvents({ client: publicClient, vault, eventNames: ['TradeExecuted'], args: { decisionId: (await intent()).decisionId }, fromBlock: 0n })).toEqual([]);

    // Everything since the deploy: the setup's tokens and pools, with the manifest's addresses as they are.
    const all = await getVaultEvents({ client: publicClient, vault, fromBlock: BigInt(manifest.startBlock) });
    expect(all.at(-1)).toEqual(executed);
    const tokens = all.flatMap((event) => (event.eventName === 'TokenConfigured' ? [[event.args.token, event.args.feed]] : []));
    expect(tokens).toEqual([
      [usdc, manifest.feeds['USDC/USD'].address],
      [weth, manifest.feeds['ETH/USD'].address],
    ]);
    const [token0, token1] = sortsBefore(usdc, weth) ? [usdc, weth] : [weth, usdc];
    const pools = all.flatMap((event) => (event.eventName === 'PoolAllowed' ? [event.args] : []));
    expect(pools).toEqual([
      { token0, token1, fee: 500 },
      { token0, token1, fee: 3000 },
    ]);
  });

  it('watches the vault and hands over each new event decoded', async () => {
    const seen: VaultEvent[] = [];
    const stop = watchVaultEvents({ client: publicClient, vault, onEvents: (events) => seen.push(...events) });
    try {
      const receipt = await pause(as('guardian'));
      await vi.waitFor(() => expect(seen).toHaveLength(1), { timeout: 30_000 });
      expect(seen[0]).toEqual({
        eventName: 'Paused',
        args: { by: manifest.accounts.guardian.address },
        address: vault,
        blockNumber: receipt.receipt.blockNumber,
        logIndex: 0,
        transactionHash: receipt.hash,
      });
    } finally {
      stop();
    }
  });
});
