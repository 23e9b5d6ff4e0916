/**
 * `mandate data fetch` end to end: the real CLI process against a devnet whose market replay runs (real
 * Uniswap v3, the replayed Chainlink rounds), as the stand-in for a real chain. Faults come from a real
 * HTTP proxy in front of anvil; kills are real SIGKILLs.
 */
import { execFile, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createWalletClient, getAbiItem, http, maxUint128, maxUint256, type PublicClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chainlinkCsvSource } from '../backtest/sources/chainlink-csv-source.js';
import { uniswapEventsCsvSource } from '../backtest/sources/uniswap-events-csv-source.js';
import { type AnvilInstance, startAnvil } from '../agent/chain/anvil.js';
import { deployDevnet } from '../agent/devnet/deploy-devnet.js';
import { createDevnetClients } from '../agent/devnet/devnet-clients.js';
import { defaultDevnetExtensions } from '../agent/devnet/devnet-extensions.js';
import { type DevnetManifest, devnetPool, writeDevnetManifest } from '../agent/devnet/devnet-manifest.js';
import { runMarketDriver } from '../agent/devnet/market-driver.js';
import { defaultReplayCsvPath, loadReplayRounds } from '../agent/devnet/replay-rounds.js';
import { devAggregatorAbi, devAggregatorBytecode, devFeedProxyAbi, devFeedProxyBytecode, nonfungiblePositionManagerAbi, uniswapV3PoolAbi } from '../agent/chain/generated/index.js';
import { type ChainlinkCsvRound, readChainlinkRounds } from '../agent/market/csv/chainlink-rounds.js';
import { readCsv } from '../agent/market/csv/read-csv.js';
import { toAddress } from '../agent/model/address.js';
import { type FaultyRpcProxy, type FaultyRpcProxyOptions, type RpcFault, startFaultyRpcProxy } from './support/faulty-rpc-proxy.js';

// Each test runs the CLI a few times (a few seconds each on a busy machine) and the setup replays a market.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const execFileAsync = promisify(execFile);
const bin = join(import.meta.dirname, '..', 'bin', 'mandate.js');
const dir = mkdtempSync(join(tmpdir(), 'mandate-data-fetch-'));
const manifestPath = join(dir, 'devnet.json');
// No RPC from the environment, and no agent.config.ts of the repo's own (the CLI runs in the temp dir).
const env = { ...process.env, MANDATE_RPC_URL: '' };
let anvil: AnvilInstance;
let manifest: DevnetManifest;
let publicClient: PublicClient;
/** Every round the feed got: the one set at deploy, then each the market driver replayed. */
const replayed: ChainlinkCsvRound[] = [];
const proxies: FaultyRpcProxy[] = [];
let files = 0;
const out = (name: string) => join(dir, `${files++}-${name}`);

type Result = { code: number; stdout: string; stderr: string; json: Record<string, any> };

