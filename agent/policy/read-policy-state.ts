import { type PublicClient, parseAbi } from 'viem';
import { mandateVaultAbi } from '../chain/generated/MandateVault.js';
import { getVaultEvents } from '../chain/vault/vault-events.js';
import { toAddress, zeroAddress, type Address, type Hex } from '../model/address.js';
import type { EvaluateTradeContext, OracleReading, SequencerReading } from './evaluate-trade.js';
import { type PolicyState, type TokenPolicy, decisionKey, poolKey } from './policy-state.js';

/** The two AggregatorV3Interface functions the vault calls. */
export const aggregatorV3Abi = parseAbi([
  'function latestRoundData() view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)',
  'function decimals() view returns (uint8)',
]);

export type ReadPolicyStateParameters = {
  /** Tokens the agent may trade (the vault's storage cannot be listed; these are looked up). */
  tokens?: readonly Address[] | undefined;
  /** Pools the agent may trade. */
  pools?: readonly { tokenA: Address; tokenB: Address; fee: number }[] | undefined;
  /** Decision ids whose `decisionExecuted` to read (e.g. the journal's pending trades). */
  decisionIds?: readonly Hex[] | undefined;
  /**
   * Also discover tokens, pools and executed decisions from the vault's logs (TokenConfigured, PoolAllowed,
   * TradeExecuted) from this block on: the vault's deploy block finds everything. Providers may limit
   * log ranges; leave it out on long-lived mainnet vaults and list tokens and pools instead.
   */
  fromBlock?: bigint | undefined;
  /** Read at this block; default the latest. */
  blockNumber?: bigint | undefined;
};

/** Everything `evaluateTrade` needs, read from the vault and its feeds at one block. */
export type VaultPolicySnapshot = {
  state: PolicyState;
  /** The feeds' rounds and decimals and the sequencer's round: spread into evaluateTrade's context. */
  oracles: Pick<EvaluateTradeContext, 'oracleRounds' | 'feedDecimals' | 'sequencer'>;
  blockNumber: bigint;
  /** The block's timestamp: evaluating at it answers "would an eth_call at this block pass?". */
  timestamp: bigint;
};

/**
 * Reads the vault's policy state and its feeds at one block, so the mirror sees one consistent moment:
 * agent, paused, policy, allowanceState, lastTradeAt, the sequencer feed, each candidate token's config and
 * its feed's latestRoundData and decimals, each candidate pool, and the given decision ids. The reads go out
 * in two rounds after the block (three when the logs name a token the candidates did not), each issued
 * together: a client with `batch: { multicall: true }` (chains with Multicall3) or an http transport with
 * `batch: true` sends a round in one request. A feed whose call reverts is left out, which evaluateTrade
 * reports as OracleUnreadable.
 *
 * @example
 * const { state, oracles, timestamp } = await readPolicyState(client, vault, { tokens: [usdc, weth], pools: [{ tokenA: usdc, tokenB: weth, fee: 500 }] });
 * evaluateTrade(state, intent, { now: timestamp, caller: agent, ...oracles });
 */
