/**
 * The TypeScript policy mirror (agent/policy) against the deployed MandateVault on a real anvil: hundreds of
 * seeded random (policy, state, intent) cases, each judged by `evaluateTrade` on what `readPolicyState` read
 * and by an eth_call of the vault's `executeTrade` from the chosen caller; both must agree on the verdict,
 * the custom error and its arguments. Passing cases must also agree with the vault's `quoteTrade` on the
 * value, the oracle output and the floor under minAmountOutUsed.
 *
 * Setup, per case: revert to a base snapshot (tokens of 0/6/8/18/36 decimals, feeds of 0/8/18/24/36/37
 * decimals, a sequencer-uptime feed, with or without a grace period), deploy a vault with a random policy,
 * tokens and pools through its real constructor (sometimes followed by a real tightenPolicy, whose settle-and-
 * clamp is checked against applyPolicy), queue real guardian/owner transactions (pause, revoke the agent,
 * remove a token or a pool, lower an oracle age) and the feeds' rounds, put the allowance, its anchor, the last
 * trade time and some executed decision ids into the vault's storage (anvil_setStorageAt: trades cannot reach
 * arbitrary states quickly; every value is read back through the vault's own views and compared with the plan),
 * and mine the queued transactions in one block at the case's time (anvil runs with --no-mining).
 *
 * The vault's router is a stub that returns 0 and moves nothing, so a trade that passes every pre-trade
 * check reverts with UnexpectedAmountSpent(0, amountIn): that revert is the vault's "allowed" verdict here.
 * The swap itself is out of the mirror's scope (see evaluateTrade).
 */
import {
  type Hex,
  type PublicClient,
  createPublicClient,
  decodeErrorResult,
  decodeFunctionResult,
  encodeDeployData,
  encodeFunctionData,
  encodeAbiParameters,
  http,
  keccak256,
  maxUint256,
  toHex,
} from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnvilInstance, startAnvil } from '../agent/chain/anvil.js';
import { devAccounts } from '../agent/chain/dev-accounts.js';
import { createSeededRandom } from '../agent/devnet/seeded-random.js';
import { devAggregatorAbi, devAggregatorBytecode, devTokenAbi, devTokenBytecode, mandateVaultAbi, mandateVaultBytecode } from '../agent/chain/generated/index.js';
import type { TradeIntent } from '../agent/model/decision.js';
import {
  type PolicyState,
  type VaultPolicy,
  accrueAllowance,
  applyPolicy,
  createPolicyState,
  decisionKey,
  evaluateTrade,
  poolKey,
  readPolicyState,
} from '../agent/policy/index.js';
import { zeroAddress, toAddress, type Address } from '../agent/model/address.js';

const SEED = 20_261_124;
const CASES = Number(process.env.POLICY_DIFF_CASES ?? 600);
const USD = 10n ** 18n;
const INT192_MAX = (1n << 191n) - 1n;
const INT256_MAX = (1n << 255n) - 1n;
const TOKEN_DECIMALS = [6, 18, 8, 0, 36] as const;
const FEED_DECIMALS = [8, 18, 0, 24, 36, 37] as const;
const UNSUPPORTED_FEED = 5;
const FEES = [500, 3000, 10_000] as const;
/** Stub router: `PUSH1 0x20 PUSH1 0 RETURN` answers any call with one zero word and moves nothing. */
const STUB_ROUTER = toAddress('0x00000000000000000000000000000000000a11ce');
/** The vault's storage slots (MandateVault.sol declaration order; checked against the views in every case). */
const TRADE_SLOT = 2n;
const DECISIONS_MAPPING_SLOT = 9n;

const accounts = devAccounts();
const agent = accounts.agent.address;
const guardian = accounts.guardian.address;
const owner = accounts.owner.address;
const deployer = accounts.deployer.address;
const attacker = accounts.trader.address;

let anvil: AnvilInstance;
let client: PublicClient;
let tokens: Address[] = [];
let feeds: Address[] = [];
let sequencerFeed: Address;
let baseSnapshot: Hex;
let rpcId = 0;

type RpcResponse = { result?: unknown; error?: { code: number; message: string; data?: Hex } };