/** Runs the real `mandate` CLI; `json` is the last stdout line parsed when it is JSON. */
async function mandate(...args: string[]): Promise<Result> {
  const result = await execFileAsync(process.execPath, [bin, ...args], { cwd: dir, env, maxBuffer: 1 << 24 }).then(
    (r) => ({ code: 0, ...r }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
  let json: Record<string, any> = {};
  try {
    json = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as Record<string, any>;
  } catch {
    // Not under --json.
  }
  return { ...result, json };
}

async function proxy(options: Omit<FaultyRpcProxyOptions, 'target'> = {}): Promise<FaultyRpcProxy> {
  const started = await startFaultyRpcProxy({ target: anvil.rpcUrl, ...options });
  proxies.push(started);
  return started;
}

const devnet = ['--devnet', '--manifest', manifestPath];
const pool500 = () => devnetPool(manifest, 500).address;

beforeAll(async () => {
  const { rounds } = await loadReplayRounds(defaultReplayCsvPath);
  anvil = await startAnvil({ timestamp: rounds[0]!.updatedAt - 60n });
  manifest = await deployDevnet({ rpcUrl: anvil.rpcUrl, firstRound: rounds[0]!, replaySource: defaultReplayCsvPath, extensions: defaultDevnetExtensions });
  writeDevnetManifest(manifest, manifestPath);
  publicClient = createDevnetClients(anvil.rpcUrl, manifest.chainId).publicClient;
  replayed.push(rounds[0]!);
  await runMarketDriver({ manifest, maxRounds: 30, onRound: (p) => void replayed.push(p.round) });

  // The deployer takes half of its full-range position (token 5, always in range) out and collects: a Burn
  // and its DecreaseLiquidity, then the Burn of 0 that settles fees, the Collect and the manager's Collect,
  // as on mainnet. Swaps follow.
  const deployer = createWalletClient({ account: privateKeyToAccount(manifest.accounts.deployer.privateKey), transport: http(anvil.rpcUrl) });
  const [, , , , , , , liquidity] = await publicClient.readContract({ address: manifest.uniswap.positionManager, abi: nonfungiblePositionManagerAbi, functionName: 'positions', args: [5n] });
  const send = async (functionName: 'decreaseLiquidity' | 'collect', args: readonly unknown[]) => {
    const hash = await deployer.writeContract({ chain: null, address: manifest.uniswap.positionManager, abi: nonfungiblePositionManagerAbi, functionName, args, gas: 1_000_000n } as never);
    expect((await publicClient.waitForTransactionReceipt({ hash })).status).toBe('success');
  };
  await send('decreaseLiquidity', [{ tokenId: 5n, liquidity: liquidity / 2n, amount0Min: 0n, amount1Min: 0n, deadline: maxUint256 }]);
  await send('collect', [{ tokenId: 5n, recipient: manifest.accounts.deployer.address, amount0Max: maxUint128, amount1Max: maxUint128 }]);
  await runMarketDriver({ manifest, maxRounds: 10, onRound: (p) => void replayed.push(p.round) });
});

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.stop()));
  await anvil?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('mandate data fetch chainlink', () => {
  it('fetches exactly the replayed rounds, oldest first, while the replay goes on, in a file the readers take', async () => {
    const controller = new AbortController();
    const replay = runMarketDriver({ manifest, signal: controller.signal, onRound: (p) => void replayed.push(p.round) });
    const file = out('rounds.csv');
    const fetched = await mandate('data', 'fetch', 'chainlink', '--feed', 'ETH/USD', ...devnet, '--out', file, '--json');
    controller.abort();
    await replay;
    expect(fetched.code, fetched.stderr).toBe(0);

    const rows = [];
    for await (const { values } of readCsv(file)) rows.push(values);
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe('round,answer,start,update,answeredInRound,decimals');
    expect(rows.length).toBeGreaterThanOrEqual(41);
    const expected = replayed.slice(0, rows.length).map((r) => ({
      round: String(r.roundId), answer: String(r.answer), start: String(r.startedAt), update: String(r.updatedAt), answeredInRound: String(r.answeredInRound), decimals: '8',
    }));
    expect(rows).toEqual(expected);
    expect(fetched.json).toMatchObject({ rows: rows.length, newRows: rows.length, resumed: false, chainId: manifest.chainId, feed: { address: manifest.feeds['ETH/USD'].address, pair: 'ETH/USD', description: 'ETH / USD', decimals: 8 } });

    const meta = JSON.parse(readFileSync(`${file}.meta.json`, 'utf8'));
    expect(meta).toMatchObject({
      kind: 'chainlink-rounds',
      rows: rows.length,
      feed: { description: 'ETH / USD', decimals: 8 },
      source: { rpc: anvil.rpcUrl, chainId: manifest.chainId, blocks: { from: '0', to: fetched.json.toBlock }, time: { from: Number(replayed[0]!.updatedAt), to: Number(expected.at(-1)!.update) }, tool: expect.stringMatching(/^mandate \d+\.\d+\.\d+/) },
    });
    expect(existsSync(`${file}.progress.json`)).toBe(false);

    // Both readers take the layout: the replay's reader and the backtest source, with nothing rejected.
    const read = await readChainlinkRounds(file);
    expect(read.unparsable).toEqual([]);
    expect(read.rounds.map((r) => r.answer)).toEqual(replayed.slice(0, rows.length).map((r) => r.answer));
    const source = chainlinkCsvSource({ path: file, feed: manifest.feeds['ETH/USD'].address });
    for await (const _batch of source.batches());
    expect(source.stats()).toMatchObject({ rows: rows.length, emitted: rows.length, rejected: 0 });

    // Run again on the finished file, after more rounds: it appends exactly the new ones.
    await runMarketDriver({ manifest, maxRounds: 3, noiseSwapsPerRound: 0, onRound: (p) => void replayed.push(p.round) });
    const extended = await mandate('data', 'fetch', 'chainlink', '--feed', 'ETH/USD', ...devnet, '--out', file, '--json');
    expect(extended.code, extended.stderr).toBe(0);
    expect(extended.json).toMatchObject({ resumed: true, rows: replayed.length, newRows: replayed.length - rows.length });
    expect((await readChainlinkRounds(file)).rounds.map((r) => r.roundId)).toEqual(replayed.map((r) => r.roundId));
    expect(JSON.parse(readFileSync(`${file}.meta.json`, 'utf8')).source.blocks.from).toBe('0');
  });
});

