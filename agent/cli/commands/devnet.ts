import { type Command, InvalidArgumentError } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatUnits } from 'viem';
import { startAnvil } from '../../chain/anvil.js';
import { deployDevnet } from '../../devnet/deploy-devnet.js';
import { defaultDevnetExtensions } from '../../devnet/devnet-extensions.js';
import { type DevnetManifest, defaultDevnetManifestPath, writeDevnetManifest } from '../../devnet/devnet-manifest.js';
import { type MarketDriverResult, type MarketRoundProgress, runMarketDriver } from '../../devnet/market-driver.js';
import { defaultNoiseSwapsCsvPath } from '../../devnet/noise-swap-sizes.js';
import { defaultReplayCsvPath, loadReplayRounds } from '../../devnet/replay-rounds.js';
import { type ResolvedConfig, defaultConfigPath, loadConfig } from '../../config/index.js';
import { systemClock } from '../../model/clock.js';
import { type CommandContext, commandAction, withCommonOptions } from '../action.js';

export type DevnetCommandOptions = {
  market?: boolean;
  speed?: number;
  port?: number;
  maxRounds?: number;
  until?: bigint;
  manifest?: string;
  rounds?: string;
  noiseSwaps?: string;
  seed?: number;
};

/** What `mandate devnet --json` prints as its last line, after shutdown. */
export type DevnetCommandResult = {
  manifestPath: string;
  rpcUrl: string;
  chainId: number;
  deployMs: number;
  market: MarketDriverResult | null;
};

const parseSpeed = (text: string): number => {
  if (text === 'max') return 0;
  const speed = Number(text);
  if (!Number.isFinite(speed) || speed < 0) {
    throw new InvalidArgumentError(`"${text}" is not a speed: use chain seconds per wall second (> 0), or 0 / "max".`);
  }
  return speed;
};
const parseWhole = (text: string): number => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new InvalidArgumentError(`"${text}" is not a whole number ≥ 0.`);
  return value;
};
const parseUnixTime = (text: string): bigint => {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError(`"${text}" is not a unix time in seconds.`);
  return BigInt(text);
};

const isoTime = (seconds: bigint) => new Date(Number(seconds) * 1000).toISOString().replace('.000Z', 'Z');
const usd = (answer: bigint, decimals: number) => Number(formatUnits(answer, decimals)).toFixed(2);

/** The lines that tell a person where everything is. */
function describeManifest(manifest: DevnetManifest, manifestPath: string): string[] {
  return [
    `Devnet up at ${manifest.rpcUrl} (chain id ${manifest.chainId}), deployed in ${manifest.deployMs} ms.`,
    `Manifest: ${manifestPath}`,
    `  USDC ${manifest.tokens.USDC.address}   WETH ${manifest.tokens.WETH.address}`,
    `  UniswapV3Factory ${manifest.uniswap.factory}   SwapRouter ${manifest.uniswap.swapRouter}`,
    `  NonfungiblePositionManager ${manifest.uniswap.positionManager}   QuoterV2 ${manifest.uniswap.quoterV2}`,
    ...manifest.pools.map((p) => `  pool USDC/WETH fee ${p.fee} ${p.address} (tick spacing ${p.tickSpacing})`),
    `  ETH/USD feed ${manifest.feeds['ETH/USD'].address}   USDC/USD feed ${manifest.feeds['USDC/USD'].address}`,
    ...Object.entries(manifest.contracts).map(([name, address]) => `  ${name} ${address}`),
    ...Object.values(manifest.accounts).map((a) => `  ${a.role.padEnd(8)} ${a.address}`),
  ];
}

function progressLine(p: MarketRoundProgress, feedDecimals: number): string {
  const pools = p.pools.map((pool) => `${pool.fee}: ${usd(pool.price, feedDecimals)}`).join('  ');
  return `round ${p.replayed} (${p.remaining} to go, ${p.rejected} rejected)  ${isoTime(p.chainTime)}  oracle ${usd(p.round.answer, feedDecimals)}  pools ${pools}`;
}

/** The config given with --config, else ./agent.config.ts if there is one: the devnet runs without. */
async function loadDevnetConfig(configPath: string | undefined): Promise<ResolvedConfig | undefined> {
  if (configPath === undefined && !existsSync(defaultConfigPath)) return undefined;
  return loadConfig(configPath, { mode: 'devnet' });
}

/** Resolves on the first SIGINT or SIGTERM, and aborts `controller` then. */
function untilInterrupted(controller: AbortController): { stopped: Promise<void>; dispose(): void } {
  let dispose = () => {};
  const stopped = new Promise<void>((resolve) => {
    const onSignal = () => {
      controller.abort();
      resolve();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    dispose = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    };
  });
  return { stopped, dispose };
}