async function rpcBatch(calls: readonly [string, readonly unknown[]][]): Promise<RpcResponse[]> {
  if (calls.length === 0) return [];
  const body = calls.map(([method, params]) => ({ jsonrpc: '2.0', id: ++rpcId, method, params }));
  const response = await fetch(anvil.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const results = (await response.json()) as (RpcResponse & { id: number })[];
  const byId = new Map(results.map((r) => [r.id, r]));
  return body.map((request) => byId.get(request.id)!);
}

async function rpc<T>(method: string, params: readonly unknown[]): Promise<T> {
  const [response] = await rpcBatch([[method, params]]);
  if (response!.error) throw new Error(`${method}: ${response!.error.message}`);
  return response!.result as T;
}

type Receipt = { contractAddress: Address | null; blockNumber: Hex; status: Hex };

// anvil runs with --no-mining: transactions wait in the pool until evm_mine, so a case's setup lands in a few
// blocks at chosen times instead of one block per transaction.

/** Sends from an anvil-unlocked account, mines it alone, and returns the receipt and the block time. */
async function sendMined(from: Address, to: Address | undefined, data: Hex): Promise<{ receipt: Receipt; timestamp: bigint }> {
  const hash = await rpc<Hex>('eth_sendTransaction', [{ from, ...(to ? { to } : {}), data, gas: toHex(8_000_000) }]);
  await rpc('evm_mine', []);
  const [receipt, block] = await rpcBatch([
    ['eth_getTransactionReceipt', [hash]],
    ['eth_getBlockByNumber', ['latest', false]],
  ]);
  const mined = receipt!.result as Receipt | null;
  if (mined?.status !== '0x1') throw new Error(`transaction to ${to ?? 'create'} reverted or was not mined`);
  return { receipt: mined, timestamp: BigInt((block!.result as { timestamp: Hex }).timestamp) };
}

/**
 * Puts transactions in the pool with explicit nonces (so they run in order when mined) in the same HTTP batch
 * as `alongside` (state setters), after one batch that reads the senders' nonces and `reads`.
 */
async function queueAll(
  txs: readonly { from: Address; to: Address; data: Hex }[],
  reads: readonly [string, readonly unknown[]][],
  alongside: (readResults: unknown[]) => [string, readonly unknown[]][],
): Promise<Hex[]> {
  const senders = [...new Set(txs.map((tx) => tx.from))];
  const first = await rpcBatch([...reads, ...senders.map((sender) => ['eth_getTransactionCount', [sender, 'pending']] as [string, unknown[]])]);
  const readResults = first.slice(0, reads.length).map((response) => response.result);
  const nonces = new Map(senders.map((sender, i) => [sender, BigInt(first[reads.length + i]!.result as Hex)]));
  const sends = txs.map((tx): [string, unknown[]] => {
    const nonce = nonces.get(tx.from)!;
    nonces.set(tx.from, nonce + 1n);
    return ['eth_sendTransaction', [{ ...tx, nonce: toHex(nonce), gas: toHex(1_000_000) }]];
  });
  const responses = await rpcBatch([...sends, ...alongside(readResults)]);
  for (const response of responses) if (response.error) throw new Error(`setup: ${response.error.message}`);
  return responses.slice(0, sends.length).map((response) => response.result as Hex);
}

/** Every queued transaction was mined and succeeded. */
async function expectMined(hashes: readonly Hex[]): Promise<void> {
  const responses = await rpcBatch(hashes.map((hash) => ['eth_getTransactionReceipt', [hash]] as const));
  responses.forEach((response, i) => {
    if ((response.result as Receipt | null)?.status !== '0x1') throw new Error(`setup transaction ${hashes[i]} reverted or was not mined`);
  });
}

beforeAll(async () => {
  anvil = await startAnvil({ timestamp: 1_700_000_000, extraArgs: ['--no-mining'] });
  client = createPublicClient({ transport: http(anvil.rpcUrl, { batch: true }), pollingInterval: 50 }) as PublicClient;
  for (const [i, decimals] of TOKEN_DECIMALS.entries()) {
    const data = encodeDeployData({ abi: devTokenAbi, bytecode: devTokenBytecode, args: [`Token ${i}`, `T${i}`, decimals] });
    tokens.push(toAddress((await sendMined(deployer, undefined, data)).receipt.contractAddress!));
  }
  for (const [i, decimals] of FEED_DECIMALS.entries()) {
    const data = encodeDeployData({ abi: devAggregatorAbi, bytecode: devAggregatorBytecode, args: [decimals, `Feed ${i}`] });
    feeds.push(toAddress((await sendMined(deployer, undefined, data)).receipt.contractAddress!));
  }
  sequencerFeed = toAddress(
    (await sendMined(deployer, undefined, encodeDeployData({ abi: devAggregatorAbi, bytecode: devAggregatorBytecode, args: [0, 'Sequencer uptime'] }))).receipt.contractAddress!,
  );
  await rpc('anvil_setCode', [STUB_ROUTER, '0x60206000f3']);
  baseSnapshot = await rpc<Hex>('evm_snapshot', []);
});

afterAll(async () => {
  await anvil?.stop();
});

// ------------------------------------------------------------------------------------------ generation

type Random = ReturnType<typeof createSeededRandom>;

const targets = [
  'allowed',
  'allowed',
  'allowed',
  'NotAgent',
  'VaultPaused',
  'DeadlineExpired',
  'DecisionAlreadyExecuted',
  'TokenNotAllowed',
  'PoolNotAllowed',
  'ZeroAmountIn',
  'SequencerDown',
  'SequencerGracePeriodActive',
  'OracleAnswerInvalid',
  'OracleTimestampInvalid',
  'OracleStale',
  'OracleDecimalsUnsupported',
  'MulDivOverflow',
  'TradeValueExceedsCap',
  'TradeValueExceedsAllowance',
  'CooldownActive',
] as const;
type Target = (typeof targets)[number];

const pick = <T>(random: Random, items: readonly T[]): T => items[random.int(items.length)]!;
const chance = (random: Random, p: number): boolean => random.next() < p;

/** A uniform-ish bigint in [0, max]. */
function randomBig(random: Random, max: bigint): bigint {
  if (max <= 0n) return 0n;
  let value = 0n;
  for (let bits = 0n; bits < BigInt(max.toString(2).length) + 32n; bits += 32n) value = (value << 32n) | BigInt(random.int(2 ** 32));
  return value % (max + 1n);
}
const randomBytes32 = (random: Random): Hex => toHex(randomBig(random, maxUint256), { size: 32 });
const randomSeconds = (random: Random): number => pick(random, [1, 60, 3600, 86_400, 1 + random.int(200_000)]);

function randomPolicy(random: Random): VaultPolicy {
  const cap = chance(random, 0.05) ? 0n : BigInt(1 + random.int(1_000_000)) * USD + randomBig(random, USD);
  return {
    perTradeCapUsd: cap,
    allowanceCapUsd: pick(random, [cap, cap * 2n, cap / 2n, randomBig(random, cap * 5n)]),
    refillAmountUsd: pick(random, [0n, cap / 10n, randomBig(random, cap)]),
    refillInterval: randomSeconds(random),
    maxSlippageBps: pick(random, [0, 50, 300, 10_000, random.int(10_001)]),
    cooldown: pick(random, [0, 1, 60, 3600, random.int(100_000)]),
  };
}

/** A stricter-or-equal policy: what the guardian may apply at once. */
function tightened(random: Random, p: VaultPolicy): VaultPolicy {
  const lower = (v: bigint) => (chance(random, 0.5) ? v : randomBig(random, v));
  return {
    perTradeCapUsd: lower(p.perTradeCapUsd),
    allowanceCapUsd: lower(p.allowanceCapUsd),
    refillAmountUsd: lower(p.refillAmountUsd),
    refillInterval: chance(random, 0.5) ? p.refillInterval : Math.min(2 ** 32 - 1, p.refillInterval + random.int(10_000)),
    maxSlippageBps: chance(random, 0.5) ? p.maxSlippageBps : random.int(p.maxSlippageBps + 1),
    cooldown: chance(random, 0.5) ? p.cooldown : Math.min(2 ** 32 - 1, p.cooldown + random.int(1000)),
  };
}

/** A feed answer for a price of m micro-USD (1e-6 USD), at the feed's decimals. */
function answerFor(microUsd: bigint, decimals: number): bigint {
  const answer = (microUsd * 10n ** BigInt(decimals)) / 10n ** 6n;
  return answer === 0n ? 1n : answer;
}
function price18Of(answer: bigint, decimals: number): bigint {
  return decimals <= 18 ? answer * 10n ** BigInt(18 - decimals) : answer / 10n ** BigInt(decimals - 18);
}

type Plan = {
  target: Target;
  policy: VaultPolicy;
  tightenTo: VaultPolicy | undefined;
  tokenSetups: { index: number; feed: number; maxOracleAge: number }[];
  pools: { a: number; b: number; fee: number }[];
  sequencerGrace: number | undefined;
  pause: boolean;
  revoke: boolean;
  removeToken: number | undefined;
  removePool: { a: number; b: number; fee: number } | undefined;
  lowerOracleAge: { index: number; maxOracleAge: number } | undefined;
};

function planVault(random: Random, target: Target): Plan {
  const count = 2 + random.int(4);
  const chosen = [...TOKEN_DECIMALS.keys()].sort(() => random.next() - 0.5).slice(0, count);
  const tokenSetups = chosen.map((index) => ({
    index,
    feed: target === 'OracleDecimalsUnsupported' && chance(random, 0.5) ? UNSUPPORTED_FEED : random.int(UNSUPPORTED_FEED),
    maxOracleAge: randomSeconds(random),
  }));
  if (target === 'OracleDecimalsUnsupported' && !tokenSetups.some((t) => t.feed === UNSUPPORTED_FEED)) tokenSetups[random.int(2)]!.feed = UNSUPPORTED_FEED;
  const pools: Plan['pools'] = [];
  for (let i = 0; i < chosen.length; i++) {
    for (let j = i + 1; j < chosen.length; j++) {
      for (const fee of FEES) if (chance(random, 0.4)) pools.push({ a: chosen[i]!, b: chosen[j]!, fee });
    }
  }
  if (pools.length === 0) pools.push({ a: chosen[0]!, b: chosen[1]!, fee: pick(random, FEES) });
  const policy = randomPolicy(random);
  const sequencer = target.startsWith('Sequencer') || chance(random, 0.25);
  return {
    target,
    policy,
    tightenTo: chance(random, 0.2) ? tightened(random, policy) : undefined,
    tokenSetups,
    pools,
    sequencerGrace: sequencer ? pick(random, [0, 1, 3600, random.int(100_000)]) : undefined,
    pause: target === 'VaultPaused' || chance(random, 0.03),
    revoke: (target === 'NotAgent' && chance(random, 0.3)) || chance(random, 0.02),
    removeToken: target === 'TokenNotAllowed' && chance(random, 0.3) ? chosen[random.int(chosen.length)] : undefined,
    removePool: target === 'PoolNotAllowed' && chance(random, 0.3) ? pick(random, pools) : undefined,
    lowerOracleAge: chance(random, 0.1) ? { index: pick(random, chosen), maxOracleAge: 1 + random.int(60) } : undefined,
  };
}

// ------------------------------------------------------------------------------------------ one case

/** Deploys the planned vault and applies its admin transactions; returns the vault and the expected state. */
async function deployPlanned(
  plan: Plan,
): Promise<{ vault: Address; deployBlock: bigint; expected: PolicyState; lastTime: bigint; admin: { from: Address; to: Address; data: Hex }[] }> {
  const setup = {
    router: STUB_ROUTER,
    owner,
    guardian,
    agent,
    timelockDelay: 86_400n,
    policy: plan.policy,
    tokens: plan.tokenSetups.map((t) => ({ token: tokens[t.index]!, feed: feeds[t.feed]!, maxOracleAge: t.maxOracleAge })),
    pools: plan.pools.map((p) => ({ tokenA: tokens[p.a]!, tokenB: tokens[p.b]!, fee: p.fee })),
    sequencerUptimeFeed: plan.sequencerGrace === undefined ? zeroAddress : sequencerFeed,
    sequencerGracePeriod: plan.sequencerGrace ?? 0,
  };
  const { receipt, timestamp: deployedAt } = await sendMined(deployer, undefined, encodeDeployData({ abi: mandateVaultAbi, bytecode: mandateVaultBytecode, args: [setup] }));
  let lastTime = deployedAt;
  const vault = toAddress(receipt.contractAddress!);
  const deployBlock = BigInt(receipt.blockNumber);
  let expected = createPolicyState({
    policy: plan.policy,
    tokens: plan.tokenSetups.map((t) => ({ address: tokens[t.index]!, feed: feeds[t.feed]!, decimals: TOKEN_DECIMALS[t.index]!, maxOracleAge: t.maxOracleAge })),
    pools: setup.pools,
    deployedAt,
    agent,
    sequencer: plan.sequencerGrace === undefined ? undefined : { feed: sequencerFeed, gracePeriod: plan.sequencerGrace },
  });

  const call = (functionName: string, args: readonly unknown[]) => encodeFunctionData({ abi: mandateVaultAbi, functionName, args } as never);
  if (plan.tightenTo) {
    lastTime = (await sendMined(guardian, vault, call('tightenPolicy', [plan.tightenTo]))).timestamp;
    expected = applyPolicy(expected, plan.tightenTo, lastTime);
    // The settle-then-clamp of a policy change, checked on its own before the storage is overwritten below.
    const [allowanceUsd, allowanceUpdatedAt] = (await client.readContract({ address: vault, abi: mandateVaultAbi, functionName: 'allowanceState' })) as readonly [bigint, number];
    expect({ allowanceUsd, allowanceUpdatedAt: BigInt(allowanceUpdatedAt) }).toEqual({ allowanceUsd: expected.allowanceUsd, allowanceUpdatedAt: expected.allowanceUpdatedAt });
  }
  const admin: { from: Address; to: Address; data: Hex }[] = [];
  const tokensLeft = new Map(expected.tokens);
  const poolsLeft = new Set(expected.pools);
  if (plan.pause) admin.push({ from: guardian, to: vault, data: call('pause', []) });
  if (plan.revoke) admin.push({ from: guardian, to: vault, data: call('revokeAgent', []) });
  if (plan.lowerOracleAge) {
    const key = tokens[plan.lowerOracleAge.index]!;
    const current = tokensLeft.get(key)!;
    if (plan.lowerOracleAge.maxOracleAge <= current.maxOracleAge) {
      admin.push({ from: guardian, to: vault, data: call('tightenOracleAge', [tokens[plan.lowerOracleAge.index]!, plan.lowerOracleAge.maxOracleAge]) });
      tokensLeft.set(key, { ...current, maxOracleAge: plan.lowerOracleAge.maxOracleAge });
    }
  }
  if (plan.removeToken !== undefined) {
    admin.push({ from: guardian, to: vault, data: call('removeToken', [tokens[plan.removeToken]!]) });
    tokensLeft.delete(tokens[plan.removeToken]!);
  }
  if (plan.removePool) {
    const { a, b, fee } = plan.removePool;
    admin.push({ from: owner, to: vault, data: call('removePool', [tokens[b]!, tokens[a]!, fee]) });
    poolsLeft.delete(poolKey(tokens[a]!, tokens[b]!, fee));
  }
  // Not sent yet: they are mined with the rest of the case's setup, in the block at the case's time.
  expected = { ...expected, paused: plan.pause, agent: plan.revoke ? zeroAddress : agent, tokens: tokensLeft, pools: poolsLeft };
  return { vault, deployBlock, expected, lastTime, admin };
}

async function runCase(random: Random, index: number, counts: Map<string, number>): Promise<void> {
  const target = pick(random, targets);
  const plan = planVault(random, target);
  await rpc('evm_revert', [baseSnapshot]);
  baseSnapshot = await rpc<Hex>('evm_snapshot', []);
  const { vault, deployBlock, expected: planned, lastTime, admin } = await deployPlanned(plan);
  let expected = planned;

  // The case's time: after every block so far, so the chain can move there.
  const now = lastTime + 1000n + BigInt(random.int(1_000_000));
  const policy = expected.policy;

  // Trade state: allowance, anchor (whole and partial refill steps back), last trade around the cooldown.
  const interval = BigInt(policy.refillInterval);
  const steps = BigInt(pick(random, [0, 0, 1, 2, 5, random.int(50)]));
  let anchor = now - steps * interval - randomBig(random, interval - 1n);
  if (anchor < 0n) anchor = 0n;
  const allowanceUsd = pick(random, [policy.allowanceCapUsd, 0n, randomBig(random, policy.allowanceCapUsd)]);
  const cooldown = BigInt(policy.cooldown);
  let lastTradeAt: bigint;
  if (target === 'CooldownActive' && cooldown > 0n) lastTradeAt = now - cooldown + 1n + randomBig(random, cooldown > 10n ? 9n : cooldown - 1n);
  else lastTradeAt = pick(random, [0n, 0n, now - cooldown, now - cooldown - 1n, now - cooldown + 1n, now - randomBig(random, 10n * cooldown + 10n)]);
  if (lastTradeAt < 0n || lastTradeAt > now) lastTradeAt = 0n;
  const executed = Array.from({ length: random.int(4) }, () => randomBytes32(random));

  // Rounds: every configured feed fresh at a random price, then the target's fault on tokenIn or tokenOut.
  const allowedTokens = plan.tokenSetups.filter((t) => expected.tokens.has(tokens[t.index]!));
  const rounds = new Map<number, { answer: bigint; updatedAt: bigint }>();
  const maxAgeOfFeed = (feed: number) => Math.min(...allowedTokens.filter((t) => t.feed === feed).map((t) => expected.tokens.get(tokens[t.index]!)!.maxOracleAge));
  for (const t of plan.tokenSetups) {
    if (rounds.has(t.feed)) continue;
    const microUsd = 10n ** BigInt(random.int(11)) * BigInt(1 + random.int(9));
    const age = maxAgeOfFeed(t.feed);
    const updatedAt = now - (Number.isFinite(age) ? pick(random, [0n, BigInt(age), randomBig(random, BigInt(age))]) : 0n);
    rounds.set(t.feed, { answer: answerFor(microUsd, FEED_DECIMALS[t.feed]!), updatedAt });
  }

  // The intent: a pair with an allowed pool when there is one.
  const livePools = plan.pools.filter((p) => expected.pools.has(poolKey(tokens[p.a]!, tokens[p.b]!, p.fee)) && expected.tokens.has(tokens[p.a]!) && expected.tokens.has(tokens[p.b]!));
  const pool = livePools.length > 0 ? pick(random, livePools) : pick(random, plan.pools);
  const [inIndex, outIndex] = chance(random, 0.5) ? [pool.a, pool.b] : [pool.b, pool.a];
  let tokenIn = tokens[inIndex]!;
  let tokenOut = tokens[outIndex]!;
  let fee = pool.fee;
  const faultOn = chance(random, 0.5) ? inIndex : outIndex;
  const faultFeed = plan.tokenSetups.find((t) => t.index === faultOn)!.feed;
  const faultRound = rounds.get(faultFeed)!;
  const faultAge = BigInt(plan.tokenSetups.find((t) => t.index === faultOn)!.maxOracleAge);
  switch (target) {
    case 'OracleAnswerInvalid': {
      const d = FEED_DECIMALS[faultFeed]!;
      const tiny = d > 18 ? [1n + randomBig(random, 10n ** BigInt(d - 18) - 2n)] : [];
      faultRound.answer = pick(random, [0n, -1n, -randomBig(random, INT256_MAX), INT192_MAX + 1n, INT256_MAX, INT192_MAX, ...tiny, ...tiny]);
      break;
    }
    case 'OracleTimestampInvalid':
      faultRound.updatedAt = pick(random, [0n, now + 1n, now + 1n + randomBig(random, 10_000n)]);
      break;
    case 'OracleStale':
      faultRound.updatedAt = now - faultAge - pick(random, [0n, 1n, 1n, randomBig(random, 100_000n)]);
      break;
    case 'MulDivOverflow':
      faultRound.answer = pick(random, [INT192_MAX, INT192_MAX - randomBig(random, 10n ** 20n), 1n]);
      break;
    default:
  }
  if (faultRound.updatedAt < 0n) faultRound.updatedAt = 0n;

  // Sequencer round.
  const grace = BigInt(plan.sequencerGrace ?? 0);
  let sequencerRound = { answer: 0n, startedAt: now - grace - 1n - randomBig(random, 100_000n) };
  if (target === 'SequencerDown') {
    sequencerRound = pick(random, [
      { answer: 1n, startedAt: now - randomBig(random, 100_000n) },
      { answer: 0n, startedAt: 0n },
      { answer: 0n, startedAt: now + 1n + randomBig(random, 1000n) },
      { answer: -1n, startedAt: now - grace - 10n },
    ]);
  } else if (target === 'SequencerGracePeriodActive') sequencerRound = { answer: 0n, startedAt: now - randomBig(random, grace) };
  if (sequencerRound.startedAt < 0n) sequencerRound.startedAt = 0n;

  // Amount: aimed at a value region from the prices the vault will see.
  const stateForAim: PolicyState = { ...expected, allowanceUsd, allowanceUpdatedAt: anchor, lastTradeAt };
  const accrued = accrueAllowance(stateForAim, now);
  const allowanceNow = accrued.ok ? accrued.allowance : 0n;
  const cap = policy.perTradeCapUsd;
  const decIn = TOKEN_DECIMALS[inIndex]!;
  const feedIn = plan.tokenSetups.find((t) => t.index === inIndex)!.feed;
  const roundIn = rounds.get(feedIn)!;
  const priceIn = roundIn.answer > 0n && FEED_DECIMALS[feedIn]! <= 36 ? price18Of(roundIn.answer, FEED_DECIMALS[feedIn]!) : 0n;
  const limit = cap < allowanceNow ? cap : allowanceNow;
  const aimValue = (() => {
    switch (target) {
      case 'TradeValueExceedsCap':
        return pick(random, [cap, cap + 1n, cap + 1n + randomBig(random, cap + 1n)]);
      case 'TradeValueExceedsAllowance':
        return pick(random, [allowanceNow, allowanceNow + 1n, allowanceNow + 1n + randomBig(random, cap > allowanceNow ? cap - allowanceNow : 1n)]);
      default:
        return pick(random, [limit, randomBig(random, limit), randomBig(random, limit)]);
    }
  })();
  let amountIn = priceIn > 0n ? (aimValue * 10n ** BigInt(decIn)) / priceIn + pick(random, [0n, 0n, 1n, -1n]) : 1n + randomBig(random, 10n ** 24n);
  if (amountIn <= 0n) amountIn = 1n;
  if (target === 'ZeroAmountIn' || chance(random, 0.01)) amountIn = 0n;
  if (target === 'MulDivOverflow') amountIn = pick(random, [maxUint256, maxUint256 - randomBig(random, 10n ** 30n), 1n << BigInt(200 + random.int(56))]);

  // Token, pool, caller, deadline and decision faults.
  if (target === 'TokenNotAllowed') {
    const stranger = pick(random, [toAddress(toHex(randomBig(random, (1n << 160n) - 1n), { size: 20 })), ...tokens.filter((t) => !expected.tokens.has(t))]);
    if (chance(random, 0.5)) tokenIn = stranger;
    else tokenOut = stranger;
  }
  if (target === 'PoolNotAllowed') {
    const variant = random.int(3);
    if (variant === 0) fee = pick(random, [100, 500, 3000, 10_000, random.int(2 ** 24)]);
    else if (variant === 1) tokenOut = tokenIn;
    else {
      const others = allowedTokens.map((t) => tokens[t.index]!);
      tokenIn = pick(random, others);
      tokenOut = pick(random, others);
    }
  }
  const caller = target === 'NotAgent' ? pick(random, [guardian, owner, attacker, zeroAddress, deployer]) : chance(random, 0.02) ? attacker : agent;
  const deadline = target === 'DeadlineExpired' ? pick(random, [now - 1n, now - 1n - randomBig(random, 100_000n), 0n]) : pick(random, [now, now + 1n, now + randomBig(random, 3600n), 2n ** 64n - 1n]);
  const decisionId = (target === 'DecisionAlreadyExecuted' || chance(random, 0.03)) && executed.length > 0 ? pick(random, executed) : target === 'DecisionAlreadyExecuted' ? (executed[0] = randomBytes32(random)) : randomBytes32(random);
  const intent: TradeIntent = {
    decisionId,
    strategyId: randomBytes32(random),
    reasoningHash: randomBytes32(random),
    tokenIn,
    tokenOut,
    fee,
    amountIn,
    minAmountOut: pick(random, [0n, 1n, randomBig(random, 10n ** 30n), maxUint256]),
    deadline,
  };

  // Apply: rounds (real transactions), trade state and executed ids (storage), then one block at `now`.
  const roundTxs = [...rounds.entries()].map(([feed, round], i) => ({
    from: attacker,
    to: feeds[feed]!,
    data: encodeFunctionData({ abi: devAggregatorAbi, functionName: 'setRound', args: [BigInt(index * 10 + i + 1), round.answer, round.updatedAt, round.updatedAt, BigInt(index * 10 + i + 1)] }),
  }));
  if (plan.sequencerGrace !== undefined) {
    roundTxs.push({
      from: attacker,
      to: sequencerFeed,
      data: encodeFunctionData({ abi: devAggregatorAbi, functionName: 'setRound', args: [BigInt(index + 1), sequencerRound.answer, sequencerRound.startedAt, sequencerRound.startedAt, BigInt(index + 1)] }),
    });
  }
  const pending = await queueAll([...admin, ...roundTxs], [['eth_getStorageAt', [vault, toHex(TRADE_SLOT), 'latest']]], ([slot2]) => {
    // The trade slot packs allowanceUsd (96 bits), allowanceUpdatedAt (40), lastTradeAt (40), then the policy's
    // maxSlippageBps, cooldown and refillInterval, which stay as the constructor and tightenPolicy wrote them.
    const policyBits = BigInt(slot2 as Hex) >> 176n;
    const packed = (policyBits << 176n) | (lastTradeAt << 136n) | (anchor << 96n) | allowanceUsd;
    const writes: [string, unknown[]][] = [['anvil_setStorageAt', [vault, toHex(TRADE_SLOT, { size: 32 }), toHex(packed, { size: 32 })]]];
    for (const id of executed) {
      const slot = keccak256(encodeAbiParameters([{ type: 'bytes32' }, { type: 'uint256' }], [id, DECISIONS_MAPPING_SLOT]));
      writes.push(['anvil_setStorageAt', [vault, slot, toHex(1n, { size: 32 })]]);
    }
    return writes;
  });
  await rpc('evm_mine', [Number(now)]);
  await expectMined(pending);
  expected = { ...expected, allowanceUsd, allowanceUpdatedAt: anchor, lastTradeAt, executedDecisions: new Set(executed.map(decisionKey)) };

  // The mirror's input, read from the chain the way the live gate reads it, must be what was set up.
  const read = await readPolicyState(client, vault, { fromBlock: deployBlock, tokens, decisionIds: [...executed, intent.decisionId] });
  expect(read.timestamp).toBe(now);
  expect(normalise(read.state)).toEqual(normalise(expected));

  // The two verdicts.
  const mirror = evaluateTrade(read.state, intent, { now: read.timestamp, caller, ...read.oracles });
  const { verdict: vaultVerdict, quote } = await vaultExecuteTrade(vault, caller, intent);
  const mirrorVerdict = mirror.ok ? { error: 'allowed', args: [] } : { error: mirror.error, args: [...mirror.args] };
  const context = `case ${index} (seed ${SEED}, target ${target})`;
  expect(mirrorVerdict, context).toEqual(vaultVerdict);
  counts.set(vaultVerdict.error, (counts.get(vaultVerdict.error) ?? 0) + 1);

  if (mirror.ok) {
    expect([mirror.valueUsd, mirror.oracleOut, mirror.oracleFloor], context).toEqual(quote);
    expect(mirror.minAmountOutUsed, context).toBe(intent.minAmountOut > quote![2] ? intent.minAmountOut : quote![2]);
  }
}

/**
 * eth_call of executeTrade from `caller`: the custom error and its decoded args, or 'allowed' (see the top);
 * and, in the same batch, quoteTrade for the intent (undefined when it reverts).
 */
async function vaultExecuteTrade(
  vault: Address,
  caller: Address,
  intent: TradeIntent,
): Promise<{ verdict: { error: string; args: unknown[] }; quote: [bigint, bigint, bigint] | undefined }> {
  const trade = encodeFunctionData({ abi: mandateVaultAbi, functionName: 'executeTrade', args: [intent] });
  const quoteCall = encodeFunctionData({ abi: mandateVaultAbi, functionName: 'quoteTrade', args: [intent.tokenIn, intent.tokenOut, intent.amountIn] });
  const [response, quoteResponse] = await rpcBatch([
    ['eth_call', [{ from: caller, to: vault, data: trade, gas: toHex(30_000_000) }, 'latest']],
    ['eth_call', [{ to: vault, data: quoteCall }, 'latest']],
  ]);
  const quote = quoteResponse!.error
    ? undefined
    : ([...(decodeFunctionResult({ abi: mandateVaultAbi, functionName: 'quoteTrade', data: quoteResponse!.result as Hex }) as readonly bigint[])] as [bigint, bigint, bigint]);
  if (!response!.error) return { verdict: { error: 'succeeded (the stub router cannot fill)', args: [] }, quote };
  const revert = response!.error.data;
  if (!revert) throw new Error(`eth_call failed without revert data: ${response!.error.message}`);
  const decoded = decodeErrorResult({ abi: mandateVaultAbi, data: revert });
  const args = [...(decoded.args ?? [])];
  if (decoded.errorName === 'UnexpectedAmountSpent' && args[0] === 0n && args[1] === intent.amountIn) return { verdict: { error: 'allowed', args: [] }, quote };
  return { verdict: { error: decoded.errorName, args }, quote };
}

/** A PolicyState with sets and maps as sorted arrays, for toEqual. */
function normalise(state: PolicyState) {
  return {
    ...state,
    tokens: [...state.tokens.entries()].sort(),
    pools: [...state.pools].sort(),
    executedDecisions: [...state.executedDecisions].sort(),
  };
}

describe('the policy mirror against the deployed vault', () => {
  it(`agrees with executeTrade on ${CASES} seeded random cases, error and arguments included`, async () => {
    const random = createSeededRandom(SEED);
    const counts = new Map<string, number>();
    const started = performance.now();
    for (let i = 0; i < CASES; i++) await runCase(random, i, counts);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const table = [...counts.entries()].sort((a, b) => b[1] - a[1]);
    console.log(`policy differential: ${CASES} cases in ${seconds} s (seed ${SEED})\n${table.map(([name, n]) => `  ${name.padEnd(28)} ${n}`).join('\n')}`);
    // Every check of the vault's order was reached, and passing cases are a real share.
    for (const name of [
      'allowed',
      'NotAgent',
      'VaultPaused',
      'DeadlineExpired',
      'DecisionAlreadyExecuted',
      'TokenNotAllowed',
      'PoolNotAllowed',
      'ZeroAmountIn',
      'SequencerDown',
      'SequencerGracePeriodActive',
      'OracleAnswerInvalid',
      'OracleTimestampInvalid',
      'OracleStale',
      'OracleDecimalsUnsupported',
      'MulDivOverflow',
      'TradeValueExceedsCap',
      'TradeValueExceedsAllowance',
      'CooldownActive',
    ]) {
      expect(counts.get(name) ?? 0, name).toBeGreaterThanOrEqual(5);
    }
    expect(counts.get('allowed')!).toBeGreaterThanOrEqual(CASES / 10);
  });
});