describe('mandate data fetch chainlink behind a proxy with two phases', () => {
  it('walks both phases: ids carry the phase, a phase that starts above round 1 with gaps is read exactly, an old phase late round is left out', async () => {
    const wallet = createWalletClient({ account: privateKeyToAccount(manifest.accounts.deployer.privateKey), transport: http(anvil.rpcUrl) });
    const confirm = async (hash: `0x${string}`) => {
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      expect(receipt.status).toBe('success');
      return receipt;
    };
    const deploy = async (abi: readonly unknown[], bytecode: `0x${string}`, args: readonly unknown[]) =>
      toAddress((await confirm(await wallet.deployContract({ chain: null, abi, bytecode, args } as never))).contractAddress!);
    const [first, second] = [await deploy(devAggregatorAbi, devAggregatorBytecode, [8, 'BTC / USD']), await deploy(devAggregatorAbi, devAggregatorBytecode, [8, 'BTC / USD'])];
    const feed = await deploy(devFeedProxyAbi, devFeedProxyBytecode, [first, 1]);
    const now = (await publicClient.getBlock()).timestamp;
    const set: { aggregator: `0x${string}`; round: bigint; answer: bigint; time: bigint }[] = [];
    const setRound = async (aggregator: `0x${string}`, round: bigint) => {
      const entry = { aggregator, round, answer: 60_000n * 10n ** 8n + round, time: now + BigInt(set.length) };
      set.push(entry);
      await confirm(await wallet.writeContract({ chain: null, address: aggregator, abi: devAggregatorAbi, functionName: 'setRound', args: [round, entry.answer, entry.time - 1n, entry.time, round] }));
    };
    for (const round of [1n, 2n, 3n, 4n]) await setRound(first, round);
    // The feed's owner (the deployer) moves it to the second aggregator: phase 2 begins.
    await confirm(await wallet.writeContract({ chain: null, address: feed, abi: devFeedProxyAbi, functionName: 'proposeAggregator', args: [second] }));
    await confirm(await wallet.writeContract({ chain: null, address: feed, abi: devFeedProxyAbi, functionName: 'confirmAggregator', args: [second] }));
    for (const round of [7n, 8n, 10n, 13n]) await setRound(second, round);
    await setRound(first, 5n); // the old aggregator still reports once after the upgrade
    await setRound(second, 14n);

    const file = out('two-phases.csv');
    const fetched = await mandate('data', 'fetch', 'chainlink', '--feed', feed, ...devnet, '--out', file, '--json');
    expect(fetched.code, fetched.stderr).toBe(0);
    const rows: Record<string, string>[] = [];
    for await (const { values } of readCsv(file)) rows.push(values);
    const phased = (phase: bigint, round: bigint) => String((phase << 64n) | round);
    const expected = set
      .filter((entry) => !(entry.aggregator === first && entry.round === 5n))
      .map((entry) => {
        const id = phased(entry.aggregator === first ? 1n : 2n, entry.round);
        return { round: id, answer: String(entry.answer), start: String(entry.time - 1n), update: String(entry.time), answeredInRound: id, decimals: '8' };
      });
    expect(rows).toEqual(expected);
    expect(fetched.json).toMatchObject({
      feed: { address: feed, description: 'BTC / USD', proxy: true },
      phases: [
        { phaseId: 1, aggregator: first, rounds: 4 },
        { phaseId: 2, aggregator: second, rounds: 5 },
      ],
      skipped: { overlap: 1, repeated: 0, unreadable: 0 },
    });
    const meta = JSON.parse(readFileSync(`${file}.meta.json`, 'utf8'));
    expect(meta.source).toMatchObject({
      proxy: feed,
      phases: [
        { phaseId: 1, aggregator: first, decimals: 8, rounds: 4, firstRound: phased(1n, 1n), lastRound: phased(1n, 4n) },
        { phaseId: 2, aggregator: second, decimals: 8, rounds: 5, firstRound: phased(2n, 7n), lastRound: phased(2n, 14n) },
      ],
    });
  });
});