export async function readPolicyState(client: PublicClient, vault: Address, parameters: ReadPolicyStateParameters = {}): Promise<VaultPolicySnapshot> {
  const block = await client.getBlock(parameters.blockNumber === undefined ? { blockTag: 'latest' } : { blockNumber: parameters.blockNumber });
  const blockNumber = block.number;
  const read = <const name extends VaultViewName>(functionName: name, args: readonly unknown[] = []) =>
    client.readContract({ address: vault, abi: mandateVaultAbi, functionName, args, blockNumber } as never) as Promise<VaultViewReturn<name>>;

  const tokens = new Set<Address>(parameters.tokens);
  const pools = new Map<string, { tokenA: Address; tokenB: Address; fee: number }>();
  for (const pool of parameters.pools ?? []) pools.set(poolKey(pool.tokenA, pool.tokenB, pool.fee), pool);
  const decisionIds = new Map<string, Hex>();
  for (const id of parameters.decisionIds ?? []) decisionIds.set(decisionKey(id), id);
  const readLists = (tokenList: readonly Address[], poolList: readonly { tokenA: Address; tokenB: Address; fee: number }[], idList: readonly Hex[]) =>
    Promise.all([
      Promise.all(tokenList.map((token) => read('tokenConfig', [token]))),
      Promise.all(poolList.map((pool) => read('poolAllowed', [pool.tokenA, pool.tokenB, pool.fee]))),
      Promise.all(idList.map((id) => read('decisionExecuted', [id]))),
    ]);

  // Round 1: the vault's fields, the candidates, and the logs that may name more of them, together.
  const scan = parameters.fromBlock !== undefined && parameters.fromBlock <= blockNumber;
  const candidates = { tokens: [...tokens], pools: [...pools.values()], ids: [...decisionIds.values()] };
  const [agentRead, paused, policy, allowanceState, lastTradeAt, sequencerFeedRead, sequencerGrace, listed, events] = await Promise.all([
    read('agent'),
    read('paused'),
    read('policy'),
    read('allowanceState'),
    read('lastTradeAt'),
    read('sequencerUptimeFeed'),
    read('sequencerGracePeriod'),
    readLists(candidates.tokens, candidates.pools, candidates.ids),
    scan ? getVaultEvents({ client, vault, eventNames: ['TokenConfigured', 'PoolAllowed', 'TradeExecuted'], fromBlock: parameters.fromBlock, toBlock: blockNumber }) : [],
  ]);
  const agent = toAddress(agentRead);
  const sequencerFeed = toAddress(sequencerFeedRead);
  const discovered = { tokens: new Set<Address>(), pools: new Map<string, { tokenA: Address; tokenB: Address; fee: number }>(), ids: new Map<string, Hex>() };
  for (const event of events) {
    if (event.eventName === 'TokenConfigured') {
      if (!tokens.has(event.args.token)) discovered.tokens.add(event.args.token);
    } else if (event.eventName === 'PoolAllowed') {
      const { token0, token1, fee } = event.args;
      if (!pools.has(poolKey(token0, token1, fee))) discovered.pools.set(poolKey(token0, token1, fee), { tokenA: token0, tokenB: token1, fee });
    } else {
      const { decisionId } = event.args;
      if (!decisionIds.has(decisionKey(decisionId))) discovered.ids.set(decisionKey(decisionId), decisionId);
    }
  }

  const tokenPolicies = new Map<Address, TokenPolicy>();
  const addTokens = (tokenList: readonly Address[], configs: readonly VaultViewReturn<'tokenConfig'>[]) =>
    tokenList.forEach((token, i) => {
      const config = configs[i]!;
      if (config.allowed) tokenPolicies.set(token, { feed: toAddress(config.feed), maxOracleAge: config.maxOracleAge, decimals: config.decimals });
    });
  addTokens(candidates.tokens, listed[0]);
  const sequencer = sequencerFeed === zeroAddress ? undefined : { feed: sequencerFeed, gracePeriod: sequencerGrace };

  // Round 2: what only the logs named, with the feeds of the tokens known so far.
  const more = { tokens: [...discovered.tokens], pools: [...discovered.pools.values()], ids: [...discovered.ids.values()] };
  const knownFeeds = [...tokenPolicies.values()].map((token) => token.feed);
  const [moreListed, knownOracles] = await Promise.all([readLists(more.tokens, more.pools, more.ids), readOracles(client, knownFeeds, sequencer?.feed, blockNumber)]);
  addTokens(more.tokens, moreListed[0]);
  // Round 3, rarely: feeds of tokens only the logs named.
  const read$ = new Set(knownFeeds);
  const newFeeds = [...tokenPolicies.values()].map((token) => token.feed).filter((feed) => !read$.has(feed));
  const oracles = newFeeds.length === 0 ? knownOracles : mergeOracles(knownOracles, await readOracles(client, newFeeds, undefined, blockNumber));

  const allowedPools = [...candidates.pools.filter((_, i) => listed[1][i]), ...more.pools.filter((_, i) => moreListed[1][i])];
  const executedIds = [...candidates.ids.filter((_, i) => listed[2][i]), ...more.ids.filter((_, i) => moreListed[2][i])];
  const state: PolicyState = {
    agent,
    paused,
    policy: {
      perTradeCapUsd: policy.perTradeCapUsd,
      allowanceCapUsd: policy.allowanceCapUsd,
      refillAmountUsd: policy.refillAmountUsd,
      refillInterval: policy.refillInterval,
      maxSlippageBps: policy.maxSlippageBps,
      cooldown: policy.cooldown,
    },
    allowanceUsd: allowanceState[0],
    allowanceUpdatedAt: BigInt(allowanceState[1]),
    lastTradeAt: BigInt(lastTradeAt),
    tokens: tokenPolicies,
    pools: new Set(allowedPools.map((pool) => poolKey(pool.tokenA, pool.tokenB, pool.fee))),
    executedDecisions: new Set(executedIds.map(decisionKey)),
    sequencer,
  };
  return { state, oracles, blockNumber, timestamp: block.timestamp };
}

