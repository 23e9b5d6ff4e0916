import type { Hex } from '../../model/address.js';
import type { ConsoleBatch, ConsoleDecisionPage, ConsoleMeta, ConsoleOverview, ConsoleVaultHistory, ConsoleVaultStatus } from '../console-types.js';

/**
 * Where the page's data comes from: the console's server (`api/…`, live) or an exported folder (`data/…`
 * files, a snapshot). Both hand over the same JSON; paths are relative to the page, so an exported folder
 * works under any URL.
 */
export type ConsoleData = {
  source: 'server' | 'static';
  meta(): Promise<ConsoleMeta>;
  /** A page of decisions by the path a meta or a page named. */
  page(path: string): Promise<ConsoleDecisionPage>;
  /** Decisions journaled after `position` (server only). */
  newer(position: number): Promise<ConsoleDecisionPage>;
  /** These decisions as they are now (server only). */
  byIds(ids: readonly Hex[]): Promise<ConsoleDecisionPage>;
  /** Merkle batches (with their trees) by id. */
  batches(ids: readonly number[]): Promise<ConsoleBatch[]>;
  vault(): Promise<ConsoleVaultStatus>;
  history(): Promise<ConsoleVaultHistory>;
  overview(): Promise<ConsoleOverview>;
  /** Calls `onChange` whenever the journal changes (server only); returns the unsubscribe. */
  watch(onChange: () => void): () => void;
};

/** The server or the export could not be read. */
export class ConsoleDataError extends Error {
  override name = 'ConsoleDataError';
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
  if (!response.ok) throw new ConsoleDataError(`GET ${path} answered HTTP ${response.status}.`);
  return (await response.json()) as T;
}

/**
 * The data of the page, by where it was served from (`data-source` on <html>).
 *
 * @example
 * const data = consoleData(document.documentElement.dataset.source === 'static' ? 'static' : 'server');
 */
export function consoleData(source: 'server' | 'static'): ConsoleData {
  if (source === 'static') {
    const none = () => Promise.resolve({ records: [], next: null });
    return {
      source,
      meta: () => getJson('data/meta.json'),
      page: (path) => getJson(path),
      newer: none,
      byIds: none,
      batches: async (ids) => (await Promise.all(ids.map((id) => getJson<ConsoleBatch[]>(`data/batch-${id}.json`)))).flat(),
      vault: () => getJson('data/vault.json'),
      history: () => getJson('data/vault-history.json'),
      overview: () => getJson('data/overview.json'),
      watch: () => () => undefined,
    };
  }
  return {
    source,
    meta: () => getJson('api/meta'),
    page: (path) => getJson(path),
    newer: (position) => getJson(`api/decisions?after=${position}&limit=1000`),
    byIds: (ids) => getJson(`api/decisions?ids=${ids.join(',')}`),
    batches: (ids) => getJson(`api/batches?ids=${ids.join(',')}`),
    vault: () => getJson('api/vault'),
    history: () => getJson('api/vault/history'),
    overview: () => getJson('api/overview'),
    watch(onChange) {
      const events = new EventSource('api/events');
      events.addEventListener('journal', onChange);
      return () => events.close();
    },
  };
}