async function runDevnet(ctx: CommandContext, options: DevnetCommandOptions): Promise<DevnetCommandResult> {
  const controller = new AbortController();
  const interrupt = untilInterrupted(controller);
  const roundsPath = options.rounds ?? defaultReplayCsvPath;
  try {
    const config = await loadDevnetConfig(ctx.configPath);
    const manifestPath = resolve(options.manifest ?? config?.chain.devnetManifest ?? defaultDevnetManifestPath);
    const { rounds } = await loadReplayRounds(roundsPath);
    const firstRound = rounds[0]!;
    // Genesis just before the first round, so chain time can move forward through the whole replay.
    const anvil = await startAnvil({ port: options.port ?? 0, timestamp: firstRound.updatedAt - 60n });
    try {
      const manifest = await deployDevnet({
        rpcUrl: anvil.rpcUrl,
        firstRound,
        replaySource: roundsPath,
        extensions: defaultDevnetExtensions,
        config,
      });
      writeDevnetManifest(manifest, manifestPath);
      for (const line of describeManifest(manifest, manifestPath)) ctx.print(line);

      let market: MarketDriverResult | null = null;
      if (options.market && !controller.signal.aborted) {
        ctx.print(`Market: replaying ${roundsPath} at ${options.speed ? `${options.speed}x` : 'max speed'}; Ctrl-C to stop.`);
        const interactive = (ctx.json ? process.stderr : process.stdout).isTTY === true;
        let lastPrint = 0;
        const feedDecimals = manifest.feeds['ETH/USD'].decimals;
        market = await runMarketDriver({
          manifest,
          roundsCsvPath: roundsPath,
          noiseSwapsCsvPath: options.noiseSwaps ?? defaultNoiseSwapsCsvPath,
          speed: options.speed ?? 0,
          maxRounds: options.maxRounds,
          until: options.until,
          seed: options.seed,
          signal: controller.signal,
          onRound: (p) => {
            // Every round on a terminal (at most a few lines a second); a line per 100 rounds in logs.
            const now = systemClock.now();
            const due = interactive ? now - lastPrint >= 250 : p.replayed % 100 === 0;
            if (due || p.remaining === 0) {
              lastPrint = now;
              ctx.print(progressLine(p, feedDecimals));
            }
          },
        });
        ctx.print(
          `Market ${market.stoppedBy === 'aborted' ? 'stopped' : `done (${market.stoppedBy})`}: ${market.replayed} rounds replayed, ` +
            `${market.rejected} rejected ${JSON.stringify(market.rejectedByReason)}, ${market.arbitrageSwaps} arbitrage and ` +
            `${market.noiseSwaps} noise swaps (${market.failedSwaps} reverted); chain time ${isoTime(market.chainTime)}.`,
        );
      }
      if (!controller.signal.aborted) {
        ctx.print('Devnet running; Ctrl-C (SIGINT) or SIGTERM stops it.');
        await interrupt.stopped;
      }
      ctx.print('Stopping anvil…');
      return { manifestPath, rpcUrl: anvil.rpcUrl, chainId: manifest.chainId, deployMs: manifest.deployMs, market };
    } finally {
      await anvil.stop();
    }
  } finally {
    interrupt.dispose();
  }
}

/**
 * `mandate devnet [--market] [--speed <n>] [--port <n>] [--max-rounds <n>] [--json]`: starts anvil, deploys
 * the devnet, writes `.mandate/devnet.json`, optionally replays the market, and stays up until SIGINT or
 * SIGTERM, then stops anvil. Under `--json` the last line is a DevnetCommandResult.
 *
 * @example
 * registerDevnetCommand(program); // then: mandate devnet --market --speed 3600
 */
export function registerDevnetCommand(program: Command): void {
  withCommonOptions(
    program
      .command('devnet')
      .description('run a local chain with real Uniswap v3, USDC/WETH pools and Chainlink-style feeds; optionally replay the market')
      .option('--market', 'replay the ETH/USD Chainlink history into the feed and move the pools with real swaps')
      .option('--speed <n>', 'chain seconds per wall second for the replay; 0 or "max" = as fast as possible', parseSpeed)
      .option('--port <n>', 'RPC port (default: a free one)', parseWhole)
      .option('--max-rounds <n>', 'stop the replay after this many rounds', parseWhole)
      .option('--until <unix>', 'stop the replay before the first round after this unix time', parseUnixTime)
      .option('--manifest <path>', `where to write the manifest (default: the config's chain.devnetManifest, ${defaultDevnetManifestPath})`)
      .option('--rounds <csv>', 'Chainlink rounds CSV to replay (default: the sample ETH/USD rounds in data/)')
      .option('--noise-swaps <csv>', 'Uniswap events CSV the noise swap sizes come from (default: the sample USDC/WETH day in data/)')
      .option('--seed <n>', 'seed of the noise swaps (default 1)', parseWhole),
  ).action(commandAction(runDevnet, () => undefined));
}
