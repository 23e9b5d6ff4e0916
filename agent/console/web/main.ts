import { html } from 'htm/preact';
import { render } from 'preact';
import type { ConsoleToken } from '../console-types.js';
import { App, type AppProps } from './app.js';
import { createChainVerifier } from './chain-verifier.js';
import { consoleData } from './console-data.js';
import { createDecisionBook } from './decision-book.js';

/**
 * The console page. It reads the decisions (records and Merkle proofs) from the console's server or an
 * exported folder, verifies every one against the chain with viem in this browser, and shows them with
 * the vault, the strategies and the agent's health. `?rpc=<url>` verifies against an RPC of the viewer's
 * choosing instead of the console's read-only proxy (an exported folder has no proxy: it asks for one).
 */
const root = document.getElementById('app')!;
const source = document.documentElement.dataset.source === 'static' ? 'static' : 'server';

async function main(): Promise<void> {
  const data = consoleData(source);
  const meta = await data.meta();
  const named = new URL(location.href).searchParams.get('rpc');
  const viewerRpc = named && /^https?:\/\//i.test(named) ? named : undefined;
  const rpcUrl = viewerRpc ?? (meta.rpcProxy === null ? undefined : new URL(meta.rpcProxy, location.href).href);
  const rpc: AppProps['rpc'] = viewerRpc
    ? { kind: 'viewer', label: new URL(viewerRpc).origin }
    : rpcUrl
      ? { kind: 'proxy', label: "the console's read-only RPC proxy" }
      : { kind: 'none', label: '' };
  const verifier = rpcUrl === undefined ? undefined : createChainVerifier({ rpcUrl, vault: meta.vault, fromBlock: BigInt(meta.fromBlock) });
  const book = createDecisionBook(data, verifier);
  const tokens = new Map<string, ConsoleToken>(meta.tokens.map((token) => [token.address, token]));
  const context = { tokens, results: book.results, batches: book.batches, records: book.records };
  let tick = 0;

  const draw = () => {
    render(html`<${App} data=${data} meta=${meta} book=${book} rpc=${rpc} tick=${tick} context=${context} />`, root);
    // Totals for people and tests, once the first full verification has finished (then kept current).
    if (book.finished) {
      const counts = book.counts();
      document.body.dataset.decisionsTotal = String(counts.total);
      document.body.dataset.decisionsVerified = String(counts.verified);
      document.body.dataset.decisionsFailed = String(counts.failed);
      document.body.dataset.verification = book.state;
    }
  };
  // Many changes in a row (a page verified, then the next) draw once per frame.
  let scheduled = false;
  book.subscribe(() => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      draw();
    });
  });
  draw();
  const refresh = () => {
    tick += 1;
    void book.follow();
    draw();
  };
  data.watch(refresh);
  await book.load(meta);
  if (meta.live) {
    // What was journaled while the pages loaded, then the panels now and then even when nothing is decided.
    refresh();
    setInterval(refresh, 15_000);
  }
}

main().catch((error: unknown) => {
  root.textContent = `The console could not start: ${error instanceof Error ? error.message : String(error)}`;
  document.body.dataset.verification = 'error';
});

