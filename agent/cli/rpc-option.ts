import { type Command, InvalidArgumentError } from 'commander';
import { rpcUrlSchema } from '../config/config-fields.js';
import { redactUrl } from '../config/redact-config.js';

/** The options `withRpcOption` adds: commander stores `--rpc` and `--rpc-url` both as `rpcUrl`. */
export type RpcOptions = { rpcUrl?: string | undefined };

// Every RPC URL this process was given: errors printed by commandAction are scrubbed of them.
const secretUrls = new Set<string>();

/**
 * Remembers an RPC URL so that no error this command prints shows it whole (providers put API keys in
 * the path, the query or user:password); returns it unchanged.
 *
 * @example
 * const url = rememberRpcUrl(process.env.MANDATE_RPC_URL!);
 */
export function rememberRpcUrl(url: string): string {
  secretUrls.add(url);
  try {
    // viem prints URLs with the user:password removed: hide that spelling too.
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    secretUrls.add(parsed.toString());
  } catch {
    // Not a URL: only its literal spelling can appear.
  }
  return url;
}

/**
 * `text` with every remembered RPC URL reduced to its scheme and host (see redactUrl).
 *
 * @example
 * redactRpcUrls('request to https://eth.example/v2/KEY failed'); // 'request to https://eth.example/… failed'
 */
export function redactRpcUrls(text: string): string {
  let redacted = text;
  // Longest first, so a URL is never partly replaced by a shorter spelling of itself.
  for (const url of [...secretUrls].sort((a, b) => b.length - a.length)) {
    if (url.length > 0) redacted = redacted.split(url).join(redactUrl(url));
  }
  return redacted;
}

function parseRpcUrl(text: string): string {
  if (!rpcUrlSchema.safeParse(text).success) {
    throw new InvalidArgumentError(`"${redactUrl(text)}" is not an RPC URL: give an http://, https://, ws:// or wss:// URL.`);
  }
  return rememberRpcUrl(text);
}

/**
 * Adds `--rpc <url>`, with `--rpc-url` as its alias, to a chain command: the one spelling every chain
 * command shares. The URL is validated and kept out of printed errors.
 *
 * @example
 * withRpcOption(program.command('status')).action((options: RpcOptions) => console.log(options.rpcUrl));
 */
export function withRpcOption(command: Command, description = 'JSON-RPC endpoint (default: MANDATE_RPC_URL, then chain.rpcUrl)'): Command {
  return command.option('--rpc, --rpc-url <url>', description, parseRpcUrl);
}
