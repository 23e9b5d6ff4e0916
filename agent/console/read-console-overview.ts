import { existsSync } from 'node:fs';
import { formatUnits, type PublicClient } from 'viem';
import type { Journal } from '../journal/open-journal.js';
import { isAddress, toAddress, type Address } from '../model/address.js';
import { systemClock } from '../model/clock.js';
import type { AgentHealth } from '../observability/agent-health.js';
import { openResponseCache } from '../reasoning/response-cache.js';
import type { ConsoleOverview, ConsoleToken } from './console-types.js';

export type ReadConsoleOverviewParameters = {
  journal: Pick<Journal, 'db' | 'cursors'>;
  chainId: number;
  vault: Address;
  /** The runs the console shows. */
  runIds: readonly string[];
  tokens: readonly ConsoleToken[];
  /** USD per whole token, by address (the vault's oracles), to value each strategy's trades. */
  prices: ReadonlyMap<Address, number>;
  /** Checked with eth_blockNumber for the RPC state. */
  client: PublicClient;
  /** reasoner.llm: the budget limits and the response cache file (today's usage lives there). */
  llm?: { budget: NonNullable<ConsoleOverview['llm']['budget']>; cachePath: string } | undefined;
  /** The running agent's health, when the console runs inside `mandate run`. */
  health?: (() => AgentHealth) | undefined;
};

type TradeRow = { strategy_id: string; token_in: string; token_out: string; amount_in: string; amount_out: string; value_usd: string | null };

/**
 * Strategies and health for the console: per-strategy decision counts, traded volume and PnL (each trade's
 * token flows valued at the current oracle prices), the last decision and market block, whether the RPC
 * answers, and the LLM's usage against its budget (from the journal and the reasoner's cache file).
 *
 * @example
 * const overview = await readConsoleOverview({ journal, chainId, vault, runIds, tokens, prices, client });
 */
export async function readConsoleOverview(parameters: ReadConsoleOverviewParameters): Promise<ConsoleOverview> {
  const { journal, runIds, tokens, prices } = parameters;
  const runs = JSON.stringify(runIds);
  const inRuns = 'run_id IN (SELECT value FROM json_each(@runs))';

  const counts = journal.db
    .prepare<[{ runs: string }], { strategy_id: string; status: string; n: number; last: number }>(
      `SELECT strategy_id, status, COUNT(*) AS n, MAX(time) AS last FROM decisions WHERE ${inRuns} GROUP BY strategy_id, status`,
    )
    .all({ runs });
  const trades = journal.db
    .prepare<[{ runs: string }], TradeRow>(
      `SELECT strategy_id, json_extract(intent_json, '$.tokenIn') AS token_in, json_extract(intent_json, '$.tokenOut') AS token_out,
         json_extract(fill_json, '$.amountIn') AS amount_in, json_extract(fill_json, '$.amountOut') AS amount_out,
         json_extract(fill_json, '$.valueUsd') AS value_usd
       FROM decisions WHERE ${inRuns} AND status = 'trade' AND fill_json IS NOT NULL`,
    )
    .all({ runs });

  const strategies = new Map<string, ConsoleOverview['strategies'][number] & { flows: Map<Address, bigint> }>();
  const strategy = (id: string) => {
    let entry = strategies.get(id);
    if (!entry) strategies.set(id, (entry = { id, decisions: 0, byStatus: {}, pnlUsd: 0, volumeUsd: 0, lastDecisionTime: null, flows: new Map() }));
    return entry;
  };
  for (const row of counts) {
    const entry = strategy(row.strategy_id);
    entry.decisions += row.n;
    entry.byStatus[row.status] = row.n;
    entry.lastDecisionTime = Math.max(entry.lastDecisionTime ?? 0, row.last);
  }
  for (const row of trades) {
    const entry = strategy(row.strategy_id);
    if (!isAddress(row.token_in) || !isAddress(row.token_out)) continue;
    const tokenIn = toAddress(row.token_in);
    const tokenOut = toAddress(row.token_out);
    entry.flows.set(tokenIn, (entry.flows.get(tokenIn) ?? 0n) - BigInt(row.amount_in));
    entry.flows.set(tokenOut, (entry.flows.get(tokenOut) ?? 0n) + BigInt(row.amount_out));
    if (row.value_usd !== null) entry.volumeUsd += Number(formatUnits(BigInt(row.value_usd), 18));
  }
  for (const entry of strategies.values()) {
    let pnl: number | null = 0;
    for (const [address, amount] of entry.flows) {
      const token = tokens.find((t) => t.address === address);
      const price = prices.get(address);
      if (!token || price === undefined) pnl = null;
      else if (pnl !== null) pnl += Number(formatUnits(amount, token.decimals)) * price;
    }
    entry.pnlUsd = pnl;
  }

  const lastDecisionTime = counts.reduce<number | null>((last, row) => Math.max(last ?? 0, row.last), null);
  const marketCursor = journal.cursors.list().find((cursor) => {
    const [kind, chain, vault] = cursor.source.split(':');
    return kind === 'market' && Number(chain) === parameters.chainId && vault !== undefined && isAddress(vault) && toAddress(vault) === parameters.vault;
  });
  const health = parameters.health?.();

  return {
    strategies: [...strategies.values()].sort((a, b) => a.id.localeCompare(b.id)).map(({ flows: _flows, ...rest }) => rest),
    market: { lastDecisionTime, lastEventTime: health?.lastEventTime ?? null, lastProcessedBlock: marketCursor?.block.toString() ?? null },
    rpc: await rpcState(parameters.client),
    llm: llmUsage(parameters),
    agent: health ? { status: health.status, reasons: health.reasons, lagBlocks: health.lagBlocks, events: health.events, decisions: health.decisions } : null,
  };
}

