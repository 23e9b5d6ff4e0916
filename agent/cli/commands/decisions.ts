import { type Command, InvalidArgumentError, Option } from 'commander';
import { type CommandContext, commandAction, withCommonOptions } from '../action.js';
import { type RpcOptions, rememberRpcUrl, withRpcOption } from '../rpc-option.js';

type JournalOptions = RpcOptions & { journal?: string; devnet?: boolean; manifest?: string; fromBlock?: bigint };
type ListOptions = JournalOptions & { run?: string; outcome?: string; limit?: number };

const statuses = ['pending', 'trade', 'hold', 'denied', 'failed', 'superseded'] as const;

const parseWhole = (text: string): number => {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new InvalidArgumentError(`"${text}" is not a whole number > 0.`);
  return value;
};
const parseBlock = (text: string): bigint => {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError(`"${text}" is not a block number.`);
  return BigInt(text);
};

/** Opens the journal the command reads (never creates one: a typo in --journal must not look like an empty history). */
async function openCommandJournal(ctx: CommandContext, options: JournalOptions) {
  const [{ existsSync }, { loadCommandConfig }, { openJournal }, { systemClock }, { MandateError }] = await Promise.all([
    import('node:fs'),
    import('../load-command-config.js'),
    import('../../journal/open-journal.js'),
    import('../../model/clock.js'),
    import('../../model/base-error.js'),
  ]);
  // Reading the journal needs no chain and no key; verify and prove resolve the chain separately.
  const config = await loadCommandConfig(ctx.configPath, 'backtest', { readOnly: true });
  if (config.chain.rpcUrl !== undefined) rememberRpcUrl(config.chain.rpcUrl);
  const path = options.journal ?? config.journal.path;
  if (!existsSync(path)) {
    throw new MandateError(`No decision journal at ${path}.`, { details: 'Run an agent first (`mandate run` or `mandate demo`), or point to a journal with --journal <path>.' });
  }
  return { config, journal: openJournal({ path, clock: systemClock }) };
}

/** A decision by full id or unique prefix (ids are long; the list shows their first characters). */
async function findDecision(journal: import('../../journal/open-journal.js').Journal, idOrPrefix: string) {
  const { MandateError } = await import('../../model/base-error.js');
  const wanted = idOrPrefix.toLowerCase();
  const exact = journal.decisions.get(wanted as `0x${string}`);
  if (exact) return exact;
  const matches = journal.db
    .prepare<[string], { id: string }>("SELECT id FROM decisions WHERE id LIKE ? || '%' LIMIT 2")
    .all(wanted)
    .map((row) => row.id);
  if (matches.length !== 1) {
    throw new MandateError(`${matches.length === 0 ? 'No' : 'More than one'} decision matches ${idOrPrefix}.`, {
      details: 'Give the full decision id, or a prefix that only one decision has (see `mandate decisions list`).',
    });
  }
  return journal.decisions.get(matches[0] as `0x${string}`)!;
}

async function listDecisions(ctx: CommandContext, options: ListOptions) {
  const { journal } = await openCommandJournal(ctx, options);
  try {
    const rows = journal.decisions.list({
      runId: options.run,
      status: options.outcome as (typeof statuses)[number] | undefined,
      newestFirst: true,
      limit: options.limit ?? 50,
    });
    const decisions = rows.reverse().map((decision) => {
      const { reasoning, proposal } = decision.content;
      return {
        id: decision.id,
        runId: decision.runId,
        seq: decision.seq,
        time: decision.time,
        strategyId: decision.strategyId,
        status: decision.status,
        reason: decision.reason ?? (proposal.action === 'hold' ? proposal.rationale : undefined),
        txHash: decision.txHash,
        reasoner: reasoning.reasoner,
        model: reasoning.model,
        // The LLM's cost per decision: prompt + completion tokens (0 for rules or cache hits).
        tokens: reasoning.tokens ? reasoning.tokens.prompt + reasoning.tokens.completion : 0,
        batchId: decision.batchId,
      };
    });
    return { count: decisions.length, tokens: decisions.reduce((sum, d) => sum + d.tokens, 0), decisions };
  } finally {
    journal.close();
  }
}

