/**
 * The JSON-RPC methods the console's proxy forwards: reads only. Nothing that sends, signs, or touches the
 * node's accounts, filters or admin namespaces.
 */
export const readOnlyRpcMethods: ReadonlySet<string> = new Set([
  'eth_chainId',
  'net_version',
  'eth_blockNumber',
  'eth_call',
  'eth_getLogs',
  'eth_getTransactionReceipt',
  'eth_getTransactionByHash',
  'eth_getBlockByNumber',
  'eth_getBlockByHash',
  'eth_getCode',
  'eth_getBalance',
  'eth_getStorageAt',
]);

/** At most this many calls in one batch. */
const maxBatch = 100;

export type ReadOnlyRpcProxy = {
  /** Answers a JSON-RPC request body (one call or a batch) with the upstream's answers, refusing other methods. */
  forward(body: string): Promise<string>;
};

type RpcRequest = { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown };

const rpcError = (id: unknown, code: number, message: string) => ({ jsonrpc: '2.0', id: id ?? null, error: { code, message } });

/**
 * A read-only JSON-RPC proxy to the console's RPC, so the page can verify against the chain without ever
 * seeing the RPC's URL (which often holds a key): allow-listed read methods are forwarded one by one,
 * anything else is answered with JSON-RPC error -32601 without reaching the node. Upstream failures are
 * reported without the URL.
 *
 * @example
 * const proxy = createReadOnlyRpcProxy({ url: process.env.MANDATE_RPC_URL! });
 * await proxy.forward('{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}');
 */
export function createReadOnlyRpcProxy(parameters: { url: string; timeoutMs?: number | undefined }): ReadOnlyRpcProxy {
  const timeoutMs = parameters.timeoutMs ?? 30_000;
  // fetch refuses a URL with credentials in it: they go in a Basic authorization header instead.
  const upstream = new URL(parameters.url);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (upstream.username || upstream.password) {
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(upstream.username)}:${decodeURIComponent(upstream.password)}`).toString('base64')}`;
    upstream.username = '';
    upstream.password = '';
  }

  async function call(request: RpcRequest): Promise<unknown> {
    if (request === null || typeof request !== 'object' || typeof request.method !== 'string') return rpcError(request?.id, -32600, 'Invalid request.');
    if (!readOnlyRpcMethods.has(request.method)) {
      return rpcError(request.id, -32601, `The console's RPC proxy is read-only: ${request.method} is not allowed (only ${[...readOnlyRpcMethods].join(', ')}).`);
    }
    try {
      const response = await fetch(upstream, {
        method: 'POST',
        headers,
        body: JSON.stringify({ jsonrpc: '2.0', id: request.id ?? null, method: request.method, params: request.params ?? [] }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) return rpcError(request.id, -32603, `The console's RPC answered HTTP ${response.status}.`);
      return await response.json();
    } catch (error) {
      return rpcError(request.id, -32603, `The console's RPC did not answer (${error instanceof Error ? error.name : 'error'}).`);
    }
  }

  return {
    async forward(body) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        return JSON.stringify(rpcError(null, -32700, 'Parse error.'));
      }
      if (!Array.isArray(parsed)) return JSON.stringify(await call(parsed as RpcRequest));
      if (parsed.length === 0 || parsed.length > maxBatch) return JSON.stringify(rpcError(null, -32600, `A batch holds 1 to ${maxBatch} calls.`));
      return JSON.stringify(await Promise.all(parsed.map((request) => call(request as RpcRequest))));
    },
  };
}
