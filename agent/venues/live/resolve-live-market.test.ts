import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/config-error.js';
import { validateConfig } from '../../config/validate-config.js';
import { arbitrumPreset, ethereumPreset } from '../../chain/presets/index.js';
import { resolveLiveMarket } from './resolve-live-market.js';

const VAULT = '0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640';

describe('resolveLiveMarket', () => {
  it('resolves the default market on Ethereum to the official feeds and the real USDC/WETH pools', () => {
    const config = validateConfig({ chain: { preset: 'ethereum', vault: VAULT } }, { mode: 'backtest', env: {} });
    const market = resolveLiveMarket(config);
    expect(market.base.symbol).toBe('WETH');
    expect(market.quote.symbol).toBe('USDC');
    expect(market.feeds).toEqual([
      { name: 'ETH/USD', address: ethereumPreset.chainlink.ethUsd.address, decimals: 8 },
      { name: 'USDC/USD', address: ethereumPreset.chainlink.usdcUsd.address, decimals: 8 },
    ]);
    // The 0.05 % pool is the one in data/.
    expect(market.pools[0]).toEqual({ fee: 500, address: '0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640' });
    expect(market.pools[1]?.fee).toBe(3000);
    expect(market.sequencerUptimeFeed).toBeUndefined();
  });

  it('keeps configured feed and pool addresses, and gives the L2 sequencer feed', () => {
    const custom = '0x0000000000000000000000000000000000000001';
    const config = validateConfig(
      { chain: { preset: 'arbitrum' }, market: { feeds: ['ETH/USD', { name: 'ARB/USD', address: custom }], pools: [{ fee: 500, address: custom }] } },
      { mode: 'backtest', env: {} },
    );
    const market = resolveLiveMarket(config);
    expect(market.feeds[1]).toEqual({ name: 'ARB/USD', address: custom, decimals: 8 });
    expect(market.pools).toEqual([{ fee: 500, address: custom }]);
    expect(market.sequencerUptimeFeed).toBe(arbitrumPreset.chainlink.sequencerUptime);
  });

  it('refuses the devnet, whose addresses are in its manifest', () => {
    const config = validateConfig({}, { mode: 'devnet', env: {} });
    expect(() => resolveLiveMarket(config)).toThrow(ConfigError);
  });
});