describe('mandate data fetch uniswap', () => {
  for (const fee of [500, 3000]) {
    it(`writes every event of the ${fee} pool in the events layout, and they replay through mandate verify-swaps with 0 mismatched`, async () => {
      const pool = devnetPool(manifest, fee).address;
      const file = out(`events-${fee}.csv`);
      const fetched = await mandate('data', 'fetch', 'uniswap', '--pool', pool, ...devnet, '--out', file, '--json');
      expect(fetched.code, fetched.stderr).toBe(0);

      // The same events, in the same order, as the chain holds.
      const logs = await publicClient.getLogs({
        address: pool,
        events: [
          getAbiItem({ abi: uniswapV3PoolAbi, name: 'Swap' }),
          getAbiItem({ abi: uniswapV3PoolAbi, name: 'Mint' }),
          getAbiItem({ abi: uniswapV3PoolAbi, name: 'Burn' }),
          getAbiItem({ abi: uniswapV3PoolAbi, name: 'Collect' }),
        ],
        fromBlock: 0n,
        toBlock: BigInt(fetched.json.toBlock),
      });
      const rows: Record<string, string>[] = [];
      for await (const { values } of readCsv(file)) rows.push(values);
      expect(rows.map((row) => `${row.tx_type}@${row.block_number}:${row.pool_log_index}`)).toEqual(logs.map((log) => `${log.eventName.toUpperCase()}@${log.blockNumber}:${log.logIndex}`));
      expect(fetched.json).toMatchObject({ rows: rows.length, pool: { address: pool, fee, token0: expect.any(String), positionManager: manifest.uniswap.positionManager } });
      expect(fetched.json.fromBlock).toBe(fetched.json.pool.createdAtBlock);

      const verified = await mandate('verify-swaps', file, '--fee', String(fee), '--json');
      expect(verified.code, verified.stderr).toBe(0);
      expect(verified.json.mismatched).toBe(0);
      expect(verified.json.rejected).toBe(0);
      expect(verified.json.swaps).toBe(rows.filter((row) => row.tx_type === 'SWAP').length);
      expect(verified.json.matched).toBeGreaterThan(verified.json.swaps * 0.9);

      const source = uniswapEventsCsvSource({ path: file, pool });
      for await (const _batch of source.batches());
      expect(source.stats().rejected).toBe(0);
    });
  }

  it("links a Mint, Burn and Collect to the position manager's event, and a fee-settling Burn of 0 to none", async () => {
    const file = out('events.csv');
    expect((await mandate('data', 'fetch', 'uniswap', '--pool', pool500(), ...devnet, '--out', file)).code).toBe(0);
    const rows: Record<string, string>[] = [];
    for await (const { values } of readCsv(file)) rows.push(values);
    const changes = rows.filter((row) => row.tx_type !== 'SWAP');
    const receipts = new Map<string, Awaited<ReturnType<typeof publicClient.getTransactionReceipt>>>();
    for (const row of changes) receipts.set(row.transaction_hash!, await publicClient.getTransactionReceipt({ hash: row.transaction_hash as `0x${string}` }));
    const managerLog = (row: Record<string, string>) =>
      receipts.get(row.transaction_hash!)!.logs.find((log) => toAddress(log.address) === manifest.uniswap.positionManager && log.logIndex > Number(row.pool_log_index) && log.topics.length === 2);

    const mints = changes.filter((row) => row.tx_type === 'MINT');
    expect(mints.map((row) => row.position_id)).toEqual(['1', '2', '3', '4', '5']);
    const [burn, settle, ...rest] = changes.filter((row) => row.tx_type !== 'MINT');
    expect([burn!.tx_type, settle!.tx_type, ...rest.map((row) => row.tx_type)]).toEqual(['BURN', 'BURN', 'COLLECT']);
    const collect = rest[0]!;
    for (const row of [...mints, burn!, collect]) {
      expect(row.proxy_log_index).toBe(String(managerLog(row)!.logIndex));
      expect(row.sender).toBe(manifest.uniswap.positionManager);
    }
    expect(burn).toMatchObject({ position_id: '5', tick_lower: '-887270', receipt: '', total_liquidity_delta: `-${burn!.liquidity}` });
    expect(settle).toMatchObject({ liquidity: '0', amount0: '0', amount1: '0', proxy_log_index: '', position_id: '' });
    expect(collect).toMatchObject({ position_id: '5', receipt: manifest.accounts.deployer.address, total_liquidity_delta: '0', liquidity: '' });
    // Every row carries the pool's state after it: the price the pool was initialised at, from the first row on.
    expect(rows.every((row) => row.sqrtPriceX96 !== '' && row.current_tick !== '' && row.total_liquidity !== '')).toBe(true);
  });
});

