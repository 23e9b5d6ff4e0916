import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MandateError } from '../model/base-error.js';
import { checkConsoleExposure } from './console-security.js';
import type { Console } from './create-console.js';

/** The console could not listen (port taken, address not available). */
export class ConsoleServerError extends MandateError {
  override name = 'ConsoleServerError';
}

export type ServeConsoleParameters = {
  console: Console;
  /** Default 8787; 0 picks a free port. */
  port?: number | undefined;
  /** Default 127.0.0.1. Anything beyond loopback needs `token`. */
  host?: string | undefined;
  /** The token the console was created with, when the host is beyond loopback. */
  token?: string | undefined;
};

export type ConsoleServer = { url: string; port: number; close(): Promise<void> };

/**
 * Serves a console alone on its own port (`mandate console`): 127.0.0.1 by default; any other host only with
 * a token.
 *
 * @example
 * const server = await serveConsole({ console: createConsole({ journal, chain }), port: 8787 });
 * console.log(server.url); // http://127.0.0.1:8787/
 */
export async function serveConsole(parameters: ServeConsoleParameters): Promise<ConsoleServer> {
  const host = parameters.host ?? '127.0.0.1';
  checkConsoleExposure(host, parameters.token);
  const server = createServer((request, response) => {
    void parameters.console.handle(request, response).then((handled) => {
      if (!handled) response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found.\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(new ConsoleServerError(`Cannot serve the console on ${host}:${parameters.port ?? 8787}.`, { details: `${error.message}. Choose another port with --port.`, cause: error })),
    );
    server.listen(parameters.port ?? 8787, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        parameters.console.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
