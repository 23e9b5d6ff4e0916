import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { PublicClient } from 'viem';
import type { Journal } from '../journal/open-journal.js';
import type { Address, Hex } from '../model/address.js';
import { systemClock } from '../model/clock.js';
import type { AgentHealth } from '../observability/agent-health.js';
import { consoleAssets, renderConsolePage } from './console-bundle.js';
import { createConsoleJournal, type JournalSignature } from './console-journal.js';
import { consoleContentSecurityPolicy, consoleTokenCookie, hasConsoleToken, isConsoleToken, viewerRpcOrigin } from './console-security.js';
import type { ConsoleDecisionPage, ConsoleMeta, ConsoleRecord, ConsoleToken } from './console-types.js';
import { readConsoleOverview, type ReadConsoleOverviewParameters } from './read-console-overview.js';
import { readConsoleVaultStatus } from './read-console-vault-status.js';
import { historyStart, readVaultHistory } from './read-vault-history.js';
import { createReadOnlyRpcProxy } from './read-only-rpc-proxy.js';

/** The chain the console shows: where its vault is and how the server reads it. */
export type ConsoleChain = {
  /** 'devnet' or the preset name. */
  network: string;
  chainId: number;
  vault: Address;
  /** The vault's deploy block: where log scans and the value history start. */
  fromBlock: bigint;
  /** The server's client (vault status, history, RPC state). */
  client: PublicClient;
  /** What the read-only proxy forwards to. It never reaches the page. */
  rpcUrl: string;
  tokens: readonly ConsoleToken[];
  pools?: readonly { tokenA: Address; tokenB: Address; fee: number }[] | undefined;
};

export type CreateConsoleParameters = {
  journal: Journal;
  chain: ConsoleChain;
  /** reasoner.llm's budget and cache file, for the LLM usage panel. */
  llm?: ReadConsoleOverviewParameters['llm'];
  /** The running agent's health (inside `mandate run`). */
  health?: (() => AgentHealth) | undefined;
  /** Required on every request when set: a bearer token, or the cookie a `?token=` visit sets. */
  token?: string | undefined;
  /** How often the journal is checked for new or changed decisions while a page listens. Default 1000 ms. */
  pollIntervalMs?: number | undefined;
};

export type Console = {
  /** Answers a request if it is the console's (the page, its assets, /api/*, /rpc); false otherwise. */
  handle(request: IncomingMessage, response: ServerResponse): Promise<boolean>;
  /** Checks the journal now (a decision was journaled) instead of at the next poll. */
  notify(): void;
  /** Ends the live streams and stops polling. */
  close(): void;
};

const maxPage = 2_000;
const defaultPage = 500;

/**
 * The read-only web console: the page and its assets, the decisions and their Merkle batches (records and
 * proofs only: the page verifies them itself, against the chain), the vault's status and value history, the
 * strategies and health, a read-only RPC proxy, and server-sent events when the journal changes. It holds
 * no key and has no write action. Mount it on any node:http server: `mandate console` serves it alone,
 * `mandate run` beside /health and /metrics.
 *
 * @example
 * const console = createConsole({ journal, chain });
 * createServer(async (req, res) => { if (!(await console.handle(req, res))) res.writeHead(404).end(); }).listen(8787, '127.0.0.1');
 */
