import {
  type Hex,
  type PublicClient,
  type TransactionReceipt,
  createPublicClient,
  createWalletClient,
  decodeErrorResult,
  encodeFunctionData,
  http,
  toHex,
} from 'viem';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AnvilInstance, startAnvil } from '../chain/anvil.js';
import { deployDevnet } from '../devnet/deploy-devnet.js';
import type { DevnetManifest } from '../devnet/devnet-manifest.js';
import { defaultReplayCsvPath, loadReplayRounds } from '../devnet/replay-rounds.js';
import { createSeededRandom } from '../devnet/seeded-random.js';
import { devAggregatorAbi, erc20Abi, mandateVaultAbi, mandateVaultBytecode } from '../chain/generated/index.js';
import type { Executor, MarketSnapshot } from '../model/ports.js';
import type { TradeIntent } from '../model/decision.js';
import type { OracleUpdate } from '../model/market-event.js';
import { createPolicyGate } from './create-policy-gate.js';
import { applyPolicy, createPolicyState } from './create-policy-state.js';
import { type VaultRiskGate, createVaultRiskGate } from './create-vault-risk-gate.js';
import { vaultEventsOf } from '../chain/vault/vault-events.js';
import type { EvaluateTradeReturnType } from './evaluate-trade.js';
import type { VaultPolicy } from './policy-state.js';
import { refreshAfterTrades } from './refresh-after-trades.js';
import { toAddress, type Address } from '../model/address.js';

// The live gate (createVaultRiskGate, reading the vault) and the backtest gate (createPolicyGate over
// createPolicyState + applyTrade, never reading the vault) follow the real vault through a seeded run of real
// trades on the devnet's Uniswap v3 pools, time warps across refill steps and cooldowns, oracle rounds,
// guardian tightening and a pause: at every step all three give the same verdict, and every executed trade's
// TradeExecuted event carries the valueUsd and minAmountOutUsed both gates computed.

const USD = 10n ** 18n;
const STEPS = 60;

let anvil: AnvilInstance;
let manifest: DevnetManifest;
let client: PublicClient;
let vault: Address;
let deployBlock: bigint;
let deployedAt: bigint;
let liveGate: VaultRiskGate;
const gateErrors: unknown[] = [];

const policy: VaultPolicy = {
  perTradeCapUsd: 3000n * USD,
  allowanceCapUsd: 6000n * USD,
  refillAmountUsd: 1500n * USD,
  refillInterval: 3600,
  maxSlippageBps: 200,
  cooldown: 120,
};
const maxOracleAge = { usdc: 10 * 86_400, weth: 86_400 };

const wallet = (address: Address) => createWalletClient({ account: address, transport: http(anvil.rpcUrl) });
const rpc = (method: string, params: unknown[]) => client.request({ method: method as 'eth_chainId', params: params as never });

async function sendAt(from: Address, to: Address, data: Hex, time?: bigint): Promise<TransactionReceipt> {
  if (time !== undefined) await rpc('evm_setNextBlockTimestamp', [toHex(time)]);
  const hash = await wallet(from).sendTransaction({ to, data, gas: 1_500_000n, chain: null });
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 10 });
  return receipt;
}

