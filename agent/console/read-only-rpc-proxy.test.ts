import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadOnlyRpcProxy } from './read-only-rpc-proxy.js';

// A JSON-RPC server that records every call it receives and answers each with its method name.
const received: string[] = [];
const authorizations: (string | undefined)[] = [];
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const call = JSON.parse(body) as { id: number; method: string };
      received.push(call.method);
      authorizations.push(request.headers.authorization);
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: call.id, result: call.method }));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://user:secret@127.0.0.1:${(server.address() as AddressInfo).port}/key/abc`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

describe('createReadOnlyRpcProxy', () => {
  it('forwards reads and answers writes, signing and node methods with -32601 without reaching the node', async () => {
    const proxy = createReadOnlyRpcProxy({ url });
    received.length = 0;
    expect(JSON.parse(await proxy.forward('{"jsonrpc":"2.0","id":7,"method":"eth_getLogs","params":[{}]}'))).toEqual({ jsonrpc: '2.0', id: 7, result: 'eth_getLogs' });
    for (const method of ['eth_sendRawTransaction', 'eth_sendTransaction', 'eth_sign', 'personal_sign', 'eth_accounts', 'anvil_setBalance', 'debug_traceTransaction', 'eth_newFilter']) {
      const answer = JSON.parse(await proxy.forward(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [] }))) as { error: { code: number; message: string } };
      expect(answer.error.code).toBe(-32601);
      expect(answer.error.message).not.toContain('secret');
    }
    expect(received).toEqual(['eth_getLogs']);
    // The URL's credentials reach the node as Basic authorization (fetch refuses them in the URL).
    expect(authorizations.at(-1)).toBe(`Basic ${Buffer.from('user:secret').toString('base64')}`);
  });

  it('answers a batch call by call, in order, and rejects malformed bodies', async () => {
    const proxy = createReadOnlyRpcProxy({ url });
    const batch = JSON.parse(
      await proxy.forward(JSON.stringify([{ jsonrpc: '2.0', id: 1, method: 'eth_chainId' }, { jsonrpc: '2.0', id: 2, method: 'eth_sendRawTransaction', params: ['0x00'] }, { jsonrpc: '2.0', id: 3, method: 'eth_call', params: [] }])),
    ) as { id: number; result?: string; error?: { code: number } }[];
    expect(batch.map((answer) => [answer.id, answer.result ?? answer.error?.code])).toEqual([[1, 'eth_chainId'], [2, -32601], [3, 'eth_call']]);
    expect(JSON.parse(await proxy.forward('not json'))).toMatchObject({ error: { code: -32700 } });
    expect(JSON.parse(await proxy.forward('[]'))).toMatchObject({ error: { code: -32600 } });
    expect(JSON.parse(await proxy.forward('{"id":1}'))).toMatchObject({ error: { code: -32600 } });
  });

  it('reports an unreachable RPC without its URL', async () => {
    const proxy = createReadOnlyRpcProxy({ url: 'http://user:secret@127.0.0.1:1/key', timeoutMs: 2_000 });
    const answer = await proxy.forward('{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}');
    expect(JSON.parse(answer)).toMatchObject({ id: 1, error: { code: -32603 } });
    expect(answer).not.toContain('secret');
    expect(answer).not.toContain('127.0.0.1');
  });
});
