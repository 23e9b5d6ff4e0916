import { createPublicClient, http, type PublicClient } from 'viem';
import { describe, expect, it } from 'vitest';
import { createMarketStream, MarketStreamConfigError } from './create-market-stream.js';
import { createUniswapPoolSource } from './uniswap-pool-source.js';
import { toAddress } from '../model/address.js';

// Configuration is checked before anything is sent, so this client never makes a request.
const client = createPublicClient({ transport: http('http://127.0.0.1:9') }) as PublicClient;
const pool = toAddress('0x88e6a0c2ddd26feeb64f039a2c41296fcb3f5640');
const pools = (name?: string) => createUniswapPoolSource({ client, pools: [pool], name });

describe('createMarketStream configuration', () => {
  it('names the bad option, the value and what is accepted', () => {
    expect(() => createMarketStream({ client, sources: [pools()], confirmations: -1 })).toThrow(/confirmations[\s\S]*Got -1; accepted: an integer ≥ 0/);
    expect(() => createMarketStream({ client, sources: [pools()], maxBlocksPerRange: 0 })).toThrow(MarketStreamConfigError);
    expect(() => createMarketStream({ client, sources: [pools()], pollIntervalMs: 1.5 })).toThrow(/pollIntervalMs/);
    expect(() => createMarketStream({ client, sources: [pools()], fromBlock: 0n })).toThrow(/fromBlock[\s\S]*a block ≥ 1/);
    expect(() => createMarketStream({ client, sources: [pools()], fromBlock: 10n, toBlock: 9n })).toThrow(/toBlock is before fromBlock/);
  });

  it('refuses no sources, and two sources whose stats would share a name', () => {
    expect(() => createMarketStream({ client, sources: [] })).toThrow(/no sources/);
    expect(() => createMarketStream({ client, sources: [pools(), pools()] })).toThrow(/"uniswap-v3" appears twice/);
    expect(() => createMarketStream({ client, sources: [pools(), pools('second-pools')] })).not.toThrow();
  });
});
