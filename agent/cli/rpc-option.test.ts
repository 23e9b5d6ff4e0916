import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { redactRpcUrls, rememberRpcUrl, withRpcOption } from './rpc-option.js';

describe('withRpcOption', () => {
  it('takes --rpc and --rpc-url as one option, and refuses what is not an RPC URL', async () => {
    const seen: unknown[] = [];
    const program = new Command('mandate').exitOverride().configureOutput({ writeErr: () => {} });
    withRpcOption(program.command('status')).action((options: { rpcUrl?: string }) => void seen.push(options.rpcUrl));
    await program.parseAsync(['node', 'mandate', 'status', '--rpc', 'https://a.example/v2/k1']);
    await program.parseAsync(['node', 'mandate', 'status', '--rpc-url=wss://b.example']);
    expect(seen).toEqual(['https://a.example/v2/k1', 'wss://b.example']);
    await expect(program.parseAsync(['node', 'mandate', 'status', '--rpc', 'ftp://c.example/secret'])).rejects.toThrow(/"ftp:\/\/c\.example\/…" is not an RPC URL/);
  });
});

describe('redactRpcUrls', () => {
  it('hides the path, query and credentials of every URL the command was given, in any text', () => {
    rememberRpcUrl('https://user:pass@eth.example.org/v2/KEY123?apikey=Q');
    rememberRpcUrl('https://base.example.org/KEY456');
    const text = [
      'request to https://user:pass@eth.example.org/v2/KEY123?apikey=Q failed',
      // viem prints URLs with the credentials removed
      'URL: https://eth.example.org/v2/KEY123?apikey=Q',
      'and https://base.example.org/KEY456 too',
    ].join('\n');
    const redacted = redactRpcUrls(text);
    expect(redacted).not.toMatch(/KEY123|KEY456|apikey|user|pass/);
    expect(redacted).toBe('request to https://eth.example.org/… failed\nURL: https://eth.example.org/…\nand https://base.example.org/… too');
  });
});
