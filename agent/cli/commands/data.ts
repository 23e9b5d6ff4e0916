import { packageIdentity } from '../../model/package-identity.js';
import { type Command, InvalidArgumentError } from 'commander';
import type { PublicClient } from 'viem';
import type { RpcCallStats } from '../../chain/history/with-rpc-retry.js';
import type { FetchChainlinkRoundsReturnType } from '../../market/fetch/fetch-chainlink-rounds.js';
import type { FetchSummary } from '../../market/fetch/fetch-meta.js';
import type { FetchUniswapEventsReturnType } from '../../market/fetch/fetch-uniswap-events.js';
import { parseTimeSeconds } from '../../../backtest/sources/parse-time.js';
import { type Address, isAddress, toAddress } from '../../model/address.js';
import { MandateError } from '../../model/base-error.js';
import { type CommandContext, commandAction, withCommonOptions } from '../action.js';
import { createProgressBar } from '../progress-bar.js';
import { type RpcOptions, rememberRpcUrl, withRpcOption } from '../rpc-option.js';

/** `mandate data fetch` was given options it cannot use, or lacks one it needs. */
export class DataFetchOptionError extends MandateError {
  override name = 'DataFetchOptionError';
}

type FetchOptions = RpcOptions & { devnet?: boolean; manifest?: string; out: string; maxBlockRange?: bigint };
type ChainlinkOptions = FetchOptions & { feed: string; from?: number; to?: number };
type UniswapOptions = FetchOptions & { pool: Address; fromBlock?: bigint; toBlock?: bigint; positionManager?: Address };

/** Where the fetch reads from: a client with no retries of its own (the fetch counts and paces them). */
type Source = {
  client: PublicClient;
  /** Every request through `client`, with its retries. */
  stats: RpcCallStats;
  /** The RPC's scheme and host, for output: never its path, query or credentials. */
  rpcLabel: string;
  chainId: number;
  manifest: import('../../devnet/devnet-manifest.js').DevnetManifest | undefined;
  preset: import('../../chain/presets/chain-preset.js').ChainPreset | undefined;
};

const parseBlock = (name: string) => (text: string): bigint => {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError(`"${text}" is not a block number (a whole number ≥ 0) for ${name}.`);
  return BigInt(text);
};
const parsePositiveBlocks = (text: string): bigint => {
  if (!/^\d+$/.test(text) || BigInt(text) < 1n) throw new InvalidArgumentError(`"${text}" is not a number of blocks ≥ 1.`);
  return BigInt(text);
};
const parseAddressOption = (text: string): Address => {
  if (!isAddress(text)) throw new InvalidArgumentError(`"${text}" is not an address (0x and 40 hex digits).`);
  return toAddress(text);
};
const parseTime = (text: string): number => {
  const seconds = parseTimeSeconds(text);
  if (seconds === undefined) throw new InvalidArgumentError(`"${text}" is not a time: give unix seconds (1704412800) or an ISO date (2024-01-05 or 2024-01-05T12:00:00Z).`);
  return seconds;
};

/** --devnet: the manifest's RPC (unless --rpc); else --rpc, MANDATE_RPC_URL, chain.rpcUrl. */
async function connect(ctx: CommandContext, options: FetchOptions): Promise<Source> {
  const [{ createPublicClient, http }, { loadCommandConfig }, { redactUrl }, { getChainPreset, getChainPresetById }, { createRpcCallStats, withRpcRetry }] = await Promise.all([
    import('viem'),
    import('../load-command-config.js'),
    import('../../config/redact-config.js'),
    import('../../chain/presets/chain-presets.js'),
    import('../../chain/history/with-rpc-retry.js'),
  ]);
  const config = await loadCommandConfig(ctx.configPath, 'backtest', { readOnly: true });
  let manifest: Source['manifest'];
  let rpcUrl = options.rpcUrl;
  if (options.devnet) {
    const { readDevnetManifest } = await import('../../devnet/devnet-manifest.js');
    manifest = readDevnetManifest(options.manifest ?? config.chain.devnetManifest);
    rpcUrl ??= manifest.rpcUrl;
  }
  rpcUrl ??= config.chain.rpcUrl;
  if (rpcUrl === undefined) {
    throw new DataFetchOptionError('No RPC to fetch from.', { details: 'Pass --rpc <url>, set MANDATE_RPC_URL or chain.rpcUrl, or use --devnet for the local devnet.' });
  }
  rememberRpcUrl(rpcUrl);
  const client = createPublicClient({ transport: http(rpcUrl, { batch: false, retryCount: 0, timeout: 60_000 }) }) as PublicClient;
  const stats = createRpcCallStats();
  const chainId = await withRpcRetry('eth_chainId', () => client.getChainId(), { stats });
  const configured = getChainPreset(config.chain.preset);
  if (!options.devnet && configured && configured.chainId !== chainId) {
    throw new DataFetchOptionError(`The RPC serves chain ${chainId}, but chain.preset is ${configured.name} (chain ${configured.chainId}).`, {
      details: 'Point --rpc at that chain, or use a config for this one.',
    });
  }
  const preset = options.devnet ? undefined : getChainPresetById(chainId);
  return { client, stats, rpcLabel: redactUrl(rpcUrl), chainId, manifest, preset };
}