beforeAll(async () => {
  const firstRound = (await loadReplayRounds(defaultReplayCsvPath)).rounds[0]!;
  anvil = await startAnvil({ timestamp: firstRound.updatedAt - 60n });
  manifest = await deployDevnet({ rpcUrl: anvil.rpcUrl, firstRound, replaySource: defaultReplayCsvPath });
  client = createPublicClient({ transport: http(anvil.rpcUrl, { batch: true }), pollingInterval: 50 }) as PublicClient;
  const { accounts, tokens, feeds, uniswap } = manifest;
  const setup = {
    router: uniswap.swapRouter,
    owner: accounts.owner.address,
    guardian: accounts.guardian.address,
    agent: accounts.agent.address,
    timelockDelay: 86_400n,
    policy,
    tokens: [
      { token: tokens.USDC.address, feed: feeds['USDC/USD'].address, maxOracleAge: maxOracleAge.usdc },
      { token: tokens.WETH.address, feed: feeds['ETH/USD'].address, maxOracleAge: maxOracleAge.weth },
    ],
    pools: manifest.pools.map((pool) => ({ tokenA: pool.token0, tokenB: pool.token1, fee: pool.fee })),
    sequencerUptimeFeed: toAddress('0x0000000000000000000000000000000000000000'),
    sequencerGracePeriod: 0,
  };
  const hash = await wallet(accounts.deployer.address).deployContract({ abi: mandateVaultAbi, bytecode: mandateVaultBytecode, args: [setup], chain: null });
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 10 });
  vault = toAddress(receipt.contractAddress!);
  deployBlock = receipt.blockNumber;
  deployedAt = (await client.getBlock({ blockNumber: deployBlock })).timestamp;
  const trader = accounts.trader.address;
  await sendAt(trader, tokens.USDC.address, encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [vault, 200_000n * 10n ** 6n] }));
  await sendAt(trader, tokens.WETH.address, encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [vault, 60n * 10n ** 18n] }));
  liveGate = await createVaultRiskGate({
    client,
    vault,
    caller: accounts.agent.address,
    tokens: [tokens.USDC.address, tokens.WETH.address],
    fromBlock: deployBlock,
    onError: (error) => gateErrors.push(error),
  });
});

afterAll(async () => {
  liveGate?.stop();
  await anvil?.stop();
});

const comparable = (evaluation: EvaluateTradeReturnType) =>
  evaluation.ok ? { error: 'allowed', args: [] as unknown[] } : { error: evaluation.error, args: [...evaluation.args] as unknown[] };

