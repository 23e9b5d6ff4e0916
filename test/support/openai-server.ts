/**
 * A scripted server speaking the OpenAI chat-completions API over real HTTP, for tests that must go through
 * @langchain/openai (no mocked client). Each POST /v1/chat/completions takes the next step of the script:
 * an assistant answer, an HTTP error (with headers such as Retry-After), a hang, or an answer computed from
 * the prompt's data block. Every request is recorded.
 *
 * In-process:
 *   const server = await startOpenAiServer({ steps: [{ content: '{"action":"hold",...}' }] });
 *   process.env.OPENAI_BASE_URL = server.url; // http://127.0.0.1:<port>/v1
 *   ...; server.requests.length; await server.close();
 *
 * As a child process (an end-to-end CLI test):
 *   tsx test/support/openai-server.ts --port 0 --script script.json [--log requests.jsonl]
 * prints one JSON line {"url":"http://127.0.0.1:<port>/v1","port":<port>} on stdout once listening, appends
 * each request as a JSON line to --log, and stops on SIGTERM/SIGINT. The script file holds either an array of
 * steps or { "steps": [...], "repeatLast": true }.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

/** One scripted answer. */
export type ScriptStep =
  /** A 200 completion whose message content is `content` (any text: valid JSON or not). */
  | { content: string; usage?: { prompt_tokens: number; completion_tokens: number } | undefined; finishReason?: string | undefined }
  /** An HTTP error: `status` with an OpenAI-style error body (or `body`) and extra headers (e.g. Retry-After). */
  | { status: number; headers?: Record<string, string> | undefined; body?: unknown }
  /** Accept the request and never answer (until the client gives up or the server closes). */
  | { hang: true }
  /** Send 200 headers and the start of a body, then stall (a server dying mid-response). */
  | { stall: true }
  /**
   * Answer from the prompt: `hold`, or `follow-signal` (trade the signal's side with `fraction` (default 0.01)
   * of the balance of the token sold, within the mandate's maxTradeUsd, at half the allowed slippage, through
   * the first allowed pool). Reads the <data> block of the last user message, as built by agent/reasoning/prompt.ts.
   */
  | { auto: 'hold' | 'follow-signal'; fraction?: number | undefined };

export type OpenAiServerScript = {
  steps: ScriptStep[];
  /** Keep answering with the last step once the script is used up (default: answer 500 "script exhausted"). */
  repeatLast?: boolean | undefined;
};

export type RecordedRequest = {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body (undefined for a body that is not JSON). */
  body: any;
};

export type StartOpenAiServerParameters = OpenAiServerScript & {
  /** Default 0: a free port. */
  port?: number | undefined;
  host?: string | undefined;
  /** Called with each request as it arrives (the CLI mode logs them to a file). */
  onRequest?: ((request: RecordedRequest) => void) | undefined;
};

export type OpenAiServer = {
  /** The base URL to put in OPENAI_BASE_URL: http://host:port/v1. */
  readonly url: string;
  readonly port: number;
  /** Chat-completion requests received, in order. */
  readonly requests: RecordedRequest[];
  /** Replaces the script (and restarts it from its first step). */
  setScript(script: OpenAiServerScript | ScriptStep[]): void;
  close(): Promise<void>;
};

/**
 * Starts the scripted server on 127.0.0.1.
 *
 * @example
 * const server = await startOpenAiServer({ steps: [{ status: 429, headers: { 'retry-after': '1' } }, { content: holdJson }] });
 */
