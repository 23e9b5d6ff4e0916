import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Journal } from '../journal/open-journal.js';
import { systemClock } from '../model/clock.js';
import { consoleAssets, renderConsolePage } from './console-bundle.js';
import { createConsoleJournal } from './console-journal.js';
import { consoleContentSecurityPolicy } from './console-security.js';
import type { ConsoleDecisionPage, ConsoleMeta } from './console-types.js';
import type { ConsoleChain } from './create-console.js';
import { readConsoleOverview, type ReadConsoleOverviewParameters } from './read-console-overview.js';
import { readConsoleVaultStatus } from './read-console-vault-status.js';
import { historyStart, readVaultHistory } from './read-vault-history.js';

export type ExportConsoleParameters = {
  journal: Journal;
  chain: ConsoleChain;
  /** The folder to write (created; files in it are replaced). */
  directory: string;
  /** Decisions per data file. Default 1000. */
  pageSize?: number | undefined;
  llm?: ReadConsoleOverviewParameters['llm'];
};

export type ExportConsoleReturnType = {
  directory: string;
  decisions: number;
  files: number;
  /** Snapshots of the vault, its history and the overview that could not be read (the page says so). */
  missing: string[];
};

const readme = `# Mandate decisions, exported

Open index.html through any static web server (a browser will not fetch data/ from a file:// page), name an
Ethereum RPC of your own choosing in the page, and it verifies every decision in your browser: it recomputes
each decision's keccak256 hash from its canonical JSON, checks each trade against the vault's TradeExecuted
event, and every other decision against its Merkle proof and the root the vault committed (DecisionsCommitted).
Nothing here is trusted: data/ holds only the journal's records and the Merkle trees; the verdicts are your
browser's. The vault panels (value, policy, strategies) are a snapshot taken at export time and are not verified.

  python3 -m http.server -d . 8000   # then open http://127.0.0.1:8000/?rpc=https://your-node.example

The page's Content-Security-Policy lets it load only its own files and connect only to this site and to an
http(s) RPC. data/decisions-*.json are OpenZeppelin StandardMerkleTree dumps and canonical JSON: other tools
can check them too (see the project's docs/operations.md, "How a DAO member verifies").
`;

/**
 * `mandate console export <dir>`: the console as static files a DAO can publish anywhere: the page and its
 * assets, the decisions (records as stored) and their Merkle batches (the proofs) in pages, and snapshots of
 * the vault, its value history and the strategies. The page asks the viewer for an RPC and verifies
 * everything in their browser, trusting neither the operator nor their server.
 *
 * @example
 * await exportConsole({ journal, chain, directory: 'public/decisions' });
 */
export async function exportConsole(parameters: ExportConsoleParameters): Promise<ExportConsoleReturnType> {
  const { journal, chain } = parameters;
  const directory = resolve(parameters.directory);
  const pageSize = parameters.pageSize ?? 1000;
  const records = createConsoleJournal({ journal, chainId: chain.chainId, vault: chain.vault });
  let files = 0;
  const write = (path: string, text: string) => {
    writeFileSync(join(directory, path), text, 'utf8');
    files += 1;
  };
  for (const folder of ['', 'assets', 'data']) mkdirSync(join(directory, folder), { recursive: true });

  const { script, style } = consoleAssets();
  // Any http(s) RPC: the viewer names theirs in the page, and a static file cannot change its own policy.
  write('index.html', renderConsolePage({ source: 'static', contentSecurityPolicy: consoleContentSecurityPolicy({ connect: ['https:', 'http:'], meta: true }) }));
  write('assets/console.js', script);
  write('assets/console.css', style);
  write('README.md', readme);

  let decisions = 0;
  let before: number | undefined;
  const batchIds = new Set<number>();
  for (let n = 0; ; n++) {
    const page = records.page({ before, limit: pageSize });
    const full = page.length === pageSize;
    const body: ConsoleDecisionPage = { records: page, next: full ? `data/decisions-${n + 1}.json` : null };
    write(`data/decisions-${n}.json`, JSON.stringify(body));
    for (const record of page) if (record.batchId !== undefined) batchIds.add(record.batchId);
    decisions += page.length;
    if (!full) break;
    before = page[page.length - 1]!.position;
  }
  // Each Merkle tree once, in its own file: the page fetches those its decisions refer to.
  for (const batch of records.batches([...batchIds])) write(`data/batch-${batch.id}.json`, JSON.stringify([batch]));

  const meta: ConsoleMeta = {
    source: 'static',
    live: false,
    network: chain.network,
    chainId: chain.chainId,
    vault: chain.vault,
    fromBlock: chain.fromBlock.toString(),
    runs: records.runs(),
    tokens: [...chain.tokens],
    total: decisions,
    firstPage: 'data/decisions-0.json',
    rpcProxy: null,
    exportedAt: Math.floor(systemClock.now() / 1000),
  };
  write('data/meta.json', JSON.stringify(meta));

  const missing: string[] = [];
  const snapshot = async (path: string, read: () => Promise<unknown>) => {
    try {
      write(path, JSON.stringify(await read()));
    } catch {
      missing.push(path);
    }
  };
  const status = await readConsoleVaultStatus({ client: chain.client, vault: chain.vault, tokens: chain.tokens, pools: chain.pools }).catch(() => undefined);
  if (status) write('data/vault.json', JSON.stringify(status));
  else missing.push('data/vault.json');
  await snapshot('data/vault-history.json', () => readVaultHistory({ client: chain.client, vault: chain.vault, tokens: chain.tokens, fromBlock: historyStart(records, chain) }));
  await snapshot('data/overview.json', () => {
    const prices = new Map(status?.holdings.filter((h) => h.priceUsd !== null).map((h) => [h.address, h.priceUsd!]) ?? []);
    return readConsoleOverview({ journal, chainId: chain.chainId, vault: chain.vault, runIds: meta.runs.map((run) => run.id), tokens: chain.tokens, prices, client: chain.client, llm: parameters.llm });
  });
  return { directory, decisions, files, missing };
}