/**
 * The feeds' latestRoundData and decimals (and the sequencer feed's round) at one block; a feed whose call
 * reverts is left out.
 *
 * @example
 * const oracles = await readOracles(client, [ethUsdFeed, usdcUsdFeed], undefined, blockNumber);
 */
export async function readOracles(
  client: PublicClient,
  feeds: readonly Address[],
  sequencerFeed: Address | undefined,
  blockNumber: bigint,
): Promise<VaultPolicySnapshot['oracles']> {
  const unique = [...new Set(feeds)];
  const call = <const name extends 'latestRoundData' | 'decimals'>(feed: Address, functionName: name) =>
    client
      .readContract({ address: feed, abi: aggregatorV3Abi, functionName, blockNumber } as never)
      .then((value) => value as name extends 'decimals' ? number : readonly [bigint, bigint, bigint, bigint, bigint])
      .catch(() => undefined);
  const [rounds, decimals, sequencerRound] = await Promise.all([
    Promise.all(unique.map((feed) => call(feed, 'latestRoundData'))),
    Promise.all(unique.map((feed) => call(feed, 'decimals'))),
    sequencerFeed === undefined ? undefined : call(sequencerFeed, 'latestRoundData'),
  ]);
  const oracleRounds = new Map<Address, OracleReading>();
  const feedDecimals = new Map<Address, number>();
  unique.forEach((feed, i) => {
    const round = rounds[i];
    if (round !== undefined) oracleRounds.set(feed, { answer: round[1], updatedAt: round[3] });
    const feedDecimalsValue = decimals[i];
    if (feedDecimalsValue !== undefined) feedDecimals.set(feed, feedDecimalsValue);
  });
  const sequencer: SequencerReading | undefined = sequencerRound === undefined ? undefined : { answer: sequencerRound[1], startedAt: sequencerRound[2] };
  return { oracleRounds, feedDecimals, sequencer };
}

function mergeOracles(a: VaultPolicySnapshot['oracles'], b: VaultPolicySnapshot['oracles']): VaultPolicySnapshot['oracles'] {
  return {
    oracleRounds: new Map([...a.oracleRounds, ...b.oracleRounds]),
    feedDecimals: new Map([...a.feedDecimals, ...b.feedDecimals]),
    sequencer: a.sequencer ?? b.sequencer,
  };
}

type VaultViewName =
  | 'agent'
  | 'paused'
  | 'policy'
  | 'allowanceState'
  | 'lastTradeAt'
  | 'sequencerUptimeFeed'
  | 'sequencerGracePeriod'
  | 'tokenConfig'
  | 'poolAllowed'
  | 'decisionExecuted';

// Addresses as viem returns them: normalised with toAddress where they are read.
type VaultViewReturn<name extends VaultViewName> = {
  agent: `0x${string}`;
  paused: boolean;
  policy: { perTradeCapUsd: bigint; allowanceCapUsd: bigint; refillAmountUsd: bigint; refillInterval: number; maxSlippageBps: number; cooldown: number };
  allowanceState: readonly [bigint, number];
  lastTradeAt: number;
  sequencerUptimeFeed: `0x${string}`;
  sequencerGracePeriod: number;
  tokenConfig: { feed: `0x${string}`; maxOracleAge: number; decimals: number; allowed: boolean };
  poolAllowed: boolean;
  decisionExecuted: boolean;
}[name];
