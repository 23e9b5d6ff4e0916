import type { Observable } from 'rxjs';
import { createPublicClient, http, type PublicClient } from 'viem';
import type { Journal } from '../journal/open-journal.js';
import type { AgentHealth } from '../observability/agent-health.js';
import { createConsole, type Console, type ConsoleChain } from './create-console.js';
import type { ReadConsoleOverviewParameters } from './read-console-overview.js';

export type AttachConsoleParameters = {
  /** The running agent's journal (its own connection: the console only reads). */
  journal: Journal;
  /** Anything that emits when a decision is journaled (the kernel's decisions$): the page updates at once. */
  decisions$?: Observable<unknown> | undefined;
  /** The agent's chain: where its vault is and the RPC the read-only proxy forwards to. */
  chain: Omit<ConsoleChain, 'client'>;
  /** The agent's health (telemetry's), for the health panel. */
  health?: (() => AgentHealth) | undefined;
  llm?: ReadConsoleOverviewParameters['llm'];
};

export type AttachedConsole = Console & {
  /** For the observability server's `handle` option. */
  readonly handle: Console['handle'];
  /** Unsubscribes from decisions$ and closes the live streams. */
  dispose(): void;
};

/**
 * The console for a running agent (`mandate run` with `observability.console`): built from the agent's
 * journal and chain, told of each decision as it is journaled, and mounted beside /health and /metrics on
 * the observability server through its `handle` option. New decisions reach open pages over server-sent
 * events, without a reload.
 *
 * @example
 * const view = attachConsole({ journal: agent.journal, decisions$: agent.kernel.decisions$, chain, health: () => telemetry.health() });
 * const telemetry = await createAgentTelemetry({ ..., server: { port: 9464, handle: view.handle } });
 */
export function attachConsole(parameters: AttachConsoleParameters): AttachedConsole {
  const client = createPublicClient({ transport: http(parameters.chain.rpcUrl, { batch: false }) }) as PublicClient;
  const view = createConsole({ journal: parameters.journal, chain: { ...parameters.chain, client }, llm: parameters.llm, health: parameters.health });
  const subscription = parameters.decisions$?.subscribe({ next: () => view.notify() });
  return {
    ...view,
    handle: view.handle,
    dispose() {
      subscription?.unsubscribe();
      view.close();
    },
  };
}