export function createConsole(parameters: CreateConsoleParameters): Console {
  const { journal, chain } = parameters;
  const records = createConsoleJournal({ journal, chainId: chain.chainId, vault: chain.vault });
  const proxy = createReadOnlyRpcProxy({ url: chain.rpcUrl });
  const listeners = new Set<ServerResponse>();
  let assets: ReturnType<typeof consoleAssets> | undefined;
  let lastSignature = '';
  let timer: ReturnType<typeof setInterval> | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;

  const cached = <T>(ttlMs: number, read: () => Promise<T>) => {
    let entry: { at: number; value: Promise<T> } | undefined;
    return () => {
      const now = systemClock.now();
      if (!entry || now - entry.at > ttlMs) {
        const value = read();
        entry = { at: now, value };
        // A failed read is not kept: the next request tries again.
        value.catch(() => (entry = undefined));
      }
      return entry.value;
    };
  };
  const vaultStatus = cached(2_000, () => readConsoleVaultStatus({ client: chain.client, vault: chain.vault, tokens: chain.tokens, pools: chain.pools }));
  const vaultHistory = cached(30_000, () => readVaultHistory({ client: chain.client, vault: chain.vault, tokens: chain.tokens, fromBlock: historyStart(records, chain) }));
  const overview = cached(2_000, async () => {
    const status = await vaultStatus().catch(() => undefined);
    const prices = new Map<Address, number>();
    for (const holding of status?.holdings ?? []) if (holding.priceUsd !== null) prices.set(holding.address, holding.priceUsd);
    return readConsoleOverview({
      journal,
      chainId: chain.chainId,
      vault: chain.vault,
      runIds: records.runs().map((run) => run.id),
      tokens: chain.tokens,
      prices,
      client: chain.client,
      llm: parameters.llm,
      health: parameters.health,
    });
  });

  function check(): void {
    if (listeners.size === 0) return;
    let signature: JournalSignature;
    try {
      signature = records.signature();
    } catch {
      return; // the journal closed under us (shutdown)
    }
    const text = JSON.stringify(signature);
    if (text === lastSignature) return;
    lastSignature = text;
    for (const listener of listeners) listener.write(`event: journal\ndata: ${text}\n\n`);
  }

  function listen(request: IncomingMessage, response: ServerResponse): void {
    response.writeHead(200, { ...securityHeaders(), 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    response.write(': mandate console\n\n');
    listeners.add(response);
    request.on('close', () => {
      listeners.delete(response);
      if (listeners.size === 0) stopTimers();
    });
    if (!timer) {
      lastSignature = '';
      timer = setInterval(check, parameters.pollIntervalMs ?? 1_000);
      timer.unref();
      // A comment now and then keeps proxies and browsers from closing an idle stream.
      heartbeat = setInterval(() => listeners.forEach((listener) => listener.write(': keep-alive\n\n')), 15_000);
      heartbeat.unref();
    }
    check();
  }
  function stopTimers(): void {
    clearInterval(timer);
    clearInterval(heartbeat);
    timer = undefined;
    heartbeat = undefined;
  }

  function meta(): ConsoleMeta {
    return {
      source: 'server',
      live: true,
      network: chain.network,
      chainId: chain.chainId,
      vault: chain.vault,
      fromBlock: chain.fromBlock.toString(),
      runs: records.runs(),
      tokens: [...chain.tokens],
      total: records.count(),
      firstPage: `api/decisions?limit=${defaultPage}`,
      rpcProxy: 'rpc',
      exportedAt: undefined,
    };
  }

  function decisions(query: URLSearchParams): ConsoleDecisionPage {
    const limit = Math.min(maxPage, Math.max(1, Number(query.get('limit')) || defaultPage));
    const ids = query.get('ids');
    const after = query.get('after');
    let page: ConsoleRecord[];
    let next: string | null = null;
    if (ids !== null) page = records.byIds(ids.split(',').filter((id) => /^0x[0-9a-fA-F]{64}$/.test(id)) as Hex[]);
    else if (after !== null) page = records.newer({ after: Number(after) || 0, limit });
    else {
      const before = query.get('before');
      page = records.page({ before: before === null ? undefined : Number(before), limit });
      if (page.length === limit) next = `api/decisions?before=${page[page.length - 1]!.position}&limit=${limit}`;
    }
    return { records: page, next };
  }

  function batches(query: URLSearchParams) {
    const ids = (query.get('ids') ?? '').split(',').map(Number).filter((id) => Number.isSafeInteger(id) && id > 0);
    return records.batches(ids.slice(0, 100));
  }

  async function route(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> {
    const path = url.pathname;
    if (path === '/rpc') {
      if (request.method !== 'POST') return send(response, 405, 'text/plain', 'POST JSON-RPC here.\n');
      const body = await readBody(request, 1_000_000);
      if (body === undefined) return send(response, 413, 'text/plain', 'Request too large.\n');
      return send(response, 200, 'application/json', await proxy.forward(body));
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      if (isConsolePath(path)) return send(response, 405, 'text/plain', 'The console is read-only.\n');
      return false;
    }
    switch (path) {
      case '/':
      case '/index.html': {
        const rpc = viewerRpcOrigin(url.searchParams.get('rpc'));
        return send(response, 200, 'text/html; charset=utf-8', renderConsolePage({ source: 'server' }), { 'content-security-policy': consoleContentSecurityPolicy({ connect: rpc ? [rpc] : [] }) });
      }
      case '/assets/console.js':
        assets ??= consoleAssets();
        return send(response, 200, 'text/javascript; charset=utf-8', assets.script, {}, request);
      case '/assets/console.css':
        assets ??= consoleAssets();
        return send(response, 200, 'text/css; charset=utf-8', assets.style);
      case '/api/meta':
        return sendJson(response, meta(), request);
      case '/api/decisions':
        return sendJson(response, decisions(url.searchParams), request);
      case '/api/batches':
        return sendJson(response, batches(url.searchParams), request);
      case '/api/vault':
        return sendJson(response, await vaultStatus(), request);
      case '/api/vault/history':
        return sendJson(response, await vaultHistory(), request);
      case '/api/overview':
        return sendJson(response, await overview(), request);
      case '/api/events':
        listen(request, response);
        return true;
      default:
        return false;
    }
  }

  return {
    async handle(request, response) {
      const url = new URL(request.url ?? '/', 'http://console');
      if (!isConsolePath(url.pathname)) return false;
      if (parameters.token !== undefined) {
        const given = url.searchParams.get('token');
        if (given !== null && isConsoleToken(given, parameters.token)) {
          // Once, by link: the token moves into an HttpOnly cookie and out of the address bar and history.
          url.searchParams.delete('token');
          const cookie = `${consoleTokenCookie}=${encodeURIComponent(given)}; HttpOnly; SameSite=Strict; Path=/`;
          response.writeHead(303, { ...securityHeaders(), 'set-cookie': cookie, location: `${url.pathname}${url.search}` }).end();
          return true;
        }
        if (!hasConsoleToken(request, parameters.token)) return send(response, 401, 'text/plain', 'The console needs its token: open it once with ?token=<token>, or send "Authorization: Bearer <token>".\n');
      }
      try {
        return await route(request, response, url);
      } catch (error) {
        // Server-side reads can fail (the RPC is down); the message may quote the RPC URL, so only its kind goes out.
        return send(response, 502, 'application/json', JSON.stringify({ error: `${error instanceof Error ? error.name : 'Error'}: the console could not read this.` }));
      }
    },
    notify: check,
    close() {
      stopTimers();
      for (const listener of listeners) listener.end();
      listeners.clear();
    },
  };
}

const consolePaths = /^\/(index\.html|assets\/.*|api\/.*|rpc)?$/;
const isConsolePath = (path: string) => consolePaths.test(path);

function securityHeaders(): Record<string, string> {
  return {
    'content-security-policy': consoleContentSecurityPolicy(),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cache-control': 'no-store',
  };
}

function send(response: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}, request?: IncomingMessage): true {
  const zipped = request !== undefined && body.length > 16_384 && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  const payload = zipped ? gzipSync(body) : body;
  response.writeHead(status, { ...securityHeaders(), 'content-type': type, ...(zipped ? { 'content-encoding': 'gzip', vary: 'accept-encoding' } : {}), ...headers });
  response.end(payload);
  return true;
}

function sendJson(response: ServerResponse, value: unknown, request: IncomingMessage): true {
  return send(response, 200, 'application/json', JSON.stringify(value), {}, request);
}

function readBody(request: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
