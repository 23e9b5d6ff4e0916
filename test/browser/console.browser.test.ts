/**
 * The console in a real Chromium, end to end: `mandate run --devnet` with observability.console on (the page
 * gains rows while the agent trades, without a reload), then `mandate console --devnet` over the finished
 * journal (every decision verified in the browser against the chain, charts drawn, no errors, the RPC URL
 * never reaching the page), a decision edited in SQLite (shown as not verified), and `mandate console
 * export` served as static files and verified against an RPC the viewer names.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnvilInstance } from '../../agent/chain/anvil.js';
import type { DevnetManifest } from '../../agent/devnet/devnet-manifest.js';
import { runMarketDriver } from '../../agent/devnet/market-driver.js';
import { journalCommittedHolds } from '../support/committed-journal.js';
import { startRunDevnet } from '../support/run-devnet-fixture.js';
import { chartPixels, launchChromium, watchProblems } from './chromium.js';

/** What the checks read inside the page (the project's tsconfig has no DOM lib; these run in Chromium). */
declare const document: {
  body: { dataset: Record<string, string | undefined>; scrollHeight: number };
  querySelectorAll(selector: string): { length: number; forEach(visit: (element: { dataset: Record<string, string | undefined> }) => void): void };
  querySelector(selector: string): { textContent: string | null } | null;
};
declare const window: { scrollTo(x: number, y: number): void; scrollBy(x: number, y: number): void };

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../..');
const mandate = join(repoRoot, 'bin/mandate.js');
const screenshots = mkdtempSync(join(tmpdir(), 'mandate-console-shots-'));

let anvil: AnvilInstance;
let manifest: DevnetManifest;
let configPath: string;
let journalPath: string;
let browser: Browser;
const children: ChildProcess[] = [];

/** A free TCP port on 127.0.0.1 (the observability port must be fixed in the config). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** Starts a mandate command that keeps running; resolves with it once `ready` matches its output. */
function startMandate(args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray; output: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [mandate, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return new Promise((resolveStart, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(ready);
      if (match) resolveStart({ child, match, output: () => output, exited });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`mandate ${args[0]} exited with ${code} before it was ready:\n${output}`)));
  });
}

