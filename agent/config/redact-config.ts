import { secretEnvVars } from './read-secrets.js';
import type { ResolvedConfig } from './validate-config.js';

/**
 * Keeps an RPC URL's scheme and host and hides the rest, where providers put API keys
 * (`https://eth-mainnet.example/v2/<key>`, `?apikey=`, `user:pass@`).
 *
 * @example
 * redactUrl('https://eth.example.org/v2/abc123'); // 'https://eth.example.org/…'
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const hidden = parsed.username || parsed.password || (parsed.pathname && parsed.pathname !== '/') || parsed.search;
    return `${parsed.protocol}//${parsed.host}${hidden ? '/…' : ''}`;
  } catch {
    return '[redacted]';
  }
}

/** Whether each secret environment variable is set; never their values. */
export type SecretStatus = Record<(typeof secretEnvVars)[keyof typeof secretEnvVars], 'set' | 'not set'>;

/**
 * A copy of a resolved config that is safe to print or log: the RPC URL reduced to its host, and for each
 * secret only whether its environment variable is set.
 *
 * @example
 * const { config, secrets } = redactConfig(await loadConfig());
 * console.log(JSON.stringify(config), secrets.MANDATE_AGENT_KEY); // 'set' | 'not set'
 */
export function redactConfig(resolved: ResolvedConfig): { config: ResolvedConfig; secrets: SecretStatus } {
  const status = (value: string | undefined): 'set' | 'not set' => (value ? 'set' : 'not set');
  const rpcUrl = resolved.chain.rpcUrl === undefined ? undefined : redactUrl(resolved.chain.rpcUrl);
  return {
    config: { ...resolved, chain: { ...resolved.chain, rpcUrl } } as ResolvedConfig,
    secrets: {
      [secretEnvVars.agentKey]: status(resolved.secrets.agentKey),
      [secretEnvVars.openaiApiKey]: status(resolved.secrets.openaiApiKey),
      [secretEnvVars.openaiBaseUrl]: status(resolved.secrets.openaiBaseUrl),
      [secretEnvVars.rpcUrl]: status(resolved.secrets.rpcUrl),
    },
  };
}
