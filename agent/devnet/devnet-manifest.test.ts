import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devAccounts } from '../chain/dev-accounts.js';
import { type DevnetManifest, DevnetManifestError, devnetPool, readDevnetManifest, writeDevnetManifest } from './devnet-manifest.js';
import { toAddress } from '../model/address.js';

const a = (n: number) => toAddress(`0x${n.toString(16).padStart(40, '0')}`);

const manifest: DevnetManifest = {
  version: 1,
  chainId: 31337,
  rpcUrl: 'http://127.0.0.1:8545',
  startBlock: 0,
  deployedAt: 1_680_734_315,
  accounts: devAccounts(),
  tokens: { USDC: { address: a(1), symbol: 'USDC', decimals: 6 }, WETH: { address: a(2), symbol: 'WETH', decimals: 18 } },
  uniswap: { factory: a(3), swapRouter: a(4), positionManager: a(5), positionDescriptor: a(6), nftDescriptorLibrary: a(7), quoterV2: a(8), weth9: a(2) },
  pools: [{ address: a(9), token0: a(1), token1: a(2), fee: 500, tickSpacing: 10, initialSqrtPriceX96: '1813714563010222555986355853946180', positions: 5 }],
  feeds: {
    'ETH/USD': { address: a(10), decimals: 8, description: 'ETH / USD' },
    'USDC/USD': { address: a(11), decimals: 8, description: 'USDC / USD' },
  },
  replay: { source: 'x.csv', firstRoundId: '110680464442257309697', firstAnswer: '190818855732', firstUpdatedAt: 1_680_734_315 },
  contracts: { MandateVault: a(12) },
  deployMs: 500,
};

const tmpFile = () => join(mkdtempSync(join(tmpdir(), 'mandate-manifest-')), 'devnet.json');

describe('devnet manifest', () => {
  it('round-trips through a file, creating its directory', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'mandate-manifest-')), 'nested', 'devnet.json');
    writeDevnetManifest(manifest, path);
    expect(readDevnetManifest(path)).toEqual(manifest);
    expect(devnetPool(readDevnetManifest(path), 500).address).toBe(a(9));
  });

  it('says how to create a missing manifest', () => {
    const error = (() => {
      try {
        readDevnetManifest(join(tmpdir(), 'no-such-dir-mandate', 'devnet.json'));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DevnetManifestError);
    expect((error as DevnetManifestError).details).toMatch(/mandate devnet/);
  });

  it('rejects a file that is not JSON', () => {
    const path = tmpFile();
    writeFileSync(path, '{ nope');
    expect(() => readDevnetManifest(path)).toThrow(/not JSON/);
  });

  it('names the malformed field and what is accepted', () => {
    const path = tmpFile();
    writeFileSync(path, JSON.stringify({ ...manifest, tokens: { ...manifest.tokens, USDC: { ...manifest.tokens.USDC, address: '0x123' } } }));
    expect(() => readDevnetManifest(path)).toThrow(/tokens\.USDC\.address: an address/);
  });

  it('requires an account for every role', () => {
    const path = tmpFile();
    const { trader: _trader, ...accounts } = manifest.accounts;
    writeFileSync(path, JSON.stringify({ ...manifest, accounts }));
    expect(() => readDevnetManifest(path)).toThrow(/accounts\.trader/);
  });

  it('names the missing pool fee', () => {
    expect(() => devnetPool(manifest, 3000)).toThrow(/no pool with fee 3000/);
  });
});