function journalCount(): number {
  const db = new Database(journalPath, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM decisions').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Waits for the page's verification totals (set once every decision was loaded and verified) to reach `total`. */
async function verifiedTotals(page: Page, total: number) {
  await page.waitForFunction((expected) => document.body.dataset.decisionsTotal === String(expected) && document.body.dataset.verification !== 'running', total, { timeout: 90_000 });
  const data = await page.evaluate(() => ({ ...document.body.dataset }));
  return { total: Number(data.decisionsTotal), verified: Number(data.decisionsVerified), failed: Number(data.decisionsFailed), state: data.verification };
}

/** Scrolls until every row is rendered, then the rows' verification attributes by decision id. */
async function rowVerdicts(page: Page): Promise<Map<string, string | null>> {
  for (let i = 0; i < 50; i++) {
    const done = await page.evaluate(() => {
      window.scrollTo(0, document.body.scrollHeight);
      return document.querySelector('.sentinel')?.textContent === 'That is every decision.';
    });
    if (done) break;
    await page.waitForTimeout(100);
  }
  const rows = await page.$$eval('[data-decision-id]', (elements) => elements.map((e) => [e.getAttribute('data-decision-id')!, e.getAttribute('data-verified')] as const));
  return new Map(rows);
}

beforeAll(async () => {
  ({ anvil, manifest, configPath, journalPath } = await startRunDevnet('mandate-console-'));
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, any>;
  config.observability = { logLevel: 'warn', console: true, metrics: { port: await freePort() } };
  writeFileSync(configPath, JSON.stringify(config));
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await browser?.close();
  await anvil?.stop();
  rmSync(screenshots, { recursive: true, force: true });
});

describe('the console in Chromium', () => {
  it('mandate run serves it live: rows arrive without a reload while the agent trades', async () => {
    const agent = await startMandate(['run', '--devnet', '--config', configPath], /the console at (http:\/\/\S+?)\/\./);
    const url = `${agent.match[1]}/`;
    const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
    const problems = watchProblems(page);
    try {
      await page.goto(url);
      await page.waitForSelector('body[data-decisions-total]');
      // Marks this document: a reload would make a new one without it.
      await page.evaluate(() => ((window as unknown as { loadedOnce: boolean }).loadedOnce = true));
      const before = await page.locator('[data-decision-id]').count();

      await runMarketDriver({ manifest, maxRounds: 28, onRound: () => new Promise((done) => setTimeout(done, 250)) });
      // Everything journaled so far reaches the page over server-sent events, each row checked against the chain.
      await page.waitForFunction((expected) => document.querySelectorAll('[data-decision-id]').length >= expected, journalCount(), { timeout: 60_000 });
      const after = await page.locator('[data-decision-id]').count();
      expect(after).toBeGreaterThan(before);
      expect(await page.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
      await page.waitForSelector('[data-decision-id][data-verified="true"]');
      expect(await page.locator('[data-decision-id][data-verified="false"]').count()).toBe(0);
      // The agent's own health is on the page.
      await expect.poll(() => page.locator('section.overview').innerText(), { timeout: 30_000 }).toMatch(/Agent (ok|degraded): \d+ events, \d+ decisions/);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
      // A clean stop commits the last batch, so everything verifies in the next tests.
      agent.child.kill('SIGTERM');
    }
    expect(await agent.exited).toBe(0);
  }, 180_000);

  let consoleUrl: string;

  it('mandate console --devnet lists every journaled decision, each verified in the page, with charts and no errors', async () => {
    const served = await startMandate(['console', '--devnet', '--config', configPath, '--port', '0', '--json'], /^(\{"url":"[^"]+"\})$/m);
    consoleUrl = (JSON.parse(served.match[1]!) as { url: string }).url;
    const origin = new URL(consoleUrl).origin;
    const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
    const problems = watchProblems(page);
    const foreign: string[] = [];
    const bodies: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(origin)) foreign.push(request.url());
    });
    page.on('response', async (response) => {
      if (response.request().resourceType() !== 'eventsource') bodies.push(await response.text().catch(() => ''));
    });
    const response = await page.goto(consoleUrl);
    expect(response!.headers()['content-security-policy']).toBe("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");

    const total = journalCount();
    expect(total).toBeGreaterThan(10);
    expect(await verifiedTotals(page, total)).toEqual({ total, verified: total, failed: 0, state: 'done' });
    const rows = await rowVerdicts(page);
    expect(rows.size).toBe(total);
    expect([...rows.values()].every((verdict) => verdict === 'true')).toBe(true);

    // The vault's charts drew (value against holding, balances), with the value line's colour.
    await page.waitForSelector('html[data-charts-drawn="2"]');
    const painted = await chartPixels(page, '[data-chart]', { value: [31, 111, 235] });
    expect(painted.map((chart) => chart.chart).sort()).toEqual(['balances', 'value']);
    expect(painted.find((chart) => chart.chart === 'value')!.counts.value).toBeGreaterThan(100);
    const vault = await page.locator('section.vault').innerText();
    expect(vault).toContain('Allowance left');
    expect(vault).toContain('Cooldown');
    expect(await page.locator('table.strategies tr[data-strategy]').count()).toBeGreaterThan(0);

    // A row opens to the strategy's reason, the reasoner's output, the policy check and the proof.
    await page.locator('[data-decision-id][data-status="trade"] summary').first().click();
    const details = await page.locator('[data-decision-id][data-status="trade"] table.details').first().innerText();
    expect(details).toMatch(/Reasoner\s+rules/);
    expect(details).toContain('allowed by the policy');
    expect(details).toContain('verified: checked hash, trade-event');

    await page.screenshot({ path: join(screenshots, 'console.png'), fullPage: false });
    expect(problems).toEqual([]);
    expect(foreign).toEqual([]);
    // The RPC the console reads through never reaches the page.
    expect(bodies.some((body) => body.includes(anvil.rpcUrl) || body.includes(new URL(anvil.rpcUrl).host))).toBe(false);
    await page.close();

    // The proxy forwards reads and refuses anything that writes or signs.
    const call = async (method: string, params: unknown[] = []) =>
      (await (await fetch(new URL('rpc', consoleUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) })).json()) as { result?: string; error?: { code: number } };
    expect((await call('eth_chainId')).result).toBe(`0x${manifest.chainId.toString(16)}`);
    for (const method of ['eth_sendRawTransaction', 'eth_sendTransaction', 'eth_sign', 'anvil_setBalance', 'evm_mine']) expect((await call(method, [])).error?.code).toBe(-32601);
  }, 180_000);

  it('verifies against an RPC the viewer names instead of the proxy, allowed by the page policy', async () => {
    const page = await browser.newPage();
    const problems = watchProblems(page);
    const response = await page.goto(`${consoleUrl}?rpc=${encodeURIComponent(anvil.rpcUrl)}`);
    expect(response!.headers()['content-security-policy']).toContain(`connect-src 'self' ${new URL(anvil.rpcUrl).origin};`);
    const total = journalCount();
    expect(await verifiedTotals(page, total)).toEqual({ total, verified: total, failed: 0, state: 'done' });
    expect(await page.locator('form.rpc').innerText()).toContain(new URL(anvil.rpcUrl).origin);
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('shows a decision edited in the journal as not verified', async () => {
    const db = new Database(journalPath);
    const pick = (status: string) => db.prepare('SELECT id, canonical_json, fill_json FROM decisions WHERE status = ? ORDER BY rowid LIMIT 1').get(status) as { id: string; canonical_json: string; fill_json: string | null };
    const held = pick('trade');
    const other = (db.prepare("SELECT id, canonical_json FROM decisions WHERE status <> 'trade' ORDER BY rowid LIMIT 1").get() as { id: string; canonical_json: string });
    try {
      // A trade whose amount out was inflated, and a denial or hold whose reason was rewritten.
      const fill = JSON.parse(held.fill_json!) as { amountOut: string };
      db.prepare('UPDATE decisions SET fill_json = ? WHERE id = ?').run(JSON.stringify({ ...fill, amountOut: (BigInt(fill.amountOut) * 2n).toString() }), held.id);
      db.prepare('UPDATE decisions SET canonical_json = ? WHERE id = ?').run(other.canonical_json.replace('"rationale":"', '"rationale":"edited: '), other.id);

      const page = await browser.newPage();
      const problems = watchProblems(page);
      await page.goto(consoleUrl);
      const total = journalCount();
      expect(await verifiedTotals(page, total)).toEqual({ total, verified: total - 2, failed: 2, state: 'done' });
      const rows = await rowVerdicts(page);
      expect(rows.get(held.id)).toBe('false');
      expect(rows.get(other.id)).toBe('false');
      expect([...rows].filter(([id]) => id !== held.id && id !== other.id).every(([, verdict]) => verdict === 'true')).toBe(true);
      await page.locator(`[data-decision-id="${other.id}"] summary`).click();
      expect(await page.locator(`[data-decision-id="${other.id}"] .problems`).innerText()).toContain('Hash mismatch');
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      db.prepare('UPDATE decisions SET fill_json = ? WHERE id = ?').run(held.fill_json, held.id);
      db.prepare('UPDATE decisions SET canonical_json = ? WHERE id = ?').run(other.canonical_json, other.id);
      db.close();
    }
  }, 120_000);

  it('exports a static folder that verifies against the RPC a viewer names', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'mandate-console-export-'));
    const exported = spawn(process.execPath, [mandate, 'console', 'export', directory, '--devnet', '--config', configPath, '--json'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    exported.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    expect(await new Promise((done) => exported.once('exit', done))).toBe(0);
    const total = journalCount();
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toMatchObject({ decisions: total, missing: [] });
    const files = readFileSync(join(directory, 'index.html'), 'utf8');
    expect(files).toContain('<meta http-equiv="Content-Security-Policy"');
    expect(readFileSync(join(directory, 'data/meta.json'), 'utf8')).not.toContain(new URL(anvil.rpcUrl).host);

    // Any static web server will do: this one only serves files.
    const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };
    const server: Server = createServer((request, response) => {
      const path = join(directory, decodeURIComponent(new URL(request.url!, 'http://x').pathname).replace(/\/$/, '/index.html'));
      let body: Buffer;
      try {
        body = readFileSync(path);
      } catch {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(body);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const site = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const page = await browser.newPage();
      const problems = watchProblems(page);
      // Without an RPC it shows the decisions and asks for one.
      await page.goto(site);
      await page.waitForSelector('body[data-verification="no-rpc"]');
      expect(await page.locator('[data-decision-id]').count()).toBeGreaterThan(0);
      expect(await page.locator('[data-decision-id][data-verified]').count()).toBe(0);
      // With one, the viewer's browser verifies everything against it.
      await page.fill('form.rpc input[name="rpc"]', anvil.rpcUrl);
      await page.click('form.rpc button');
      await page.waitForURL(/\?rpc=/);
      expect(await verifiedTotals(page, total)).toEqual({ total, verified: total, failed: 0, state: 'done' });
      const rows = await rowVerdicts(page);
      expect([...rows.values()].every((verdict) => verdict === 'true')).toBe(true);
      await page.waitForSelector('html[data-charts-drawn="2"]');
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      await new Promise<void>((done) => server.close(() => done()));
      rmSync(directory, { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses to listen beyond loopback without a token, and asks for the token when given one', async () => {
    const open = spawn(process.execPath, [mandate, 'console', '--devnet', '--config', configPath, '--host', '0.0.0.0', '--port', '0'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    open.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await new Promise((done) => open.once('exit', done))).toBe(1);
    expect(stderr).toContain('Serving the console on 0.0.0.0 needs --token.');

    const token = 'console-test-token-0123456789';
    const guarded = await startMandate(['console', '--devnet', '--config', configPath, '--port', '0', '--token', token, '--json'], /^(\{"url":"[^"]+"\})$/m);
    const url = (JSON.parse(guarded.match[1]!) as { url: string }).url;
    expect((await fetch(new URL('api/meta', url))).status).toBe(401);
    expect((await fetch(new URL('api/meta', url), { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const page = await browser.newPage();
    const problems = watchProblems(page);
    await page.goto(`${url}?token=${token}`);
    expect(page.url()).toBe(url);
    const total = journalCount();
    expect(await verifiedTotals(page, total)).toEqual({ total, verified: total, failed: 0, state: 'done' });
    expect(problems).toEqual([]);
    await page.close();
    guarded.child.kill('SIGTERM');
    expect(await guarded.exited).toBe(0);
  }, 120_000);

  it('renders 5,000 decisions as the user scrolls, never dropping a rendered row, and verifies every one', async () => {
    const many = join(dirname(journalPath), 'many.sqlite');
    const count = 5_000;
    await journalCommittedHolds({ journalPath: many, manifest, count, batchSize: 1_000 });
    const served = await startMandate(['console', '--devnet', '--config', configPath, '--journal', many, '--port', '0', '--json'], /^(\{"url":"[^"]+"\})$/m);
    const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
    const problems = watchProblems(page);
    await page.goto((JSON.parse(served.match[1]!) as { url: string }).url);
    expect(await verifiedTotals(page, count)).toEqual({ total: count, verified: count, failed: 0, state: 'done' });

    // Only the top of the list is in the page at first; the rows there are marked to be recognised later.
    const first = await page.locator('[data-decision-id]').count();
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(count);
    await page.evaluate(() => document.querySelectorAll('[data-decision-id]').forEach((row) => (row.dataset.seen = 'yes')));
    // Scrolling down adds rows, a screen at a time, until every decision is there.
    let rendered = first;
    for (let step = 0; step < 400 && rendered < count; step++) {
      await page.evaluate(() => window.scrollBy(0, 3000));
      await page.waitForTimeout(20);
      const now = await page.locator('[data-decision-id]').count();
      expect(now).toBeGreaterThanOrEqual(rendered);
      rendered = now;
    }
    expect(rendered).toBe(count);
    // The rows rendered first are the very same elements: none was removed or re-created.
    expect(await page.locator('[data-decision-id][data-seen="yes"]').count()).toBe(first);
    const rows = await rowVerdicts(page);
    expect(rows.size).toBe(count);
    expect([...rows.values()].every((verdict) => verdict === 'true')).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
  }, 180_000);
});