export async function startOpenAiServer(parameters: StartOpenAiServerParameters): Promise<OpenAiServer> {
  let script: OpenAiServerScript = { steps: parameters.steps, repeatLast: parameters.repeatLast };
  let next = 0;
  const requests: RecordedRequest[] = [];

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: { message: `test server error: ${String(error)}`, type: 'server_error' } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'GET' && path.endsWith('/models')) {
      send(res, 200, { object: 'list', data: [{ id: 'scripted', object: 'model', created: 0, owned_by: 'test' }] });
      return;
    }
    if (req.method !== 'POST' || !path.endsWith('/chat/completions')) {
      send(res, 404, { error: { message: `no route ${req.method} ${path}`, type: 'invalid_request_error' } });
      return;
    }
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const recorded: RecordedRequest = { method: req.method, path, headers: req.headers, body };
    requests.push(recorded);
    parameters.onRequest?.(recorded);

    const step = script.steps[next] ?? (script.repeatLast ? script.steps[script.steps.length - 1] : undefined);
    if (next < script.steps.length) next += 1;
    if (step === undefined) {
      send(res, 500, { error: { message: 'script exhausted', type: 'server_error' } });
      return;
    }
    if ('hang' in step) return; // the socket stays open; close() destroys it
    if ('stall' in step) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id":"chatcmpl-stalled","object":"chat.completion","choices":[');
      return;
    }
    if ('status' in step) {
      send(res, step.status, step.body ?? { error: { message: `scripted ${step.status}`, type: step.status === 429 ? 'rate_limit_error' : 'server_error' } }, step.headers);
      return;
    }
    const content = 'auto' in step ? autoAnswer(body, step) : step.content;
    const usage = ('usage' in step ? step.usage : undefined) ?? {
      // Deterministic stand-ins for token counts: about four characters per token.
      prompt_tokens: Math.ceil(JSON.stringify(body?.messages ?? '').length / 4),
      completion_tokens: Math.ceil(content.length / 4),
    };
    send(res, 200, {
      id: `chatcmpl-${requests.length}`,
      object: 'chat.completion',
      created: 0,
      model: body?.model ?? 'scripted',
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: ('finishReason' in step ? step.finishReason : undefined) ?? 'stop' }],
      usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(parameters.port ?? 0, parameters.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}/v1`,
    port: address.port,
    requests,
    setScript(newScript) {
      script = Array.isArray(newScript) ? { steps: newScript } : newScript;
      next = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * The data block of the last user message of a chat-completions request, parsed (see agent/reasoning/prompt.ts).
 *
 * @example
 * promptData(server.requests[0].body).signal.reason; // the strategy's reason, as the model saw it
 */
export function promptData(body: any): any {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  const user = [...messages].reverse().find((m) => m.role === 'user');
  const text = typeof user?.content === 'string' ? user.content : '';
  const match = /<data>\n([\s\S]*)\n<\/data>/.exec(text);
  return match ? JSON.parse(match[1]!) : undefined;
}

function autoAnswer(body: any, step: { auto: 'hold' | 'follow-signal'; fraction?: number | undefined }): string {
  const data = promptData(body);
  const hold = (rationale: string) => JSON.stringify({ action: 'hold', rationale, confidence: 0.5 });
  if (step.auto === 'hold' || data === undefined) return hold('scripted hold');
  const { mandate, signal, portfolio, market } = data;
  const base = mandate.tokens.find((t: any) => (t.symbol ?? t.address) === mandate.base);
  const quote = mandate.tokens.find((t: any) => (t.symbol ?? t.address) === mandate.quote);
  const sold = signal.side === 'buy' ? quote : base;
  const bought = signal.side === 'buy' ? base : quote;
  const holding = portfolio.find((p: any) => p.address === sold.address);
  const balance = BigInt(holding?.balance ?? '0');
  const price = market.prices.find((p: any) => p.token === (sold.symbol ?? sold.address))?.usd;
  if (balance === 0n || price === null || price === undefined) return hold('nothing to sell or no price');
  const ppm = BigInt(Math.round((step.fraction ?? 0.01) * 1_000_000));
  let amount = (balance * ppm) / 1_000_000n;
  // Keep within the cap: amount × price ≤ maxTradeUsd (float is fine in a test server), with 1 % margin.
  const maxUnits = BigInt(Math.floor((Number(mandate.policy.maxTradeUsd) / Number(price)) * 0.99 * 10 ** sold.decimals));
  if (amount > maxUnits) amount = maxUnits;
  if (amount === 0n) return hold('size rounds to zero');
  return JSON.stringify({
    action: 'trade',
    tokenIn: sold.address,
    tokenOut: bought.address,
    fee: mandate.pools[0].fee,
    amountIn: amount.toString(),
    maxSlippageBps: Math.floor(mandate.policy.maxSlippageBps / 2),
    rationale: `scripted: follow the ${signal.side} signal`,
    confidence: 0.6,
  });
}

/** Command-line entry: see the file comment. */
async function main(argv: string[]): Promise<void> {
  const option = (name: string) => {
    const index = argv.indexOf(`--${name}`);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const scriptPath = option('script');
  const logPath = option('log');
  const parsed: unknown = scriptPath === undefined ? { steps: [{ auto: 'follow-signal' }], repeatLast: true } : JSON.parse(readFileSync(scriptPath, 'utf8'));
  const script: OpenAiServerScript = Array.isArray(parsed) ? { steps: parsed as ScriptStep[] } : (parsed as OpenAiServerScript);
  const server = await startOpenAiServer({
    ...script,
    port: Number(option('port') ?? 0),
    host: option('host'),
    onRequest: logPath === undefined ? undefined : (request) => appendFileSync(logPath, `${JSON.stringify({ path: request.path, body: request.body })}\n`),
  });
  process.stdout.write(`${JSON.stringify({ url: server.url, port: server.port })}\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.slice(2));
}