async function rpcState(client: PublicClient): Promise<ConsoleOverview['rpc']> {
  const started = systemClock.now();
  try {
    const head = await client.getBlockNumber({ cacheTime: 0 });
    return { ok: true, headBlock: head.toString(), latencyMs: Math.round(systemClock.now() - started), error: undefined };
  } catch (error) {
    // The error's message may quote the RPC URL, which can hold a key: only its kind and status go out.
    const status = (error as { status?: number }).status;
    return { ok: false, headBlock: null, latencyMs: null, error: `${error instanceof Error ? error.name : 'Error'}${status ? ` (HTTP ${status})` : ''}` };
  }
}

function llmUsage(parameters: ReadConsoleOverviewParameters): ConsoleOverview['llm'] {
  const row = parameters.journal.db
    .prepare<[{ runs: string }], { n: number; prompt: number | null; completion: number | null; cached: number | null }>(
      `SELECT COUNT(*) AS n, SUM(prompt_tokens) AS prompt, SUM(completion_tokens) AS completion,
         SUM(json_extract(reasoning_json, '$.cached') = 1) AS cached
       FROM decisions WHERE run_id IN (SELECT value FROM json_each(@runs)) AND reasoner = 'llm' AND model <> 'none'`,
    )
    .get({ runs: JSON.stringify(parameters.runIds) })!;
  let today: ConsoleOverview['llm']['today'] = null;
  const llm = parameters.llm;
  if (llm && existsSync(llm.cachePath)) {
    // Replay mode opens an existing cache without creating anything; the daily usage is shared by every run.
    const cache = openResponseCache({ path: llm.cachePath, mode: 'replay', clock: systemClock });
    try {
      const day = new Date(systemClock.now()).toISOString().slice(0, 10);
      today = { day, ...cache.usage.used(day) };
    } finally {
      cache.close();
    }
  }
  return { decisions: row.n, cachedAnswers: row.cached ?? 0, promptTokens: row.prompt ?? 0, completionTokens: row.completion ?? 0, budget: llm?.budget ?? null, today };
}