function renderList(result: Awaited<ReturnType<typeof listDecisions>>): string {
  if (result.count === 0) return 'No decisions.';
  const lines = result.decisions.map((d) => {
    const when = new Date(d.time * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
    const tokens = d.reasoner === 'llm' ? ` ${d.tokens} tok` : '';
    const what = d.txHash ? `tx ${d.txHash.slice(0, 10)}…` : (d.reason ?? '');
    return `${d.id.slice(0, 12)} #${d.seq} ${when} ${d.strategyId} ${d.status.toUpperCase()}${tokens} ${what}`.trimEnd();
  });
  return [...lines, `${result.count} decisions${result.tokens > 0 ? `, ${result.tokens} LLM tokens` : ''}.`].join('\n');
}

async function showDecision(ctx: CommandContext, id: string, options: JournalOptions) {
  const { journal } = await openCommandJournal(ctx, options);
  try {
    const decision = await findDecision(journal, id);
    const { content } = decision;
    return {
      id: decision.id,
      runId: decision.runId,
      seq: decision.seq,
      time: decision.time,
      strategyId: decision.strategyId,
      status: decision.status,
      reason: decision.reason,
      hash: decision.hash,
      signal: content.signal,
      proposal: content.proposal,
      verdict: content.verdict,
      intent: content.intent,
      fill: decision.fill,
      txHash: decision.txHash,
      batchId: decision.batchId,
      reasoning: {
        reasoner: content.reasoning.reasoner,
        model: content.reasoning.model,
        promptVersion: content.reasoning.promptVersion,
        inputsDigest: content.reasoning.inputsDigest,
        rawOutput: content.reasoning.rawOutput,
        rationale: content.proposal.rationale,
        tokens: content.reasoning.tokens,
        latencyMs: content.reasoning.latencyMs,
        fallback: content.reasoning.fallback,
        attempts: content.reasoning.attempts,
        cached: content.reasoning.cached,
      },
      reasoningHash: content.reasoningHash,
    };
  } finally {
    journal.close();
  }
}

function renderShow(result: Awaited<ReturnType<typeof showDecision>>): string {
  const json = (value: unknown) => JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  const r = result.reasoning;
  return [
    `Decision ${result.id}`,
    `  run ${result.runId}, #${result.seq}, ${new Date(result.time * 1000).toISOString()}, strategy ${result.strategyId}`,
    `  outcome  ${result.status.toUpperCase()}${result.reason ? `: ${result.reason}` : ''}`,
    `  hash     ${result.hash}`,
    `  signal   ${json(result.signal)}`,
    `  proposal ${json(result.proposal)}`,
    `  verdict  ${json(result.verdict)}`,
    ...(result.intent ? [`  intent   ${json(result.intent)}`] : []),
    ...(result.fill ? [`  fill     ${json(result.fill)}`] : []),
    ...(result.txHash ? [`  tx       ${result.txHash}`] : []),
    ...(result.batchId !== undefined ? [`  batch    ${result.batchId}`] : []),
    `  reasoning ${r.reasoner} ${r.model}, prompt ${r.promptVersion}, inputs ${r.inputsDigest}`,
    `    rationale ${r.rationale}`,
    `    raw output ${r.rawOutput}`,
    `    tokens ${r.tokens ? `${r.tokens.prompt} prompt + ${r.tokens.completion} completion` : 'none'}, latency ${r.latencyMs ?? '-'} ms, fallback ${r.fallback ?? 'none'}${r.cached ? ', from cache' : ''}`,
    `  reasoningHash ${result.reasoningHash}`,
  ].join('\n');
}

async function verifyDecisions(ctx: CommandContext, options: JournalOptions & { run?: string }) {
  const { config, journal } = await openCommandJournal(ctx, options);
  const [{ resolveJournalChain }, { readVaultDecisionHistory, historyLookups }, { verifyJournal }] = await Promise.all([
    import('../../venues/live/journal-chain.js'),
    import('../../journal/vault-journal-chain.js'),
    import('../../journal/verify-journal.js'),
  ]);
  try {
    const chain = resolveJournalChain(config, options);
    // Only runs against this vault can be checked against it; others are listed as skipped.
    const runs = journal.runs.list().filter((run) => options.run === undefined || run.id === options.run);
    const checked = runs.filter((run) => run.vault === chain.vault);
    const skipped = runs.filter((run) => !checked.includes(run)).map((run) => ({ id: run.id, vault: run.vault ?? null, mode: run.mode }));
    const history = await readVaultDecisionHistory({ client: chain.client, vault: chain.vault, fromBlock: chain.fromBlock });
    const lookups = historyLookups(history);
    const totals = { decisions: 0, verified: 0, mismatched: 0, uncommitted: 0, unchecked: 0 };
    const problems: { id: string; runId: string; seq: number; status: string; result: string; problems: string[] }[] = [];
    for (const run of checked) {
      const report = await verifyJournal({ journal, runId: run.id, lookupTrade: lookups.lookupTrade, isRootCommitted: lookups.isRootCommitted });
      for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += report[key];
      for (const detail of report.details) if (detail.result !== 'verified') problems.push(detail);
    }
    // A journal that disagrees with the chain fails the command (CI, audits); not-yet-committed ones do not.
    if (totals.mismatched > 0) process.exitCode = 1;
    return { ...totals, vault: chain.vault, network: chain.network, runs: checked.map((run) => run.id), skippedRuns: skipped, problems: problems.slice(0, 100) };
  } finally {
    journal.close();
  }
}

function renderVerify(result: Awaited<ReturnType<typeof verifyDecisions>>): string {
  return [
    `Vault ${result.vault} (${result.network}), ${result.runs.length} run(s): ${result.decisions} decisions, ${result.verified} verified, ${result.mismatched} mismatched, ${result.uncommitted} uncommitted, ${result.unchecked} unchecked.`,
    ...result.problems.map((p) => `  ${p.result.toUpperCase()} ${p.id.slice(0, 12)} (${p.runId} #${p.seq}, ${p.status}): ${p.problems.join(' ')}`),
    ...(result.skippedRuns.length > 0 ? [`Skipped ${result.skippedRuns.length} run(s) against other vaults: ${result.skippedRuns.map((r) => r.id).join(', ')}.`] : []),
  ].join('\n');
}

async function proveDecision(ctx: CommandContext, id: string, options: JournalOptions) {
  const { config, journal } = await openCommandJournal(ctx, options);
  const [{ resolveJournalChain }, { proofFor, verifyDecisionProof }, { verifyDecision }, { getVaultEvents }] = await Promise.all([
    import('../../venues/live/journal-chain.js'),
    import('../../journal/merkle-batches.js'),
    import('../../chain/vault/decision-batches.js'),
    import('../../chain/vault/vault-events.js'),
  ]);
  try {
    const decision = await findDecision(journal, id);
    const chain = resolveJournalChain(config, options);
    if (decision.status === 'trade') {
      // A trade is proven by the vault's own event for its decision id, not by a Merkle batch.
      const [event] = await getVaultEvents({
        client: chain.client,
        vault: chain.vault,
        eventNames: ['TradeExecuted'],
        args: { decisionId: decision.id },
        fromBlock: chain.fromBlock,
      });
      const fill = decision.fill;
      const matches =
        event !== undefined &&
        fill !== undefined &&
        event.transactionHash === fill.txHash &&
        event.args.amountIn === fill.amountIn &&
        event.args.amountOut === fill.amountOut &&
        event.args.reasoningHash.toLowerCase() === decision.content.reasoningHash.toLowerCase();
      return {
        decisionId: decision.id,
        decisionHash: decision.hash,
        kind: 'trade' as const,
        txHash: event?.transactionHash,
        block: event?.blockNumber,
        event: event?.args,
        verifiedOnChain: matches,
      };
    }
    const proof = proofFor(journal, decision.id);
    const locallyValid = verifyDecisionProof({ root: proof.root, decisionId: proof.decisionId, decisionHash: proof.decisionHash, proof: proof.proof });
    const verifiedOnChain =
      proof.onchainIndex === undefined
        ? false
        : await verifyDecision({ publicClient: chain.client, vault: chain.vault, batch: proof.onchainIndex, decisionId: proof.decisionId, decisionHash: proof.decisionHash, proof: proof.proof });
    return { ...proof, kind: 'batch' as const, locallyValid, verifiedOnChain };
  } finally {
    journal.close();
  }
}

function renderProve(result: Awaited<ReturnType<typeof proveDecision>>): string {
  if (result.kind === 'trade') {
    return [
      `Decision ${result.decisionId} is a trade: proven by the vault's TradeExecuted event.`,
      `  tx ${result.txHash ?? 'none found'}${result.block !== undefined ? ` in block ${result.block}` : ''}`,
      `  matches the journal: ${result.verifiedOnChain ? 'yes' : 'NO'}`,
    ].join('\n');
  }
  return [
    `Decision ${result.decisionId}`,
    `  decisionHash ${result.decisionHash}`,
    `  batch ${result.batchId} (vault batch ${result.onchainIndex ?? 'not committed'}, ${result.batchStatus}${result.txHash ? `, tx ${result.txHash}` : ''})`,
    `  root  ${result.root}`,
    `  leaf  ${result.leaf}`,
    `  proof ${result.proof.length === 0 ? '(single-leaf batch: the leaf is the root)' : ''}`,
    ...result.proof.map((node) => `    ${node}`),
    `  valid against the root: ${result.locallyValid ? 'yes' : 'NO'}; vault.verifyDecision: ${result.verifiedOnChain ? 'true' : 'false'}`,
  ].join('\n');
}

function withJournalOptions(command: Command, chain: boolean): Command {
  withCommonOptions(command).option('--journal <path>', "the decision journal (default: the config's journal.path)");
  if (chain) {
    withRpcOption(command, "JSON-RPC endpoint (default: the devnet manifest's with --devnet, else MANDATE_RPC_URL, then chain.rpcUrl)")
      .option('--devnet', 'check against the local devnet from its manifest')
      .option('--manifest <path>', "the devnet manifest (default: the config's chain.devnetManifest)")
      .option('--from-block <n>', "live: the vault's deploy block, where its log scan starts (default 0)", parseBlock);
  }
  return command;
}

/**
 * `mandate decisions list | show <id> | verify | prove <id>`: read and audit the decision journal. `verify`
 * recomputes every decision hash and checks trades against their TradeExecuted events and every other
 * decision against its committed Merkle root: `{ decisions, verified, mismatched, uncommitted }`.
 *
 * @example
 * registerDecisionsCommand(program); // then: mandate decisions verify --devnet --json
 */
export function registerDecisionsCommand(program: Command): void {
  const decisions = program.command('decisions').description('list, show, verify and prove the agent\'s journaled decisions');
  withJournalOptions(
    decisions
      .command('list')
      .description('the latest decisions, oldest first, with the LLM tokens each cost')
      .option('--run <id>', 'only this run')
      .addOption(new Option('--outcome <outcome>', 'only this outcome').choices([...statuses]))
      .option('--limit <n>', 'at most this many (default 50)', parseWhole),
    false,
  ).action(commandAction(listDecisions, renderList));
  withJournalOptions(decisions.command('show').description('everything about one decision: signal, proposal, verdict, fill, reasoning').argument('<id>', 'decision id or unique prefix'), false).action(
    commandAction(showDecision, renderShow),
  );
  withJournalOptions(decisions.command('verify').description('re-verify every decision against its hash and the chain').option('--run <id>', 'only this run'), true).action(
    commandAction(verifyDecisions, renderVerify),
  );
  withJournalOptions(decisions.command('prove').description("print a decision's Merkle proof and check it with the vault").argument('<id>', 'decision id or unique prefix'), true).action(
    commandAction(proveDecision, renderProve),
  );
}
