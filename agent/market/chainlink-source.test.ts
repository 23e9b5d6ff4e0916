import { createPublicClient, http, type PublicClient } from 'viem';
import { describe, expect, it } from 'vitest';
import { ChainlinkSourceConfigError, createChainlinkSource } from './chainlink-source.js';
import { toAddress } from '../model/address.js';

// Configuration is checked before anything is sent, so this client never makes a request.
const client = createPublicClient({ transport: http('http://127.0.0.1:9') }) as PublicClient;
const feed = toAddress('0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419');

describe('createChainlinkSource configuration', () => {
  it('names the bad option, the value and what is accepted', () => {
    expect(() => createChainlinkSource({ client, feeds: [] })).toThrow(ChainlinkSourceConfigError);
    expect(() => createChainlinkSource({ client, feeds: [feed], mode: 'push' as never })).toThrow(/Got "push"; accepted: "poll" or "events"/);
    expect(() => createChainlinkSource({ client, feeds: [feed], pollEvery: 'minute' as never })).toThrow(/accepted: "range" or "block"/);
    expect(() => createChainlinkSource({ client, feeds: [feed], maxBackfillRounds: -1 })).toThrow(/maxBackfillRounds/);
  });

  it('starts with every counter at zero', () => {
    const source = createChainlinkSource({ client, feeds: [{ address: feed, maxAgeSeconds: 3600 }], mode: 'events' });
    expect(source.name).toBe('chainlink');
    expect(source.stats()).toMatchObject({ mode: 'events', accepted: 0, rejected: 0, backfilledRounds: 0, missingRounds: 0 });
    expect(source.stats().feeds[feed]).toMatchObject({ decimals: undefined, lastRoundId: undefined });
  });
});
