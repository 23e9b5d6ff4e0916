import { html } from 'htm/preact';
import type { IChartApi } from 'lightweight-charts';
import { useEffect, useRef, useState } from 'preact/hooks';
import { afterPaint, drawTimeSeriesChart } from '../../../backtest/report/web/time-series-chart.js';
import type { ConsoleField, ConsoleMeta, ConsoleOverview, ConsoleVaultHistory } from '../console-types.js';
import type { ConsoleData } from './console-data.js';
import type { DecisionBook } from './decision-book.js';
import { DecisionChunkView, type RowContext } from './decision-row.js';
import { duration, fieldValue, short, usd, utc } from './format.js';


export type AppProps = {
  data: ConsoleData;
  meta: ConsoleMeta;
  book: DecisionBook;
  /** Where this page verifies: the console's proxy, or the RPC the viewer named. */
  rpc: { kind: 'proxy' | 'viewer' | 'none'; label: string };
  /** Moves when the journal changed (live): panels read again. */
  tick: number;
  context: RowContext;
};

/** The whole page: what is verified, the vault, the strategies and health, then every decision. */
export function App(props: AppProps) {
  const { meta, book, rpc } = props;
  const counts = book.counts();
  return html`<header>
      <h1>Mandate console</h1>
      <p class="where">
        Vault <code title=${meta.vault}>${meta.vault}</code> on ${meta.network} (chain ${meta.chainId}); ${meta.runs.length} run(s)
        ${meta.source === 'static' ? html`; exported ${utc(meta.exportedAt)}` : meta.live ? '; live' : ''}
      </p>
      <${RpcChooser} rpc=${rpc} source=${meta.source} />
      <p class=${`summary state-${book.state}`} data-state=${book.state}>
        ${counts.total} decisions: <strong>${counts.verified} verified</strong> in this browser, ${counts.failed} mismatched, ${counts.pending} not verified yet
        ${book.state === 'running' ? ' (verifying…)' : ''}${book.state === 'no-rpc' ? ' (name an RPC above to verify)' : ''}
        ${book.error ? html`<span class="error">: ${book.error}</span>` : null}
      </p>
    </header>
    <main>
      <${VaultPanel} data=${props.data} meta=${meta} tick=${props.tick} />
      <${OverviewPanel} data=${props.data} tick=${props.tick} />
      <${DecisionList} book=${book} context=${props.context} />
    </main>
    <footer>Read-only: this page holds no key and sends nothing to the chain. Charts: TradingView Lightweight Charts™ (Apache-2.0).</footer>`;
}

