import type { Hex } from '../model/address.js';

/**
 * The environment variables secrets (and the RPC URL) are read from. Never from the config file.
 *
 * @example
 * process.env[secretEnvVars.agentKey]; // MANDATE_AGENT_KEY
 */
export const secretEnvVars = {
  agentKey: 'MANDATE_AGENT_KEY',
  openaiApiKey: 'OPENAI_API_KEY',
  openaiBaseUrl: 'OPENAI_BASE_URL',
  rpcUrl: 'MANDATE_RPC_URL',
} as const;

/** What the environment supplied; empty strings count as unset. */
export type ConfigSecrets = {
  /** The agent account's private key (MANDATE_AGENT_KEY); format-checked by validateConfig. */
  agentKey: Hex | undefined;
  openaiApiKey: string | undefined;
  /** An OpenAI-compatible endpoint; unset means OpenAI itself. */
  openaiBaseUrl: string | undefined;
  /** MANDATE_RPC_URL, which overrides chain.rpcUrl. */
  rpcUrl: string | undefined;
};

/**
 * Makes a secrets object safe to carry around: JSON.stringify and console.log (util.inspect) show only
 * whether each secret is set, so a config logged whole, spread or serialised never leaks a key. Reading a
 * property still gives the value.
 *
 * @example
 * const secrets = guardSecrets(readSecrets());
 * JSON.stringify(secrets); // '{"agentKey":"set","openaiApiKey":"not set",…}'
 */
export function guardSecrets(secrets: ConfigSecrets): ConfigSecrets {
  const guarded = { ...secrets };
  const status = () => Object.fromEntries(Object.entries(secrets).map(([name, value]) => [name, value ? 'set' : 'not set']));
  Object.defineProperty(guarded, 'toJSON', { value: status, enumerable: false });
  Object.defineProperty(guarded, Symbol.for('nodejs.util.inspect.custom'), { value: status, enumerable: false });
  return guarded;
}

/**
 * Reads the secrets from an environment (process.env by default).
 *
 * @example
 * const secrets = readSecrets({ MANDATE_AGENT_KEY: '0xac09…' });
 * secrets.agentKey !== undefined; // true
 */
export function readSecrets(env: Readonly<Record<string, string | undefined>> = process.env): ConfigSecrets {
  const read = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  return {
    agentKey: read(secretEnvVars.agentKey) as Hex | undefined,
    openaiApiKey: read(secretEnvVars.openaiApiKey),
    openaiBaseUrl: read(secretEnvVars.openaiBaseUrl),
    rpcUrl: read(secretEnvVars.rpcUrl),
  };
}
