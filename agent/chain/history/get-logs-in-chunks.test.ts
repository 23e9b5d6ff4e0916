import { createPublicClient, createWalletClient, http, type PublicClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultyRpcProxy, type FaultyRpcProxyOptions, type RpcFault, startFaultyRpcProxy } from '../../../test/support/faulty-rpc-proxy.js';
import { toAddress, type Address } from '../../model/address.js';
import { type AnvilInstance, startAnvil } from '../anvil.js';
import { devAccountAt } from '../dev-accounts.js';
import { devAggregatorAbi, devAggregatorBytecode } from '../generated/index.js';
import { answerUpdatedEvent } from './chainlink-proxy-abi.js';
import { type BlockRange, getLogsInChunks, LogRangeError } from './get-logs-in-chunks.js';
import { createRpcCallStats } from './with-rpc-retry.js';

let anvil: AnvilInstance;
let aggregator: Address;
let head: bigint;
let expected: { blockNumber: bigint; logIndex: number }[];
const proxies: FaultyRpcProxy[] = [];

const clientFor = (url: string) => createPublicClient({ chain: foundry, transport: http(url, { batch: false, retryCount: 0 }) }) as PublicClient;

beforeAll(async () => {
  anvil = await startAnvil();
  const account = privateKeyToAccount(devAccountAt(0).privateKey);
  const wallet = createWalletClient({ account, chain: foundry, transport: http(anvil.rpcUrl) });
  const client = clientFor(anvil.rpcUrl);
  const deployed = await client.waitForTransactionReceipt({ hash: await wallet.deployContract({ abi: devAggregatorAbi, bytecode: devAggregatorBytecode, args: [8, 'ETH / USD'] }) });
  aggregator = toAddress(deployed.contractAddress!);
  // 40 rounds, one block each (anvil mines a block per transaction), then empty blocks: a range to walk.
  for (let round = 1n; round <= 40n; round++) {
    const hash = await wallet.writeContract({ address: aggregator, abi: devAggregatorAbi, functionName: 'setRound', args: [round, round * 100n, round, round, round] });
    await client.waitForTransactionReceipt({ hash });
  }
  await client.request({ method: 'anvil_mine' as 'eth_chainId', params: ['0x190'] as never });
  head = await client.getBlockNumber({ cacheTime: 0 });
  expected = (await client.getLogs({ address: aggregator, event: answerUpdatedEvent, fromBlock: 0n, toBlock: head })).map(({ blockNumber, logIndex }) => ({ blockNumber, logIndex }));
});

afterAll(async () => {
  await Promise.all(proxies.map((proxy) => proxy.stop()));
  await anvil?.stop();
});

async function proxy(options: Omit<FaultyRpcProxyOptions, 'target'>): Promise<FaultyRpcProxy> {
  const started = await startFaultyRpcProxy({ target: anvil.rpcUrl, ...options });
  proxies.push(started);
  return started;
}

async function readAll(url: string, options: { initialRange?: bigint; maxRange?: bigint } = {}) {
  const client = clientFor(url);
  const stats = createRpcCallStats();
  const chunks: (BlockRange & { logs: number })[] = [];
  const logs: { blockNumber: bigint; logIndex: number }[] = [];
  const getLogs = (range: BlockRange) => client.getLogs({ address: aggregator, event: answerUpdatedEvent, ...range });
  for await (const chunk of getLogsInChunks({ fromBlock: 0n, toBlock: head, getLogs, retry: { stats }, ...options })) {
    chunks.push({ fromBlock: chunk.fromBlock, toBlock: chunk.toBlock, logs: chunk.logs.length });
    logs.push(...chunk.logs.map(({ blockNumber, logIndex }) => ({ blockNumber, logIndex })));
  }
  return { stats, chunks, logs };
}

function expectContiguous(chunks: BlockRange[]): void {
  expect(chunks[0]!.fromBlock).toBe(0n);
  expect(chunks.at(-1)!.toBlock).toBe(head);
  for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.fromBlock).toBe(chunks[i - 1]!.toBlock + 1n);
}

describe('getLogsInChunks', () => {
  it('halves a range the provider refuses and settles near its limit: every log once, in order', async () => {
    const limited = await proxy({ maxLogsRange: 7 });
    const { stats, chunks, logs } = await readAll(limited.url, { initialRange: 64n });
    expect(logs).toEqual(expected);
    expectContiguous(chunks);
    expect(chunks.every((chunk) => chunk.toBlock - chunk.fromBlock + 1n <= 7n)).toBe(true);
    expect(stats.rangeSplits).toBeGreaterThanOrEqual(4); // 64 → 32 → 16 → 8 → 4 blocks
    // Probing between the largest size served and the smallest refused costs a few refusals, not one per range.
    expect(stats.rangeSplits).toBeLessThan(chunks.length / 2);
    expect(limited.calls.filter((call) => call.fault === 'range-limit')).toHaveLength(stats.rangeSplits);
  });

  it('halves on "too many results", and grows again where logs are sparse', async () => {
    const limited = await proxy({ maxLogsResults: 5 });
    const { stats, chunks, logs } = await readAll(limited.url, { initialRange: 64n, maxRange: 1_000n });
    expect(logs).toEqual(expected);
    expectContiguous(chunks);
    expect(chunks.every((chunk) => chunk.logs <= 5)).toBe(true);
    expect(stats.rangeSplits).toBeGreaterThan(0);
    // After the 40 blocks with logs, the empty ones are read in ever larger ranges.
    expect(chunks.some((chunk) => chunk.toBlock - chunk.fromBlock + 1n > 64n)).toBe(true);
  });

  it('retries a dropped connection, a 503 and a 429, waiting as long as Retry-After asks', async () => {
    const scripted: RpcFault[] = [{ kind: 'drop' }, { kind: 'server-error' }, { kind: 'rate-limit', retryAfterSeconds: 1 }];
    let getLogsCalls = 0;
    const faulty = await proxy({ script: (call) => (call.method === 'eth_getLogs' ? scripted[getLogsCalls++] : undefined) });
    const { stats, logs } = await readAll(faulty.url, { initialRange: 16n });
    expect(logs).toEqual(expected);
    expect(stats).toMatchObject({ retries: 3, rateLimited: 1, rangeSplits: 0 });
    const calls = faulty.calls.filter((call) => call.method === 'eth_getLogs');
    expect(calls.slice(0, 4).map((call) => call.fault)).toEqual(['drop', 'server-error', 'rate-limit', undefined]);
    // The request after the 429 came no sooner than its Retry-After of one second.
    expect(calls[3]!.at - calls[2]!.at).toBeGreaterThanOrEqual(1_000);
  });

  it('gives up with a LogRangeError when even one block is refused', async () => {
    const refusing = await proxy({ script: (call) => (call.method === 'eth_getLogs' ? { kind: 'range' } : undefined) });
    const error = await readAll(refusing.url, { initialRange: 4n }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LogRangeError);
    expect((error as LogRangeError).shortMessage).toBe('The provider refuses eth_getLogs even for block 0 alone.');
  });
});