function RpcChooser(props: { rpc: AppProps['rpc']; source: 'server' | 'static' }) {
  return html`<form class="rpc" method="get" action="">
    <span>${props.rpc.kind === 'none' ? 'Verify against an RPC of your choosing:' : html`Verifying against <strong>${props.rpc.label}</strong>. Another RPC:`}</span>
    <input name="rpc" type="url" required placeholder="https://your-node.example" aria-label="RPC URL" />
    <button type="submit">Verify with it</button>
    ${props.rpc.kind === 'viewer' && props.source === 'server' ? html`<a href="./">use the console's RPC</a>` : null}
  </form>`;
}

/** Reads a panel's data now and whenever `tick` moves (at most once per interval). */
function usePanel<T>(read: () => Promise<T>, tick: number): { value: T | undefined; error: string | undefined } {
  const [state, setState] = useState<{ value: T | undefined; error: string | undefined }>({ value: undefined, error: undefined });
  const last = useRef(0);
  useEffect(() => {
    const now = performance.now();
    if (tick !== 0 && now - last.current < 2_000) return;
    last.current = now;
    read().then(
      (value) => setState({ value, error: undefined }),
      (error: unknown) => setState((previous) => ({ value: previous.value, error: error instanceof Error ? error.message : String(error) })),
    );
  }, [tick]);
  return state;
}

function Fields(props: { fields: readonly ConsoleField[]; now: number; className: string }) {
  return html`<table class=${`fields ${props.className}`}>
    ${props.fields.map(
      (field) => html`<tr class=${field.warn ? 'warn' : ''}>
        <th scope="row">${field.label}</th>
        <td>${field.unit === 'address' && typeof field.value === 'string' ? html`<code title=${field.value}>${short(field.value)}</code>` : fieldValue(field, props.now)}</td>
        <td class="note">${field.note ?? ''}</td>
      </tr>`,
    )}
  </table>`;
}

function VaultPanel(props: { data: ConsoleData; meta: ConsoleMeta; tick: number }) {
  const status = usePanel(() => props.data.vault(), props.tick);
  const history = usePanel(() => props.data.history(), props.tick);
  const vault = status.value;
  return html`<section class="vault" aria-labelledby="vault-title">
    <h2 id="vault-title">Vault ${vault ? html`<span class=${vault.paused ? 'badge warn' : 'badge ok'}>${vault.paused ? 'paused' : 'active'}</span>` : null}</h2>
    ${props.meta.source === 'static' ? html`<p class="note">A snapshot taken when this folder was exported, not verified; the decisions below are verified in your browser.</p>` : null}
    ${status.error ? html`<p class="error">The vault could not be read: ${status.error}</p>` : null}
    ${vault
      ? html`<p>
            Value <strong>${usd(vault.valueUsd)}</strong> at block ${vault.block} (${utc(vault.blockTime)})
            ${history.value?.pnlVsHoldingUsd !== null && history.value?.pnlVsHoldingUsd !== undefined
              ? html`; against holding <strong class=${history.value.pnlVsHoldingUsd < 0 ? 'neg' : 'pos'}>${usd(history.value.pnlVsHoldingUsd)}</strong>`
              : null}
          </p>
          <table class="holdings">
            <thead><tr><th>Token</th><th>Balance</th><th>Oracle price</th><th>Value</th><th>Oracle updated</th></tr></thead>
            <tbody>
              ${vault.holdings.map((holding) => html`<tr><td>${holding.symbol}</td><td>${holding.amount}</td><td>${usd(holding.priceUsd)}</td><td>${usd(holding.valueUsd)}</td><td>${utc(holding.oracleUpdatedAt)}</td></tr>`)}
            </tbody>
          </table>`
      : status.error
        ? null
        : html`<p>Reading the vault…</p>`}
    ${history.value ? html`<${VaultCharts} history=${history.value} />` : null}
    ${vault
      ? html`<div class="columns">
          <div><h3>Headroom now</h3><${Fields} fields=${vault.headroom} now=${vault.blockTime} className="headroom" /></div>
          <div><h3>Policy</h3><${Fields} fields=${vault.policy} now=${vault.blockTime} className="policy" /></div>
          <div>
            <h3>Roles</h3><${Fields} fields=${vault.roles} now=${vault.blockTime} className="roles" />
            <h3>Pending changes</h3>
            ${vault.pendingChanges.length === 0
              ? html`<p class="none">None queued.</p>`
              : vault.pendingChanges.map(
                  (change) => html`<div class="change">
                    <p><strong>#${change.id} ${change.kind}</strong>: ${change.validNow ? 'may be applied now' : html`ETA ${utc(change.eta)} (in ${duration(change.secondsToGo)})`}</p>
                    <${Fields} fields=${change.fields} now=${vault.blockTime} className="change-fields" />
                  </div>`,
                )}
          </div>
        </div>`
      : null}
  </section>`;
}

function VaultCharts(props: { history: ConsoleVaultHistory }) {
  const valueRef = useRef<HTMLDivElement>(null);
  const balancesRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const { points } = props.history;
    const times = points.map((point) => point.time);
    const symbols = Object.keys(points[0]?.balances ?? {});
    const colours = ['#1f6feb', '#8250df', '#9a6700', '#1a7f37'];
    const charts: IChartApi[] = [
      drawTimeSeriesChart(valueRef.current!, {
        format: 'money',
        lines: [
          { name: 'Vault value', color: '#1f6feb', times, values: points.map((point) => point.valueUsd) },
          { name: 'Holding the starting balances', color: '#9a6700', times, values: points.map((point) => point.holdingUsd) },
        ],
      }),
      drawTimeSeriesChart(balancesRef.current!, {
        format: 'amount',
        lines: symbols.map((symbol, i) => ({ name: symbol, color: colours[i % colours.length]!, times, values: points.map((point) => point.balances[symbol] ?? 0), scale: i % 2 === 0 ? ('right' as const) : ('left' as const) })),
      }),
    ];
    void afterPaint().then(() => document.documentElement.setAttribute('data-charts-drawn', String(charts.length)));
    return () => charts.forEach((chart) => chart.remove());
  }, [props.history]);
  const symbols = Object.keys(props.history.points[0]?.balances ?? {});
  return html`<div class="charts">
    <div>
      <h3>Value against holding</h3>
      <p class="legend"><span><i class="c-value"></i>vault value (USD)</span><span><i class="c-hold"></i>holding the balances before the first trade (USD)</span></p>
      <div class="chart" data-chart="value" ref=${valueRef}></div>
    </div>
    <div>
      <h3>Balances</h3>
      <p class="legend">${symbols.map((symbol, i) => html`<span><i class=${`c-${i}`}></i>${symbol} (${i % 2 === 0 ? 'right' : 'left'} axis)</span>`)}</p>
      <div class="chart" data-chart="balances" ref=${balancesRef}></div>
    </div>
    ${props.history.note ? html`<p class="note">${props.history.note}</p>` : null}
  </div>`;
}

function OverviewPanel(props: { data: ConsoleData; tick: number }) {
  const overview = usePanel(() => props.data.overview(), props.tick);
  const o: ConsoleOverview | undefined = overview.value;
  return html`<section class="overview" aria-labelledby="overview-title">
    <h2 id="overview-title">Strategies and health</h2>
    ${overview.error ? html`<p class="error">${overview.error}</p>` : null}
    ${o
      ? html`<table class="strategies">
            <thead><tr><th>Strategy</th><th>Decisions</th><th>Trades</th><th>Holds</th><th>Denied</th><th>Failed</th><th>Volume</th><th>PnL at oracle prices</th><th>Last decision</th></tr></thead>
            <tbody>
              ${o.strategies.map(
                (s) => html`<tr data-strategy=${s.id}>
                  <td>${s.id}</td><td>${s.decisions}</td><td>${s.byStatus.trade ?? 0}</td><td>${s.byStatus.hold ?? 0}</td><td>${s.byStatus.denied ?? 0}</td><td>${s.byStatus.failed ?? 0}</td>
                  <td>${usd(s.volumeUsd)}</td><td class=${(s.pnlUsd ?? 0) < 0 ? 'neg' : 'pos'}>${usd(s.pnlUsd)}</td><td>${utc(s.lastDecisionTime)}</td>
                </tr>`,
              )}
            </tbody>
          </table>
          <div class="columns health">
            <div>
              <h3>Market</h3>
              <p>Last decision at market time ${utc(o.market.lastDecisionTime)}${o.market.lastEventTime !== null ? html`; last market event ${utc(o.market.lastEventTime)}` : null}${o.market.lastProcessedBlock !== null ? html`; processed up to block ${o.market.lastProcessedBlock}` : null}.</p>
              ${o.agent
                ? html`<p>Agent <strong class=${o.agent.status === 'ok' ? 'pos' : 'neg'}>${o.agent.status}</strong>: ${o.agent.events} events, ${o.agent.decisions} decisions${o.agent.lagBlocks !== null ? `, ${o.agent.lagBlocks} blocks behind` : ''}${o.agent.reasons.length ? `; ${o.agent.reasons.join('; ')}` : ''}.</p>`
                : null}
            </div>
            <div>
              <h3>RPC</h3>
              <p>${o.rpc.ok ? html`<strong class="pos">answering</strong>: head block ${o.rpc.headBlock}, ${o.rpc.latencyMs} ms` : html`<strong class="neg">not answering</strong>: ${o.rpc.error}`}</p>
            </div>
            <div>
              <h3>LLM</h3>
              <p>
                ${o.llm.decisions} LLM decisions (${o.llm.cachedAnswers} from the cache), ${o.llm.promptTokens} prompt + ${o.llm.completionTokens} completion tokens.
                ${o.llm.today ? html` Today (${o.llm.today.day}): ${o.llm.today.calls} calls, ${o.llm.today.tokens} tokens.` : null}
                ${o.llm.budget ? html` Budget: ${o.llm.budget.callsPerRun} calls and ${o.llm.budget.tokensPerRun} tokens a run, ${o.llm.budget.callsPerDay} calls and ${o.llm.budget.tokensPerDay} tokens a day.` : null}
              </p>
            </div>
          </div>`
      : overview.error
        ? null
        : html`<p>Reading…</p>`}
  </section>`;
}

/** Chunks rendered at first, and added each time the end of the list comes near. */
const initialChunks = 2;

function DecisionList(props: { book: DecisionBook; context: RowContext }) {
  const { book } = props;
  const [rendered, setRendered] = useState(initialChunks);
  const sentinel = useRef<HTMLDivElement>(null);
  const chunks = book.chunks;
  // Chunks that arrived at the top (live) are always shown on top of what was rendered: nothing rendered
  // is ever dropped or re-created.
  const visible = Math.min(chunks.length, book.topChunks + rendered);

  useEffect(() => {
    const element = sentinel.current;
    if (!element || visible >= chunks.length) return;
    // Observing reports at once whether the end is near, so a tall screen fills up, then each scroll near it adds more.
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) setRendered((count) => count + 2);
    }, { rootMargin: '1200px 0px' });
    observer.observe(element);
    return () => observer.disconnect();
  }, [visible, chunks.length]);

  const shown = chunks.slice(0, visible);
  const rows = shown.reduce((sum, chunk) => sum + chunk.ids.length, 0);
  return html`<section class="decisions" aria-labelledby="decisions-title">
    <h2 id="decisions-title">Decisions <small>newest first; ${rows} of ${book.records.size} shown, more as you scroll</small></h2>
    <ul class="decision-list">
      ${shown.map((chunk) => html`<${DecisionChunkView} key=${chunk.key} chunk=${chunk} version=${chunk.version} context=${props.context} />`)}
    </ul>
    <div class="sentinel" ref=${sentinel}>${visible < chunks.length ? 'More below…' : book.finished ? 'That is every decision.' : 'Loading…'}</div>
  </section>`;
}