const normalisePair = (text: string) => text.replace(/\s+/g, '').replace('-', '/').toUpperCase();

/**
 * --feed: an address, or a pair ("ETH/USD", "eth-usd") of the devnet manifest (--devnet) or of the chain's preset.
 *
 * @example
 * resolveFeed('ETH/USD', { manifest: undefined, preset: ethereumPreset, chainId: 1 }).address; // 0x5f4eC3Df…
 */
export function resolveFeed(text: string, source: Pick<Source, 'manifest' | 'preset' | 'chainId'>): { address: Address; pair: string | undefined } {
  if (isAddress(text)) return { address: toAddress(text, '--feed'), pair: undefined };
  const pair = normalisePair(text);
  const feeds: Record<string, Address> = source.manifest
    ? { 'ETH/USD': source.manifest.feeds['ETH/USD'].address, 'USDC/USD': source.manifest.feeds['USDC/USD'].address }
    : source.preset
      ? { 'ETH/USD': source.preset.chainlink.ethUsd.address, 'USDC/USD': source.preset.chainlink.usdcUsd.address }
      : {};
  const address = feeds[pair];
  if (address === undefined) {
    const where = source.manifest ? 'the devnet manifest' : source.preset ? `the ${source.preset.name} preset` : `chain ${source.chainId}, which has no preset`;
    const known = Object.keys(feeds);
    throw new DataFetchOptionError(`Unknown feed "${text}" on ${where}.`, {
      details: `${known.length > 0 ? `Pairs: ${known.join(', ')}; or` : 'Give'} the feed's proxy address${source.manifest || source.preset ? '' : ' (or use --devnet for the devnet\'s feeds)'}.`,
    });
  }
  return { address: toAddress(address), pair };
}

function toolVersion(): string {
  return `mandate ${packageIdentity().version}`;
}

type FetchRun<T> = (common: import('../../market/fetch/fetch-meta.js').FetchParameters) => Promise<T>;

/** Runs a fetch with retries counted and a progress bar, and adds the counters to its summary. */
async function runFetch<T extends FetchSummary>(ctx: CommandContext, options: FetchOptions, source: Source, fetch: FetchRun<T>) {
  const { stats } = source;
  const bar = createProgressBar(ctx);
  try {
    const result = await fetch({
      client: source.client,
      out: options.out,
      rpcLabel: source.rpcLabel,
      tool: toolVersion(),
      maxRange: options.maxBlockRange,
      retry: { stats },
      onProgress: ({ fromBlock, toBlock, scannedTo, newRows }) => {
        const span = Number(toBlock - fromBlock + 1n);
        bar?.update(span > 0 ? Number(scannedTo - fromBlock + 1n) / span : 1, `block ${scannedTo} of ${toBlock}  ${newRows.toLocaleString('en-US')} rows  ${stats.retries} retries`);
      },
    });
    return { ...result, rpc: source.rpcLabel, ...stats };
  } finally {
    bar?.done();
  }
}

type Rpc = { rpc: string } & RpcCallStats;

function renderCounters(result: FetchSummary & Rpc): string[] {
  return [
    `  blocks ${result.fromBlock}–${result.toBlock} of chain ${result.chainId} via ${result.rpc}${result.resumed ? `; resumed at block ${result.scannedFrom}${result.truncatedBytes > 0 ? ` (a torn last line of ${result.truncatedBytes} bytes cut off)` : ''}` : ''}`,
    `  ${result.requests} requests, ${result.retries} retries (${result.rateLimited} rate-limited), ${result.rangeSplits} log ranges split`,
    `  meta: ${result.metaFile}`,
  ];
}

function renderChainlink(result: FetchChainlinkRoundsReturnType & Rpc): string {
  const { feed } = result;
  const phases = result.phases.filter((phase) => phase.rounds > 0).map((phase) => (phase.phaseId === null ? `${phase.rounds}` : `phase ${phase.phaseId}: ${phase.rounds}`));
  const skipped = Object.entries(result.skipped).filter(([, n]) => n > 0).map(([why, n]) => `${n} ${why}`);
  return [
    `${result.rows.toLocaleString('en-US')} rounds of ${feed.description || feed.address} (${feed.address}, ${feed.decimals} decimals${feed.proxy ? ', proxy' : ''}) in ${result.file}; ${result.newRows.toLocaleString('en-US')} new.`,
    ...(phases.length > 0 ? [`  rounds ${phases.join(', ')}`] : []),
    ...(skipped.length > 0 ? [`  skipped ${skipped.join(', ')}`] : []),
    ...renderCounters(result),
  ].join('\n');
}

