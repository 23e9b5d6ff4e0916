import { encodeErrorResult } from 'viem';
import { describe, expect, it } from 'vitest';
import { mandateVaultAbi } from '../generated/MandateVault.js';
import { describeVaultError } from './describe-vault-error.js';
import { formatFeeTier, formatSeconds, formatUnixTime, formatUsd18 } from './format-vault-units.js';
import { VaultCallError, VaultRevertError, decodeVaultRevert, toVaultError } from './vault-errors.js';

const USD = 10n ** 18n;
const feed = '0x5FbDB2315678afecb367f032d93F642f64180aa3';

describe('formatting', () => {
  it('formats USD with 18 decimals as dollars and cents, rounded down like the vault', () => {
    expect(formatUsd18(6_012_339n * 10n ** 15n)).toBe('$6,012.33');
    expect(formatUsd18(5_000n * USD)).toBe('$5,000.00');
    expect(formatUsd18(1n)).toBe('$0.00');
    expect(formatUsd18(1_234_567_890n * USD + 5n * 10n ** 16n)).toBe('$1,234,567,890.05');
    expect(formatUsd18(-25n * 10n ** 17n)).toBe('-$2.50');
  });

  it('formats times, durations and fee tiers', () => {
    expect(formatUnixTime(1_706_558_123n)).toBe('2024-01-29T19:55:23Z');
    expect(formatSeconds(4_500n)).toBe('4,500 s');
    expect(formatFeeTier(500)).toBe('0.05%');
    expect(formatFeeTier(3000)).toBe('0.3%');
  });
});

describe('describeVaultError', () => {
  it('says what was exceeded, in dollars', () => {
    expect(describeVaultError('TradeValueExceedsCap', [6_012_330n * 10n ** 15n, 5_000n * USD])).toBe('Trade value $6,012.33 exceeds the per-trade cap $5,000.00.');
    expect(describeVaultError('TradeValueExceedsAllowance', [2_000n * USD, 1_500n * USD])).toBe(
      'Trade value $2,000.00 exceeds the available allowance $1,500.00.',
    );
  });

  it('gives ages and times for oracle and cooldown errors', () => {
    expect(describeVaultError('OracleStale', [feed, 1_000n, 4_500, 6_000n])).toBe(
      `Price feed ${feed} is stale: its answer is 5,000 s old (updated 1970-01-01T00:16:40Z), at most 4,500 s is accepted.`,
    );
    expect(describeVaultError('CooldownActive', [1_706_558_123n, 1_706_558_423n])).toBe(
      'The cooldown is active: the last trade was at 2024-01-29T19:55:23Z, the next is allowed from 2024-01-29T20:00:23Z.',
    );
  });

  it('explains the router revert the oracle floor causes, and falls back to Name(args) for anything unknown', () => {
    expect(describeVaultError('Error', ['Too little received'])).toMatch(/minimum output the vault enforced/);
    expect(describeVaultError('Error', ['STF'])).toBe('The call reverted with "STF".');
    expect(describeVaultError('SomethingNew', [1n, 'x'])).toBe('The call reverted with SomethingNew(1, x).');
  });
});

describe('decoding reverts with the generated ABI', () => {
  it('decodes a custom error from raw revert data and from an error carrying it', () => {
    const data = encodeErrorResult({ abi: mandateVaultAbi, errorName: 'TradeValueExceedsCap', args: [6_000n * USD, 5_000n * USD] });
    expect(decodeVaultRevert(data)).toEqual({ errorName: 'TradeValueExceedsCap', args: [6_000n * USD, 5_000n * USD], data });
    const rpcError = new Error('execution reverted', { cause: Object.assign(new Error('rpc'), { data }) });
    const error = toVaultError(rpcError, { functionName: 'executeTrade' });
    expect(error).toBeInstanceOf(VaultRevertError);
    expect((error as VaultRevertError).errorName).toBe('TradeValueExceedsCap');
    expect(error.shortMessage).toBe('Trade value $6,000.00 exceeds the per-trade cap $5,000.00.');
    expect(error.details).toBe(`executeTrade: the simulation reverted with TradeValueExceedsCap(${6_000n * USD}, ${5_000n * USD}).`);
  });

  it('decodes Error(string) bubbled up from the router', () => {
    const data = encodeErrorResult({
      abi: [{ type: 'error', name: 'Error', inputs: [{ name: 'message', type: 'string' }] }],
      errorName: 'Error',
      args: ['Too little received'],
    });
    expect(decodeVaultRevert(data)).toMatchObject({ errorName: 'Error', args: ['Too little received'] });
  });

  it('turns an error without revert data into a VaultCallError', () => {
    const error = toVaultError(new Error('fetch failed'), { functionName: 'pause' });
    expect(error).toBeInstanceOf(VaultCallError);
    expect(error.shortMessage).toBe('pause failed: fetch failed');
  });
});
