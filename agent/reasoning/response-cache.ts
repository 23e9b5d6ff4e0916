import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { keccak256, toBytes } from 'viem';
import { canonicalJson } from '../model/canonical-json.js';
import type { Clock } from '../model/clock.js';
import type { Hex } from '../model/address.js';
import type { LlmUsageStore } from './llm-budget.js';
import { ResponseCacheOpenError } from './llm-errors.js';
import type { ChatMessage } from './prompt.js';

/**
 * `off`: always ask the model, store nothing. `record`: answer from the cache when the exact prompt was seen,
 * else ask the model and store the answer. `replay`: answer only from the cache; a miss is an error, and the
 * endpoint is never contacted (deterministic, free, offline).
 *
 * @example
 * responseCacheModes.includes('replay'); // true
 */
export const responseCacheModes = ['off', 'record', 'replay'] as const;
export type ResponseCacheMode = (typeof responseCacheModes)[number];

/** What the cache key covers. */
export type ResponseCacheKeyParameters = { model: string; promptVersion: string; messages: readonly ChatMessage[] };

/** A recorded model answer. */
export type CachedResponse = {
  /** The message content exactly as the model returned it ('' for a recorded fallback). */
  content: string;
  /**
   * Set when the recorded decision fell back to the rules reasoner (endpoint down, budget spent): replay
   * then falls back the same way, so a replay reproduces the recorded run decision for decision.
   */
  fallback: string | undefined;
  tokens: { prompt: number; completion: number } | undefined;
  /** How long the recorded call took (replays report it, so two replays journal identical records). */
  latencyMs: number;
  /** Clock time of the recording, unix ms. */
  recordedAt: number;
};

export type OpenResponseCacheParameters = {
  /** The SQLite file (default in the config: .mandate/llm-cache.sqlite); its directory is created when recording. */
  path: string;
  mode: ResponseCacheMode;
  clock: Clock;
};

export type ResponseCache = {
  readonly path: string;
  readonly mode: ResponseCacheMode;
  get(key: Hex): CachedResponse | undefined;
  put(key: Hex, parameters: ResponseCacheKeyParameters, response: Omit<CachedResponse, 'recordedAt'>): void;
  /**
   * The exact messages of a recorded prompt, by a decision's `reasoning.inputsDigest` (for
   * `mandate decisions show`: the journal keeps the digest, the cache the text).
   */
  messagesFor(inputsDigest: Hex): ChatMessage[] | undefined;
  /** How many responses are stored. */
  size(): number;
  /** The daily LLM usage, kept in the same file so every run of the day shares the daily budget. */
  readonly usage: LlmUsageStore;
  close(): void;
};

/**
 * The cache key: keccak256 of the canonical JSON of (model, prompt version, messages). The same prompt for
 * the same model and prompt version always maps to the same key, on every machine.
 *
 * @example
 * responseCacheKey({ model: 'gpt-4o-mini', promptVersion: PROMPT_VERSION, messages }); // '0x…'
 */
export function responseCacheKey(parameters: ResponseCacheKeyParameters): Hex {
  const { model, promptVersion, messages } = parameters;
  return keccak256(toBytes(canonicalJson({ model, promptVersion, messages: messages.map(({ role, content }) => ({ role, content })) })));
}

/**
 * Opens (creating it unless replaying) the SQLite response cache. Replay refuses a file that does not
 * exist, naming how to record one, instead of silently replaying from nothing.
 *
 * @example
 * const cache = openResponseCache({ path: '.mandate/llm-cache.sqlite', mode: 'record', clock: systemClock });
 * const hit = cache.get(responseCacheKey({ model, promptVersion, messages }));
 */
