import { type Command, InvalidArgumentError, Option } from 'commander';
import type { Address } from '../../model/address.js';
import { type CommandContext, commandAction, withCommonOptions } from '../action.js';

type ChainOptions = { devnet?: boolean; manifest?: string; rpc?: string; rpcUrl?: string; journal?: string; vault?: Address; fromBlock?: bigint };
type ServeOptions = ChainOptions & { port?: number; host?: string; token?: string };

const parseBlock = (text: string): bigint => {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError(`"${text}" is not a block number.`);
  return BigInt(text);
};
const parsePort = (text: string): number => {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535) throw new InvalidArgumentError(`"${text}" is not a TCP port (0 to 65535; 0 picks a free one).`);
  return port;
};
const parseVault = (text: string): Address => {
  if (!/^0x[0-9a-fA-F]{40}$/.test(text)) throw new InvalidArgumentError(`"${text}" is not an address (0x and 40 hex digits).`);
  return text as Address;
};

/** The journal (which must exist), the chain and the config's LLM settings, shared by serve and export. */
async function openConsoleSources(ctx: CommandContext, options: ChainOptions) {
  const [{ existsSync }, { loadCommandConfig }, { openJournal }, { systemClock }, { MandateError }, { resolveConsoleChain }, { toAddress }] = await Promise.all([
    import('node:fs'),
    import('../load-command-config.js'),
    import('../../journal/open-journal.js'),
    import('../../model/clock.js'),
    import('../../model/base-error.js'),
    import('../../console/resolve-console-chain.js'),
    import('../../model/address.js'),
  ]);
  // Showing needs no key: the config is read for its chain, journal and LLM settings only.
  const config = await loadCommandConfig(ctx.configPath, 'backtest', { readOnly: true });
  const path = options.journal ?? config.journal.path;
  if (!existsSync(path)) {
    throw new MandateError(`No decision journal at ${path}.`, { details: 'Run an agent first (`mandate run` or `mandate demo`), or point to a journal with --journal <path>.' });
  }
  const chain = await resolveConsoleChain(config, {
    devnet: options.devnet,
    manifest: options.manifest,
    rpcUrl: options.rpc,
    vault: options.vault === undefined ? undefined : toAddress(options.vault, '--vault'),
    fromBlock: options.fromBlock,
  });
  const journal = openJournal({ path, clock: systemClock });
  return { chain, journal, llm: { budget: config.reasoner.llm.budget, cachePath: config.reasoner.llm.cachePath } };
}

async function serve(ctx: CommandContext, options: ServeOptions) {
  const [{ createConsole }, { serveConsole }, { onStopSignal }, { checkConsoleExposure }] = await Promise.all([
    import('../../console/create-console.js'),
    import('../../console/serve-console.js'),
    import('../on-stop-signal.js'),
    import('../../console/console-security.js'),
  ]);
  const host = options.host ?? '127.0.0.1';
  // Before anything is opened: a console beyond loopback without a token never starts.
  checkConsoleExposure(host, options.token);
  const { chain, journal, llm } = await openConsoleSources(ctx, options);
  try {
    const view = createConsole({ journal, chain, llm, token: options.token });
    const server = await serveConsole({ console: view, host, port: options.port ?? 8787, token: options.token });
    const stopped = new Promise<void>((resolve) => {
      const interrupt = onStopSignal(() => {
        interrupt.dispose();
        resolve();
      });
    });
    if (ctx.json) process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
    ctx.print(`Console at ${server.url}${options.token ? ' (open it once with ?token=<token>)' : ''}: vault ${chain.vault} on ${chain.network} (chain ${chain.chainId}), journal ${journal.path}. Ctrl-C stops it.`);
    await stopped;
    await server.close();
    return { url: server.url, stopped: true };
  } finally {
    journal.close();
  }
}

async function exportStatic(ctx: CommandContext, directory: string, options: ChainOptions) {
  const { exportConsole } = await import('../../console/export-console.js');
  const { chain, journal, llm } = await openConsoleSources(ctx, options);
  try {
    return await exportConsole({ journal, chain, directory, llm });
  } finally {
    journal.close();
  }
}

function withChainOptions(command: Command): Command {
  return withCommonOptions(command)
    .option('--devnet', 'the local devnet from its manifest')
    .option('--manifest <path>', "the devnet manifest (default: the config's chain.devnetManifest)")
    .addOption(new Option('--rpc <url>', 'an RPC of the vault\'s chain (default: MANDATE_RPC_URL or chain.rpcUrl); the page never sees it'))
    .addOption(new Option('--rpc-url <url>', 'alias of --rpc').hideHelp())
    .option('--journal <path>', "the decision journal (default: the config's journal.path)")
    .option('--vault <address>', 'the vault (default: chain.vault, or the devnet\'s)', parseVault)
    .option('--from-block <n>', "the vault's deploy block, where log scans start (default: the devnet's, else 0)", parseBlock);
}

/** `--rpc-url` is an alias of `--rpc`, as on every chain command. */
const withRpcAlias = <T extends { rpc?: string; rpcUrl?: string }>(options: T): T => ({ ...options, rpc: options.rpc ?? options.rpcUrl });

/**
 * `mandate console [--devnet | --rpc <url>] [--journal <path>] [--vault <address>] [--from-block <n>]
 * [--port 8787] [--host 127.0.0.1] [--token <t>] [--json]`: serves the read-only web console, where every
 * decision of the journal's runs on this chain and vault is verified in the browser against the chain.
 * `--json` prints `{ "url": … }` once it listens. `mandate console export <dir>` writes it as static files.
 *
 * @example
 * registerConsoleCommand(program); // then: mandate console --devnet
 */
export function registerConsoleCommand(program: Command): void {
  const consoleCommand = withChainOptions(
    program
      .command('console')
      .description('serve the read-only web console: every decision verified in your browser against the chain, the vault, the strategies')
      .option('--port <n>', 'TCP port (default 8787; 0 picks a free one)', parsePort)
      .option('--host <host>', 'address to listen on (default 127.0.0.1; anything else needs --token)')
      .option('--token <token>', 'require this token (at least 16 characters): "Authorization: Bearer <token>", or open the console once with ?token=<token>'),
  ).action(commandAction((ctx, options: ServeOptions) => serve(ctx, withRpcAlias(options)), () => undefined));
  withChainOptions(
    consoleCommand
      .command('export')
      .description('write the console as static files (page, decisions, Merkle proofs) that anyone can verify against their own RPC')
      .argument('<dir>', 'the folder to write'),
  ).action(
    commandAction(
      (ctx, directory: string, options: ChainOptions) => exportStatic(ctx, directory, withRpcAlias(options)),
      (result) =>
        `Exported ${result.decisions} decisions to ${result.directory} (${result.files} files). Publish the folder on any static web server; viewers name their own RPC in the page.` +
        (result.missing.length ? `\nNot readable at export time: ${result.missing.join(', ')}.` : ''),
    ),
  );
}
