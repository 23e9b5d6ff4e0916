import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One JSON-RPC request as the proxy saw it. */
export type RpcCall = {
  /** 0-based, over every request the proxy received. */
  index: number;
  method: string;
  params: unknown[];
  /** When it arrived (Date.now()). */
  at: number;
  /** The fault the proxy answered with instead of forwarding, if any. */
  fault?: RpcFault['kind'] | 'range-limit' | 'result-limit' | undefined;
};

/**
 * What the proxy can do instead of forwarding:
 * - `rate-limit`: HTTP 429 with a Retry-After header (seconds), as providers throttle.
 * - `drop`: close the connection without answering, as a load balancer or a restarting node does.
 * - `server-error`: HTTP 503.
 * - `range`: the JSON-RPC error a provider gives for an eth_getLogs range it will not serve.
 */
export type RpcFault = { kind: 'rate-limit'; retryAfterSeconds?: number } | { kind: 'drop' } | { kind: 'server-error' } | { kind: 'range' };

export type FaultyRpcProxyOptions = {
  /** The node to forward to (anvil). */
  target: string;
  /** Decides a fault for a request, before it is forwarded. */
  script?: ((call: RpcCall) => RpcFault | undefined) | undefined;
  /** eth_getLogs over more blocks than this is refused like a provider's range limit ("block range too large"). */
  maxLogsRange?: number | undefined;
  /** eth_getLogs answers with more logs than this are refused ("query returned more than N results"). */
  maxLogsResults?: number | undefined;
  /** Removes blockTimestamp from logs: most nodes do not send it. */
  stripBlockTimestamps?: boolean | undefined;
};

export type FaultyRpcProxy = {
  url: string;
  /** Every request so far, in arrival order. */
  calls: RpcCall[];
  /**
   * Holds the first request `matches` accepts (and every one after it) unanswered until `resume()`;
   * resolves once one is held, so a test knows exactly where its client stands.
   */
  pauseAt(matches: (call: RpcCall) => boolean): Promise<RpcCall>;
  resume(): void;
  stop(): Promise<void>;
};

const rangeError = (max: number) => ({ code: -32602, message: `block range too large: at most ${max} blocks per eth_getLogs` });
const resultError = (max: number) => ({ code: -32005, message: `query returned more than ${max} results` });

/**
 * A real HTTP server in front of a node (anvil) that forwards JSON-RPC and injects the faults real
 * providers produce: range limits and result limits on eth_getLogs, 429 with Retry-After, dropped
 * connections, 5xx, each scripted per request. For testing clients against something that speaks the
 * protocol, not a mock.
 *
 * @example
 * const proxy = await startFaultyRpcProxy({ target: anvil.rpcUrl, maxLogsRange: 50, script: (call) => (call.index === 3 ? { kind: 'drop' } : undefined) });
 * // point the client at proxy.url
 * await proxy.stop();
 */
export async function startFaultyRpcProxy(options: FaultyRpcProxyOptions): Promise<FaultyRpcProxy> {
  const calls: RpcCall[] = [];
  let pause: { matches: (call: RpcCall) => boolean; held: (() => void)[]; onHeld: (call: RpcCall) => void; paused: boolean } | undefined;

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = JSON.parse(text) as { id: unknown; method: string; params?: unknown[] };
    const call: RpcCall = { index: calls.length, method: body.method, params: body.params ?? [], at: Date.now() };
    calls.push(call);

    if (pause && (pause.paused || pause.matches(call))) {
      const waiting = pause;
      await new Promise<void>((resolve) => {
        waiting.held.push(resolve);
        if (!waiting.paused) {
          waiting.paused = true;
          waiting.onHeld(call);
        }
      });
    }

    const reply = (result: { result?: unknown; error?: unknown }) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ jsonrpc: '2.0', id: body.id, ...result }));
    };
    const fault = options.script?.(call);
    if (fault) {
      call.fault = fault.kind;
      switch (fault.kind) {
        case 'rate-limit':
          response.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(fault.retryAfterSeconds ?? 1) });
          response.end(JSON.stringify({ jsonrpc: '2.0', id: body.id, error: { code: 429, message: 'Too Many Requests' } }));
          return;
        case 'drop':
          request.socket.destroy();
          return;
        case 'server-error':
          response.writeHead(503, { 'content-type': 'text/plain' });
          response.end('Service Unavailable');
          return;
        case 'range':
          return reply({ error: rangeError(options.maxLogsRange ?? 0) });
      }
    }
    if (body.method === 'eth_getLogs' && options.maxLogsRange !== undefined) {
      const filter = (body.params?.[0] ?? {}) as { fromBlock?: string; toBlock?: string };
      if (filter.fromBlock?.startsWith('0x') && filter.toBlock?.startsWith('0x') && BigInt(filter.toBlock) - BigInt(filter.fromBlock) + 1n > BigInt(options.maxLogsRange)) {
        call.fault = 'range-limit';
        return reply({ error: rangeError(options.maxLogsRange) });
      }
    }
    const forwarded = await fetch(options.target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
    const answer = (await forwarded.json()) as { result?: unknown; error?: unknown };
    if (body.method === 'eth_getLogs' && Array.isArray(answer.result)) {
      if (options.maxLogsResults !== undefined && answer.result.length > options.maxLogsResults) {
        call.fault = 'result-limit';
        return reply({ error: resultError(options.maxLogsResults) });
      }
      if (options.stripBlockTimestamps) for (const log of answer.result as Record<string, unknown>[]) delete log.blockTimestamp;
    }
    reply(answer);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const proxy: FaultyRpcProxy = {
    url: `http://127.0.0.1:${port}`,
    calls,
    pauseAt(matches) {
      return new Promise<RpcCall>((onHeld) => {
        pause = { matches, held: [], onHeld, paused: false };
      });
    },
    resume() {
      const held = pause?.held ?? [];
      pause = undefined;
      for (const release of held) release();
    },
    async stop() {
      proxy.resume();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