describe('mandate data fetch through a faulty RPC', () => {
  /** The same fetch of each kind, bounded to the chain as it is now, so every run of it reads the same range. */
  async function boundedFetches(): Promise<string[][]> {
    const toBlock = await publicClient.getBlockNumber({ cacheTime: 0 });
    const toTime = (await publicClient.getBlock({ blockNumber: toBlock })).timestamp;
    return [
      ['chainlink', '--feed', 'ETH/USD', '--to', String(toTime)],
      ['uniswap', '--pool', pool500(), '--to-block', String(toBlock)],
    ];
  }

  for (const kind of ['chainlink', 'uniswap']) {
    it(`${kind}: gives the same file through range limits, result limits, 429s, 503s and dropped connections`, async () => {
      const args = (await boundedFetches()).find((fetch) => fetch[0] === kind)!;
      const reference = out(`${kind}-reference.csv`);
      expect((await mandate('data', 'fetch', ...args, ...devnet, '--out', reference)).code).toBe(0);

      let calls = 0;
      const scripted: Record<number, RpcFault> = { 3: { kind: 'drop' }, 6: { kind: 'rate-limit', retryAfterSeconds: 1 }, 9: { kind: 'server-error' }, 14: { kind: 'drop' } };
      const faulty = await proxy({ maxLogsRange: 16, maxLogsResults: 12, stripBlockTimestamps: true, script: () => scripted[++calls] });
      const file = out(`${kind}-faulty.csv`);
      const fetched = await mandate('data', 'fetch', ...args, ...devnet, '--rpc', faulty.url, '--out', file, '--json');
      expect(fetched.code, fetched.stderr).toBe(0);
      expect(readFileSync(file, 'utf8')).toBe(readFileSync(reference, 'utf8'));
      expect(fetched.json).toMatchObject({ retries: 4, rateLimited: 1, rpc: faulty.url });
      expect(fetched.json.rangeSplits).toBeGreaterThan(0);
      expect(faulty.calls.filter((call) => call.fault === 'range-limit' || call.fault === 'result-limit')).toHaveLength(fetched.json.rangeSplits);
      // The request sent again after the 429 waited the second its Retry-After asked for.
      const limited = faulty.calls.find((call) => call.fault === 'rate-limit')!;
      const again = faulty.calls.find((call) => call.index > limited.index && call.method === limited.method && JSON.stringify(call.params) === JSON.stringify(limited.params))!;
      expect(again.at - limited.at).toBeGreaterThanOrEqual(1_000);
    });

    it(`${kind}: resumes after a SIGKILL mid-fetch and a torn last line into a byte-identical file`, async () => {
      const args = (await boundedFetches()).find((fetch) => fetch[0] === kind)!;
      const reference = out(`${kind}-reference.csv`);
      expect((await mandate('data', 'fetch', ...args, ...devnet, '--out', reference)).code).toBe(0);
      const expected = readFileSync(reference, 'utf8');

      // Through a proxy with a small range limit, held once the scan reaches the middle of the chain.
      const slow = await proxy({ maxLogsRange: 8 });
      const middle = (await publicClient.getBlockNumber({ cacheTime: 0 })) / 2n;
      const held = slow.pauseAt((call) => call.method === 'eth_getLogs' && BigInt((call.params[0] as { fromBlock: string }).fromBlock) >= middle);
      const file = out(`${kind}-killed.csv`);
      const child = spawn(process.execPath, [bin, 'data', 'fetch', ...args, ...devnet, '--rpc', slow.url, '--out', file], { cwd: dir, env, stdio: 'ignore' });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
      await held;
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      slow.resume();

      const partial = readFileSync(file, 'utf8');
      expect(partial.length).toBeGreaterThan(expected.split('\n')[0]!.length + 1);
      expect(partial.length).toBeLessThan(expected.length);
      expect(expected.startsWith(partial)).toBe(true);
      expect(existsSync(`${file}.progress.json`)).toBe(true);
      appendFileSync(file, '123,45'); // as if the kill had torn a line in half

      const resumed = await mandate('data', 'fetch', ...args, ...devnet, '--out', file, '--json');
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.json).toMatchObject({ resumed: true, truncatedBytes: 6 });
      expect(BigInt(resumed.json.scannedFrom)).toBeGreaterThan(middle - 8n);
      expect(readFileSync(file, 'utf8')).toBe(expected);
      expect(existsSync(`${file}.progress.json`)).toBe(false);
      // The meta file too is the same, but for the RPC each run used.
      const meta = (path: string) => {
        const json = JSON.parse(readFileSync(`${path}.meta.json`, 'utf8'));
        return { ...json, source: { ...json.source, rpc: 'either' } };
      };
      expect(meta(file)).toEqual(meta(reference));
    });
  }
});