export function openResponseCache(parameters: OpenResponseCacheParameters): ResponseCache {
  const { path, mode, clock } = parameters;
  if (mode === 'replay' && path !== ':memory:' && !existsSync(path)) {
    throw new ResponseCacheOpenError(path, 'the file does not exist; record it first with `--reasoner-cache record` (or reasoner.llm.cache: "record")');
  }
  let db: BetterSqlite3.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { timeout: 5_000 });
    db.pragma('journal_mode = WAL');
    db.exec(`
      CREATE TABLE IF NOT EXISTS llm_responses (
        key TEXT PRIMARY KEY,
        model TEXT NOT NULL,
        prompt_version TEXT NOT NULL,
        messages_json TEXT NOT NULL,
        inputs_digest TEXT NOT NULL,
        content TEXT NOT NULL,
        fallback TEXT,
        prompt_tokens INTEGER,
        completion_tokens INTEGER,
        latency_ms REAL NOT NULL,
        recorded_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS llm_responses_inputs_digest ON llm_responses (inputs_digest);
      CREATE TABLE IF NOT EXISTS llm_usage (
        day TEXT PRIMARY KEY,
        calls INTEGER NOT NULL,
        tokens INTEGER NOT NULL
      );
    `);
  } catch (error) {
    throw new ResponseCacheOpenError(path, 'it is not a usable SQLite database', error);
  }

  type Row = { content: string; fallback: string | null; prompt_tokens: number | null; completion_tokens: number | null; latency_ms: number; recorded_at: number };
  const select = db.prepare<[string], Row>('SELECT content, fallback, prompt_tokens, completion_tokens, latency_ms, recorded_at FROM llm_responses WHERE key = ?');
  const insert = db.prepare(
    `INSERT OR REPLACE INTO llm_responses (key, model, prompt_version, messages_json, inputs_digest, content, fallback, prompt_tokens, completion_tokens, latency_ms, recorded_at)
     VALUES (@key, @model, @promptVersion, @messagesJson, @inputsDigest, @content, @fallback, @promptTokens, @completionTokens, @latencyMs, @recordedAt)`,
  );
  const byDigest = db.prepare<[string], { messages_json: string }>('SELECT messages_json FROM llm_responses WHERE inputs_digest = ? LIMIT 1');
  const count = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM llm_responses');
  const usedOn = db.prepare<[string], { calls: number; tokens: number }>('SELECT calls, tokens FROM llm_usage WHERE day = ?');
  const addUsage = db.prepare(
    `INSERT INTO llm_usage (day, calls, tokens) VALUES (@day, @calls, @tokens)
     ON CONFLICT(day) DO UPDATE SET calls = calls + excluded.calls, tokens = tokens + excluded.tokens`,
  );

  return {
    path,
    mode,
    get(key) {
      const row = select.get(key);
      if (row === undefined) return undefined;
      return {
        content: row.content,
        fallback: row.fallback ?? undefined,
        tokens: row.prompt_tokens === null || row.completion_tokens === null ? undefined : { prompt: row.prompt_tokens, completion: row.completion_tokens },
        latencyMs: row.latency_ms,
        recordedAt: row.recorded_at,
      };
    },
    put(key, keyParameters, response) {
      const messagesJson = canonicalJson(keyParameters.messages.map(({ role, content }) => ({ role, content })));
      insert.run({
        key,
        model: keyParameters.model,
        promptVersion: keyParameters.promptVersion,
        messagesJson,
        // The same digest the LLM reasoner records as reasoning.inputsDigest.
        inputsDigest: keccak256(toBytes(messagesJson)),
        content: response.content,
        fallback: response.fallback ?? null,
        promptTokens: response.tokens?.prompt ?? null,
        completionTokens: response.tokens?.completion ?? null,
        latencyMs: response.latencyMs,
        recordedAt: clock.now(),
      });
    },
    messagesFor(inputsDigest) {
      const row = byDigest.get(inputsDigest);
      return row === undefined ? undefined : (JSON.parse(row.messages_json) as ChatMessage[]);
    },
    size: () => count.get()?.n ?? 0,
    usage: {
      used: (day) => usedOn.get(day) ?? { calls: 0, tokens: 0 },
      add: (day, calls, tokens) => void addUsage.run({ day, calls, tokens }),
    },
    close: () => db.close(),
  };
}