describe('the policy gates on the devnet', () => {
  it(`follow the vault through ${STEPS} seeded steps of real trades, warps, rounds and policy changes`, async () => {
    const random = createSeededRandom(7);
    const { accounts, tokens, feeds } = manifest;
    const usdc = tokens.USDC.address;
    const weth = tokens.WETH.address;
    const ethFeed = feeds['ETH/USD'].address;
    const usdcFeed = feeds['USDC/USD'].address;
    const firstAnswer = BigInt(manifest.replay.firstAnswer);

    // The backtest side: vault state in memory, rounds from a market snapshot it keeps itself.
    const oracles = new Map<Address, OracleUpdate>();
    const setRound = async (feed: Address, answer: bigint, updatedAt: bigint, roundId: bigint, minedAt?: bigint) => {
      const data = encodeFunctionData({ abi: devAggregatorAbi, functionName: 'setRound', args: [roundId, answer, updatedAt, updatedAt, roundId] });
      await sendAt(accounts.market.address, feed, data, minedAt);
      oracles.set(feed, { kind: 'oracle', feed, roundId, answer, decimals: 8, updatedAt, time: Number(updatedAt) });
    };
    const snapshot: MarketSnapshot = { oracles, pools: new Map(), last: undefined };
    const memoryGate = createPolicyGate({
      state: createPolicyState({
        policy,
        tokens: [
          { address: usdc, feed: usdcFeed, decimals: 6, maxOracleAge: maxOracleAge.usdc },
          { address: weth, feed: ethFeed, decimals: 18, maxOracleAge: maxOracleAge.weth },
        ],
        pools: manifest.pools.map((pool) => ({ tokenA: pool.token0, tokenB: pool.token1, fee: pool.fee })),
        deployedAt,
        agent: accounts.agent.address,
      }),
      market: () => snapshot,
    });
    let memoryState = memoryGate.state();
    // Pause and tightening change the in-memory state directly (a backtest has no such events), so wrap it.
    let overrides: Partial<typeof memoryState> = {};
    const memoryEvaluate = (intent: TradeIntent, time: bigint) => {
      const gate = createPolicyGate({ state: { ...memoryGate.state(), ...overrides }, market: () => snapshot });
      return gate.evaluate(intent, { time: Number(time) });
    };

    let now = (await client.getBlock()).timestamp;
    let roundId = 1000n;
    await setRound(ethFeed, firstAnswer, now, ++roundId);
    await setRound(usdcFeed, 100_000_000n, now, ++roundId);
    const executed: Hex[] = [];
    const counts = new Map<string, number>();
    let paused = false;

    for (let step = 0; step < STEPS; step++) {
      // At least 4 s: this step's setup transactions are mined at now - 3 (ETH/USD), now - 2 (USDC/USD) and now - 1 (admin).
      now += BigInt([4, 30, 119, 120, 600, 3599, 3600, 7200, 90_000][random.int(9)]!);
      // New ETH/USD round most of the time, close to the pools' price so allowed trades fill.
      if (random.next() < 0.7) {
        const wobble = BigInt(random.int(41)) - 20n; // ±0.2 %
        await setRound(ethFeed, firstAnswer + (firstAnswer * wobble) / 10_000n, now - 3n - BigInt(random.int(30)), ++roundId, now - 3n);
      }
      if (random.next() < 0.15) await setRound(usdcFeed, 100_000_000n - BigInt(random.int(3)), now - 2n, ++roundId, now - 2n);
      // Policy and role events, now and then.
      const roll = random.next();
      if (roll < 0.08) {
        const current = { ...policy, ...(overrides.policy ?? {}) } as VaultPolicy;
        const tighter = { ...current, perTradeCapUsd: current.perTradeCapUsd - 50n * USD, refillAmountUsd: current.refillAmountUsd - 10n * USD, cooldown: current.cooldown + 10 };
        const at = now - 1n;
        await sendAt(accounts.guardian.address, vault, encodeFunctionData({ abi: mandateVaultAbi, functionName: 'tightenPolicy', args: [tighter] }), at);
        memoryState = applyPolicy({ ...memoryGate.state(), ...overrides }, tighter, at);
        overrides = { ...overrides, policy: memoryState.policy, allowanceUsd: memoryState.allowanceUsd, allowanceUpdatedAt: memoryState.allowanceUpdatedAt };
      } else if (paused || roll < 0.14) {
        // A pause lasts one step: the owner lifts it at the next.
        paused = !paused;
        const from = paused ? accounts.guardian.address : accounts.owner.address;
        await sendAt(from, vault, encodeFunctionData({ abi: mandateVaultAbi, functionName: paused ? 'pause' : 'unpause', args: [] }), now - 1n);
        overrides = { ...overrides, paused };
      }

      // The intent: a value aimed at the cap, the allowance or well inside them; sometimes a reused id or a late deadline.
      const sellEth = random.next() < 0.5;
      const targetUsd = BigInt([100, 900, 1500, 2000, 2500, 2700, 2999, 3000, 3001, 4500][random.int(10)]!) * USD;
      const ethPrice18 = oracles.get(ethFeed)!.answer * 10n ** 10n;
      const amountIn = sellEth ? (targetUsd * 10n ** 18n) / ethPrice18 : targetUsd / 10n ** 12n;
      const reuse = executed.length > 0 && random.next() < 0.1;
      const intent: TradeIntent = {
        decisionId: reuse ? executed[random.int(executed.length)]! : toHex(BigInt(step + 1) * 7919n, { size: 32 }),
        strategyId: toHex(1n, { size: 32 }),
        reasoningHash: toHex(2n, { size: 32 }),
        tokenIn: sellEth ? weth : usdc,
        tokenOut: sellEth ? usdc : weth,
        fee: random.next() < 0.5 ? 500 : 3000,
        amountIn,
        minAmountOut: 0n,
        deadline: random.next() < 0.05 ? now - 1n : now + 600n,
      };

      // Three verdicts at `now`: the live gate (fresh read), the in-memory gate, and the vault (eth_call at now).
      await liveGate.refresh();
      const live = comparable(liveGate.evaluate(intent, { time: Number(now) }));
      const memory = memoryEvaluate(intent, now);
      const data = encodeFunctionData({ abi: mandateVaultAbi, functionName: 'executeTrade', args: [intent] });
      let vaultVerdict: { error: string; args: unknown[] };
      try {
        await rpc('eth_call', [{ from: accounts.agent.address, to: vault, data, gas: toHex(1_500_000) }, 'latest', {}, { time: toHex(now) }]);
        vaultVerdict = { error: 'allowed', args: [] };
      } catch (error) {
        const revert = (error as { walk: (f: (e: unknown) => boolean) => { data?: Hex } | undefined }).walk((e) => typeof (e as { data?: unknown }).data === 'string');
        const decoded = decodeErrorResult({ abi: mandateVaultAbi, data: revert!.data! });
        vaultVerdict = { error: decoded.errorName, args: [...(decoded.args ?? [])] };
      }
      const context = `step ${step}`;
      expect(live, context).toEqual(vaultVerdict);
      expect(comparable(memory), context).toEqual(vaultVerdict);
      counts.set(vaultVerdict.error, (counts.get(vaultVerdict.error) ?? 0) + 1);

      if (memory.ok) {
        // Trade for real at exactly `now`, and check the event against both gates' numbers.
        const receipt = await sendAt(accounts.agent.address, vault, data, now);
        expect(receipt.status, context).toBe('success');
        const [event] = vaultEventsOf(receipt, { vault, eventNames: ['TradeExecuted'] });
        expect({ valueUsd: event!.args.valueUsd, minAmountOutUsed: event!.args.minAmountOutUsed }, context).toEqual({
          valueUsd: memory.valueUsd,
          minAmountOutUsed: memory.minAmountOutUsed,
        });
        expect(event!.args.amountOut, context).toBeGreaterThanOrEqual(memory.minAmountOutUsed);
        const base = { ...memoryGate.state(), ...overrides };
        const next = createPolicyGate({ state: base, market: () => snapshot });
        next.recordExecuted(intent, { time: Number(now) });
        overrides = { ...overrides, ...next.state(), paused };
        executed.push(intent.decisionId);
      } else {
        await rpc('evm_setNextBlockTimestamp', [toHex(now)]);
        await rpc('evm_mine', []);
      }
      // The in-memory state after the step equals what the vault holds.
      const read = await liveGate.refresh();
      const memoryNow = { ...memoryGate.state(), ...overrides };
      expect([read.state.allowanceUsd, read.state.allowanceUpdatedAt, read.state.lastTradeAt, read.state.paused, read.state.policy], context).toEqual([
        memoryNow.allowanceUsd,
        memoryNow.allowanceUpdatedAt,
        memoryNow.lastTradeAt,
        memoryNow.paused,
        memoryNow.policy,
      ]);
    }
    console.log(`policy gates on the devnet: ${[...counts.entries()].map(([name, n]) => `${name} ${n}`).join(', ')}`);
    expect(counts.get('allowed') ?? 0).toBeGreaterThanOrEqual(5);
    expect(gateErrors).toEqual([]);
  });

  it('re-reads the vault when the guardian pauses it, and the watched events say so', async () => {
    const { accounts, tokens } = manifest;
    if (liveGate.snapshot().state.paused) await sendAt(accounts.owner.address, vault, encodeFunctionData({ abi: mandateVaultAbi, functionName: 'unpause', args: [] }));
    await liveGate.refresh();
    const intent: TradeIntent = {
      decisionId: toHex(999_999n, { size: 32 }),
      strategyId: toHex(1n, { size: 32 }),
      reasoningHash: toHex(2n, { size: 32 }),
      tokenIn: tokens.USDC.address,
      tokenOut: tokens.WETH.address,
      fee: 500,
      amountIn: 0n,
      minAmountOut: 0n,
      deadline: 2n ** 63n,
    };
    const time = Number(liveGate.snapshot().timestamp);
    expect(liveGate.check(intent, { time })).toEqual({ allowed: false, reason: 'ZeroAmountIn', args: [] });
    const before = liveGate.events.length;
    await sendAt(accounts.guardian.address, vault, encodeFunctionData({ abi: mandateVaultAbi, functionName: 'pause', args: [] }));
    // No refresh() here: the gate's own event watch must pick the pause up.
    await vi.waitFor(() => expect(liveGate.check(intent, { time })).toEqual({ allowed: false, reason: 'VaultPaused', args: [] }), { timeout: 20_000, interval: 20 });
    expect(liveGate.events.slice(before).map((event) => event.eventName)).toContain('Paused');
  });

  it('sees its own fill before the next check when the executor is wrapped with refreshAfterTrades', async () => {
    const { accounts, tokens, feeds } = manifest;
    if (liveGate.snapshot().state.paused) await sendAt(accounts.owner.address, vault, encodeFunctionData({ abi: mandateVaultAbi, functionName: 'unpause', args: [] }));
    // Far enough ahead for a full allowance and no cooldown, with fresh rounds.
    const now = (await client.getBlock()).timestamp + 100_000n;
    const round = (feed: Address, answer: bigint, at: bigint) =>
      sendAt(accounts.market.address, feed, encodeFunctionData({ abi: devAggregatorAbi, functionName: 'setRound', args: [at, answer, at, at, at] }), at);
    await round(feeds['ETH/USD'].address, BigInt(manifest.replay.firstAnswer), now - 2n);
    await round(feeds['USDC/USD'].address, 100_000_000n, now - 1n);
    const vaultExecutor: Executor = {
      async execute(intent) {
        const receipt = await sendAt(accounts.agent.address, vault, encodeFunctionData({ abi: mandateVaultAbi, functionName: 'executeTrade', args: [intent] }), now);
        if (receipt.status !== 'success') return { ok: false, reason: 'reverted' };
        const [event] = vaultEventsOf(receipt, { vault, eventNames: ['TradeExecuted'] });
        const { amountIn, amountOut, minAmountOutUsed, valueUsd } = event!.args;
        return { ok: true, fill: { txHash: event!.transactionHash, block: receipt.blockNumber, amountIn, amountOut, minAmountOutUsed, valueUsd, gasUsed: 0n, effectiveGasPrice: 0n } };
      },
      balances: async () => new Map(),
    };
    const executor = refreshAfterTrades(vaultExecutor, liveGate, (error) => gateErrors.push(error));
    const intent = (id: bigint): TradeIntent => ({
      decisionId: toHex(id, { size: 32 }),
      strategyId: toHex(1n, { size: 32 }),
      reasoningHash: toHex(2n, { size: 32 }),
      tokenIn: tokens.USDC.address,
      tokenOut: tokens.WETH.address,
      fee: 500,
      amountIn: 100n * 10n ** 6n,
      minAmountOut: 0n,
      deadline: now + 600n,
    });
    await liveGate.refresh();
    expect(liveGate.check(intent(5_000_001n), { time: Number(now) })).toEqual({ allowed: true });
    expect((await executor.execute(intent(5_000_001n))).ok).toBe(true);
    // No waiting: the wrapped executor resolved after the gate re-read the vault.
    expect(liveGate.check(intent(5_000_001n), { time: Number(now) })).toMatchObject({ allowed: false, reason: 'DecisionAlreadyExecuted' });
    const cooldown = BigInt(liveGate.snapshot().state.policy.cooldown);
    expect(liveGate.check(intent(5_000_002n), { time: Number(now) })).toEqual({ allowed: false, reason: 'CooldownActive', args: [now, now + cooldown] });
    expect(gateErrors).toEqual([]);
  });
});
