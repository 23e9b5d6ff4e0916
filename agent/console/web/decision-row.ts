import { html } from 'htm/preact';
import { Component, type ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { journaledDecisionFrom } from '../../journal/decision-store.js';
import type { DecisionVerification } from '../../journal/verify-journal.js';
import type { Hex } from '../../model/address.js';
import type { DecisionContent, Fill } from '../../model/decision.js';
import type { ConsoleBatch, ConsoleRecord, ConsoleToken } from '../console-types.js';
import { recomputedHash, rowVerdict } from './chain-verifier.js';
import type { DecisionChunk } from './decision-book.js';
import { tokenAmount, utc } from './format.js';


/** What a row reads besides its record. */
export type RowContext = {
  tokens: ReadonlyMap<string, ConsoleToken>;
  results: ReadonlyMap<Hex, DecisionVerification>;
  batches: ReadonlyMap<number, ConsoleBatch>;
  records: ReadonlyMap<Hex, ConsoleRecord>;
};

/** A decision's content as the row shows it, or why it cannot be read. */
type Parsed = { content: DecisionContent; fill: Fill | undefined } | { problem: string };

function parse(record: ConsoleRecord): Parsed {
  try {
    const decision = journaledDecisionFrom(record);
    return { content: decision.content, fill: decision.fill };
  } catch (error) {
    return { problem: `The stored JSON cannot be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The LLM's answer is JSON with a rationale and a confidence; the rules reasoner's output is its own text. */
function reasonerOutput(content: DecisionContent): { rationale: string; confidence: number | undefined } {
  if (content.reasoning.reasoner === 'llm') {
    try {
      const answer = JSON.parse(content.reasoning.rawOutput) as { rationale?: unknown; confidence?: unknown };
      return {
        rationale: typeof answer.rationale === 'string' ? answer.rationale : content.proposal.rationale,
        confidence: typeof answer.confidence === 'number' ? answer.confidence : undefined,
      };
    } catch {
      // An answer that is not JSON was denied as invalid; the proposal's rationale says so.
    }
  }
  return { rationale: content.proposal.rationale, confidence: undefined };
}

function amounts(parsed: Parsed, tokens: RowContext['tokens']): string {
  if ('problem' in parsed) return '';
  const { intent, proposal } = parsed.content;
  if (parsed.fill && intent) return `${tokenAmount(parsed.fill.amountIn, intent.tokenIn, tokens)} → ${tokenAmount(parsed.fill.amountOut, intent.tokenOut, tokens)}`;
  if (intent) return `${tokenAmount(intent.amountIn, intent.tokenIn, tokens)} → ${tokenAmount(undefined, intent.tokenOut, tokens)}`;
  if (proposal.action === 'trade') return `${tokenAmount(proposal.amountIn, proposal.tokenIn, tokens)} → ${tokenAmount(undefined, proposal.tokenOut, tokens)}`;
  return '';
}

function policyCheck(content: DecisionContent): string {
  const { verdict } = content;
  if (verdict.allowed) return 'allowed by the policy';
  return `${verdict.reason}${verdict.args?.length ? `(${verdict.args.join(', ')})` : ''}`;
}

const verdictText = { true: 'verified', false: 'mismatch', pending: 'not committed yet' } as const;

/**
 * One decision: a summary line (time, strategy, outcome, tokens and amounts, why, verification) and, opened,
 * everything behind it. The element carries `data-decision-id` and, once this browser has checked it,
 * `data-verified`.
 */
export function DecisionRow(props: { record: ConsoleRecord; context: RowContext }) {
  const { record, context } = props;
  const [open, setOpen] = useState(false);
  const result = context.results.get(record.id);
  const verdict = result ? rowVerdict(result) : undefined;
  const parsed = parse(record);
  const why = 'problem' in parsed ? parsed.problem : (record.reason ?? parsed.content.signal?.reason ?? parsed.content.proposal.rationale);
  return html`<li class=${`decision status-${record.status}`} data-decision-id=${record.id} data-verified=${verdict} data-status=${record.status}>
    <details onToggle=${(event: Event) => setOpen((event.currentTarget as HTMLDetailsElement).open)}>
      <summary>
        <span class="time">${utc(record.time)}</span>
        <span class="strategy">${record.strategyId}</span>
        <span class=${`outcome ${record.status}`}>${record.status}</span>
        <span class="amounts">${amounts(parsed, context.tokens)}</span>
        <span class="why" title=${why}>${why}</span>
        <span class=${`check ${verdict ?? 'unchecked'}`} title=${result?.problems.join(' ') || ''}>${verdict ? verdictText[verdict] : 'checking…'}</span>
      </summary>
      ${open ? html`<${DecisionDetails} record=${record} parsed=${parsed} result=${result} context=${context} />` : null}
    </details>
  </li>`;
}

function Row(props: { label: string; children: ComponentChildren }) {
  return html`<tr><th scope="row">${props.label}</th><td>${props.children}</td></tr>`;
}

function DecisionDetails(props: { record: ConsoleRecord; parsed: Parsed; result: DecisionVerification | undefined; context: RowContext }) {
  const { record, parsed, result, context } = props;
  const batch = record.batchId === undefined ? undefined : context.batches.get(record.batchId);
  const hash = recomputedHash(record);
  const json = (value: unknown) => JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  const content = 'problem' in parsed ? undefined : parsed.content;
  const output = content ? reasonerOutput(content) : undefined;
  return html`<table class="details">
    <${Row} label="Decision">${record.id}<br /><small>run ${record.runId}, #${record.seq}</small><//>
    ${content?.signal ? html`<${Row} label="Strategy's reason">${content.signal.side} ${content.signal.strength.toFixed(2)}: ${content.signal.reason}<//>` : null}
    ${content && output
      ? html`<${Row} label="Reasoner">${content.reasoning.reasoner} (${content.reasoning.model}, ${content.reasoning.promptVersion})${content.reasoning.fallback ? `, fell back: ${content.reasoning.fallback}` : ''}${content.reasoning.cached ? ', from the cache' : ''}
            ${content.reasoning.tokens ? html`<br /><small>${content.reasoning.tokens.prompt} prompt + ${content.reasoning.tokens.completion} completion tokens${content.reasoning.latencyMs !== undefined ? `, ${Math.round(content.reasoning.latencyMs)} ms` : ''}</small>` : null}<//>
          <${Row} label="Rationale">${output.rationale}<//>
          ${output.confidence !== undefined ? html`<${Row} label="Confidence">${output.confidence.toFixed(2)}<//>` : null}
          <${Row} label="Policy check">${policyCheck(content)}<//>
          ${content.intent ? html`<${Row} label="Intent"><code>${json(content.intent)}</code><//>` : null}`
      : null}
    ${'problem' in parsed ? html`<${Row} label="Content">${parsed.problem}<//>` : null}
    ${record.reason ? html`<${Row} label="Outcome">${record.reason}<//>` : null}
    ${'fill' in parsed && parsed.fill ? html`<${Row} label="Fill"><code>${json(parsed.fill)}</code><//>` : null}
    ${record.txHash ? html`<${Row} label="Transaction"><code>${record.txHash}</code><//>` : null}
    <${Row} label="Hash">journal <code>${record.hash}</code><br />recomputed here <code>${hash ?? 'unreadable'}</code><//>
    ${batch
      ? html`<${Row} label="Merkle batch">${batch.id} of ${batch.count}, ${batch.status}${batch.onchainIndex !== undefined ? `, vault batch ${batch.onchainIndex}` : ''}<br />root <code>${batch.root}</code>${batch.txHash ? html`<br />tx <code>${batch.txHash}</code>` : null}<//>`
      : null}
    <${Row} label="Verified in this browser">${result ? `${result.result}: checked ${result.checks.join(', ')}` : 'not yet'}${result?.problems.length ? html`<ul class="problems">${result.problems.map((problem) => html`<li>${problem}</li>`)}</ul>` : null}<//>
  </table>`;
}

/** A fixed chunk of rows, re-rendered only when one of them changed (its version moved). */
export class DecisionChunkView extends Component<{ chunk: DecisionChunk; version: number; context: RowContext }> {
  override shouldComponentUpdate(next: { version: number }): boolean {
    return next.version !== this.props.version;
  }
  override render() {
    const { chunk, context } = this.props;
    return html`${chunk.ids.map((id) => {
      const record = context.records.get(id);
      return record ? html`<${DecisionRow} key=${id} record=${record} context=${context} />` : null;
    })}`;
  }
}