describe('progress', () => {
  /** Runs the CLI on a pseudo-terminal (util-linux `script`), as a person would; returns what the terminal showed. */
  async function onTerminal(...args: string[]): Promise<string> {
    const command = [process.execPath, bin, ...args].map((arg) => `'${arg}'`).join(' ');
    const { stdout } = await execFileAsync('script', ['-qec', command, '/dev/null'], { cwd: dir, env, maxBuffer: 1 << 24 });
    return stdout;
  }

  it('shows a progress bar on a terminal, and none under --json', async () => {
    const shown = await onTerminal('data', 'fetch', 'chainlink', '--feed', 'ETH/USD', ...devnet, '--out', out('bar.csv'), '--max-block-range', '64');
    expect(shown).toMatch(/\r\[[#.]{30}\] +\d+% {2}block \d+ of \d+ {2}\d+ rows {2}0 retries/);
    expect(shown).toMatch(/\[#{30}\] 100%/);
    const quiet = await onTerminal('data', 'fetch', 'uniswap', '--pool', pool500(), ...devnet, '--out', out('quiet.csv'), '--max-block-range', '64', '--json');
    expect(quiet).not.toMatch(/\[[#.]{30}\]/);
    expect(JSON.parse(quiet.trim().split(/\r?\n/).at(-1)!)).toMatchObject({ newRows: expect.any(Number) });
  });
});

describe('--rpc and --rpc-url', () => {
  it('every chain command takes --rpc <url> and its alias --rpc-url', async () => {
    const commands = [['run'], ['vault', 'status'], ['vault', 'pause'], ['decisions', 'verify'], ['decisions', 'prove'], ['data', 'fetch', 'chainlink'], ['data', 'fetch', 'uniswap']];
    const helps = await Promise.all(commands.map((command) => mandate(...command, '--help')));
    for (const [i, help] of helps.entries()) expect(help.stdout, commands[i]!.join(' ')).toMatch(/--rpc, --rpc-url <url>/);
    // Either spelling sends the command's requests to that RPC, over the devnet manifest's.
    const counting = await Promise.all([proxy(), proxy()]);
    const statuses = await Promise.all(['--rpc', '--rpc-url'].map((flag, i) => mandate('vault', 'status', ...devnet, flag, counting[i]!.url, '--json')));
    for (const [i, status] of statuses.entries()) {
      expect(status.code, status.stderr).toBe(0);
      expect(status.json.vault).toBe(manifest.contracts.MandateVault);
      expect(counting[i]!.calls.length).toBeGreaterThan(0);
    }
  });

  it('never prints an RPC URL with its key, in output, meta or errors', async () => {
    const keyed = `${(await proxy()).url}/v2/SECRET-KEY?apikey=HIDDEN`;
    const file = out('keyed.csv');
    const fetched = await mandate('data', 'fetch', 'chainlink', '--feed', manifest.feeds['ETH/USD'].address, '--rpc-url', keyed, '--out', file, '--json');
    expect(fetched.code, fetched.stderr).toBe(0);
    const failed = await mandate('data', 'fetch', 'chainlink', '--feed', manifest.accounts.trader.address, '--rpc', keyed, '--out', out('not-a-feed.csv'));
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/is not a Chainlink feed/);
    for (const text of [fetched.stdout, fetched.stderr, readFileSync(`${file}.meta.json`, 'utf8'), failed.stdout, failed.stderr]) {
      expect(text).not.toMatch(/SECRET|HIDDEN/);
    }
    expect(fetched.json.rpc).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/…$/);
  });
});
