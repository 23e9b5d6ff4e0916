import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { MandateError } from '../model/base-error.js';
import type { AgentHealth } from './agent-health.js';

/** The health and metrics server could not listen (port taken, not allowed). */
export class ObservabilityServerError extends MandateError {
  override name = 'ObservabilityServerError';
}

export type ServeObservabilityParameters = {
  /** TCP port; 0 picks a free one (read it back from `port`). */
  port: number;
  /** Default 127.0.0.1: metrics name the vault and the run, so they stay local unless asked otherwise. */
  host?: string | undefined;
  registry: Registry;
  /** Called on every GET /health, and before every GET /metrics so gauges are fresh. */
  health(): AgentHealth;
  /** Tried first on every request (the console): true when it answered. */
  handle?: ((request: IncomingMessage, response: ServerResponse) => Promise<boolean>) | undefined;
};

export type ObservabilityServer = {
  /** http://host:port */
  url: string;
  port: number;
  close(): Promise<void>;
};

/**
 * Serves GET /health (JSON AgentHealth; 200 when ok or degraded, 503 once stopped) and GET /metrics
 * (Prometheus text format) on a local port.
 *
 * @example
 * const server = await serveObservability({ port: 9464, registry: metrics.registry, health: () => telemetry.health() });
 * // curl http://127.0.0.1:9464/health
 * await server.close();
 */
export async function serveObservability(parameters: ServeObservabilityParameters): Promise<ObservabilityServer> {
  const host = parameters.host ?? '127.0.0.1';
  const server = createServer((request, response) => {
    void answer(parameters, request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new ObservabilityServerError(`Cannot serve metrics on ${host}:${parameters.port}.`, {
          details: `${(error as Error).message}. Choose another port with observability.metrics.port.`,
          cause: error,
        }),
      ),
    );
    server.listen(parameters.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function answer(parameters: ServeObservabilityParameters, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  try {
    if (parameters.handle && (await parameters.handle(request, response))) return;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET' }).end();
    } else if (path === '/health') {
      const health = parameters.health();
      response.writeHead(health.status === 'stopped' ? 503 : 200, { 'content-type': 'application/json' }).end(`${JSON.stringify(health)}\n`);
    } else if (path === '/metrics') {
      parameters.health();
      const text = await parameters.registry.metrics();
      response.writeHead(200, { 'content-type': parameters.registry.contentType }).end(text);
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: try /health or /metrics\n');
    }
  } catch (error) {
    response.writeHead(500, { 'content-type': 'text/plain' }).end(`${error instanceof Error ? error.message : String(error)}\n`);
  }
}