function renderUniswap(result: FetchUniswapEventsReturnType & Rpc): string {
  const types = Object.entries(result.rowsByType).map(([type, n]) => `${n} ${type}`).join(', ') || 'none';
  return [
    `${result.rows.toLocaleString('en-US')} events of pool ${result.pool.address} (fee ${result.pool.fee}) in ${result.file}: ${types}; ${result.newRows.toLocaleString('en-US')} new.`,
    ...renderCounters(result),
    `  check it: mandate verify-swaps ${result.file} --fee ${result.pool.fee}`,
  ].join('\n');
}

async function fetchChainlink(ctx: CommandContext, options: ChainlinkOptions) {
  if (options.from !== undefined && options.to !== undefined && options.to < options.from) {
    throw new DataFetchOptionError('--to is before --from.', { details: `Got --from ${options.from} and --to ${options.to} (unix seconds).` });
  }
  const source = await connect(ctx, options);
  const { address, pair } = resolveFeed(options.feed, source);
  const { fetchChainlinkRounds } = await import('../../market/fetch/fetch-chainlink-rounds.js');
  return runFetch(ctx, options, source, (common) => fetchChainlinkRounds({ ...common, feed: address, pair, from: options.from, to: options.to }));
}

async function fetchUniswap(ctx: CommandContext, options: UniswapOptions) {
  if (options.fromBlock !== undefined && options.toBlock !== undefined && options.toBlock < options.fromBlock) {
    throw new DataFetchOptionError('--to-block is before --from-block.', { details: `Got ${options.fromBlock} and ${options.toBlock}.` });
  }
  const source = await connect(ctx, options);
  const { fetchUniswapEvents } = await import('../../market/fetch/fetch-uniswap-events.js');
  const positionManager = options.positionManager ?? source.manifest?.uniswap.positionManager ?? source.preset?.uniswapV3.nonfungiblePositionManager;
  return runFetch(ctx, options, source, (common) =>
    fetchUniswapEvents({
      ...common,
      pool: options.pool,
      fromBlock: options.fromBlock,
      toBlock: options.toBlock,
      positionManager: positionManager === undefined ? undefined : toAddress(positionManager),
    }),
  );
}

/** The options both fetches share. */
function withFetchOptions(command: Command): Command {
  return withRpcOption(withCommonOptions(command))
    .option('--devnet', 'fetch from the local devnet (its manifest names the RPC and the feeds)')
    .option('--manifest <path>', "the devnet manifest (default: the config's chain.devnetManifest, .mandate/devnet.json)")
    .requiredOption('--out <path>', 'the CSV to write; rerun with the same path to resume')
    .option('--max-block-range <blocks>', 'the largest eth_getLogs range to ask for (default 100000; smaller ranges are found by themselves)', parsePositiveBlocks);
}

/**
 * `mandate data fetch chainlink|uniswap`: history from any JSON-RPC into the CSV layouts the backtests,
 * `mandate verify-swaps` and the devnet replay read, with chunked, adaptive, retried eth_getLogs, a
 * progress bar on a terminal, resumable output and a `<out>.meta.json` saying where it came from.
 *
 * @example
 * registerDataCommand(program);
 * // mandate data fetch chainlink --feed ETH/USD --from 2024-01-01 --out eth-usd.csv --rpc https://…
 * // mandate data fetch uniswap --pool 0x88e6… --from-block 18937382 --to-block 18944500 --out events.csv
 */
export function registerDataCommand(program: Command): void {
  const data = program.command('data').description('market history: fetch Chainlink rounds and Uniswap v3 events from any RPC');
  const fetch = data.command('fetch').description('fetch history from a JSON-RPC endpoint into a CSV (resumable)');
  withFetchOptions(
    fetch
      .command('chainlink')
      .description("every round of a Chainlink feed, across its proxy's phases, oldest first")
      .requiredOption('--feed <address|pair>', "the feed's proxy address, or a pair of the chain's preset (ETH/USD, USDC/USD)")
      .option('--from <time>', 'rounds from this time (unix seconds or ISO date; default: the first)', parseTime)
      .option('--to <time>', 'rounds up to this time (unix seconds or ISO date; default: the head)', parseTime),
  ).action(commandAction(fetchChainlink, renderChainlink));
  withFetchOptions(
    fetch
      .command('uniswap')
      .description("a Uniswap v3 pool's Swap, Mint, Burn and Collect events in the layout verify-swaps and backtests read")
      .requiredOption('--pool <address>', "the pool's address", parseAddressOption)
      .option('--from-block <n>', "first block (default: the pool's creation block)", parseBlock('--from-block'))
      .option('--to-block <n>', 'last block (default: the head)', parseBlock('--to-block'))
      .option('--position-manager <address>', "the NonfungiblePositionManager, for position_id (default: the preset's or the devnet's)", parseAddressOption),
  ).action(commandAction(fetchUniswap, renderUniswap));
}
