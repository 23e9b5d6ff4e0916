import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { MandateError } from '../model/base-error.js';

/** The console would be reachable beyond this machine without a token, or was given a bad option. */
export class ConsoleSecurityError extends MandateError {
  override name = 'ConsoleSecurityError';
}

/**
 * Whether a host name or address only reaches this machine.
 *
 * @example
 * isLoopbackHost('127.0.0.1'); // true
 * isLoopbackHost('0.0.0.0');   // false: every interface
 */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Refuses to serve beyond loopback without a token (the console shows a treasury's positions and its
 * agent's reasoning), and refuses tokens too short to resist guessing.
 *
 * @example
 * checkConsoleExposure('0.0.0.0', undefined); // throws ConsoleSecurityError
 */
export function checkConsoleExposure(host: string, token: string | undefined): void {
  if (token !== undefined && token.length < 16) {
    throw new ConsoleSecurityError('The console token is too short.', { details: `Got ${token.length} characters; use at least 16 random ones (e.g. \`openssl rand -hex 16\`).` });
  }
  if (!isLoopbackHost(host) && token === undefined) {
    throw new ConsoleSecurityError(`Serving the console on ${host} needs --token.`, {
      details: 'Beyond 127.0.0.1 anyone who reaches the port could read the vault and every decision. Give --token <at least 16 random characters>; viewers send it as "Authorization: Bearer <token>" or open the console once with ?token=<token>.',
    });
  }
}

/**
 * The origin of an RPC URL a viewer named in the page (`?rpc=`), allowed in the page's connect-src; undefined
 * when it is not an http(s) URL. Only the origin goes into the header, so nothing else of it can.
 *
 * @example
 * viewerRpcOrigin('https://eth.example/v2/key'); // 'https://eth.example'
 */
export function viewerRpcOrigin(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The console page's Content-Security-Policy: its own scripts, styles and data only, nothing inline, no
 * frames, no plugins; connections to itself, plus the RPC the viewer named, when they named one. `meta`:
 * for a `<meta http-equiv>` tag (an exported folder), which cannot carry frame-ancestors.
 *
 * @example
 * consoleContentSecurityPolicy({ connect: ['https://eth.example'] });
 */
export function consoleContentSecurityPolicy(parameters: { connect?: readonly string[] | undefined; meta?: boolean | undefined } = {}): string {
  const connect = ["'self'", ...(parameters.connect ?? [])].join(' ');
  const directives = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${connect}`,
    "base-uri 'none'",
    "form-action 'self'",
  ];
  // A <meta> policy cannot say frame-ancestors (browsers ignore it there, with a console error).
  if (!parameters.meta) directives.push("frame-ancestors 'none'");
  return directives.join('; ');
}

/** The cookie a `?token=` visit sets, so the page's own requests carry the token. */
export const consoleTokenCookie = 'mandate_console_token';

/**
 * Whether a request carries the console's token, as `Authorization: Bearer <token>` or the cookie.
 *
 * @example
 * if (!hasConsoleToken(request, token)) response.writeHead(401).end();
 */
export function hasConsoleToken(request: IncomingMessage, token: string): boolean {
  const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
  const cookie = (request.headers.cookie ?? '')
    .split(';')
    .map((part) => part.trim().split('='))
    .find(([name]) => name === consoleTokenCookie)?.[1];
  return [bearer, cookie === undefined ? undefined : decodeURIComponent(cookie)].some((given) => given !== undefined && isConsoleToken(given, token));
}

/**
 * Compares a given token with the console's in constant time.
 *
 * @example
 * isConsoleToken(url.searchParams.get('token') ?? '', token);
 */
export function isConsoleToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
