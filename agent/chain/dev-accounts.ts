import { mnemonicToAccount } from 'viem/accounts';
import { toHex } from 'viem';
import { toAddress, type Address, type Hex } from '../model/address.js';

/** anvil's default mnemonic: its keys are public, so they are fine on a local devnet and nowhere else. */
export const anvilMnemonic = 'test test test test test test test test test test test junk';

/**
 * The devnet roles, by the anvil account index that holds each. `market` is the market driver's own
 * account (arbitrage and noise swaps), so it never races the trader's nonces. Indexes from 6 on are free
 * for later roles (Safe owners, for example).
 */
export const devnetRoleIndexes = { deployer: 0, owner: 1, guardian: 2, agent: 3, trader: 4, market: 5 } as const;
export type DevnetRole = keyof typeof devnetRoleIndexes;

export type DevAccount = { role: DevnetRole; index: number; address: Address; privateKey: Hex };

/**
 * The key and address of anvil's default account number `index`.
 *
 * @example
 * devAccountAt(0).address; // '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'
 */
export function devAccountAt(index: number): { address: Address; privateKey: Hex } {
  const account = mnemonicToAccount(anvilMnemonic, { addressIndex: index });
  const privateKey = account.getHdKey().privateKey;
  if (!privateKey) throw new Error(`No private key derived for anvil account ${index}.`);
  return { address: toAddress(account.address), privateKey: toHex(privateKey) };
}

/**
 * Every devnet role's account.
 *
 * @example
 * const { trader } = devAccounts();
 * console.log(trader.address, trader.privateKey);
 */
export function devAccounts(): Record<DevnetRole, DevAccount> {
  const entries = Object.entries(devnetRoleIndexes).map(([role, index]) => [
    role,
    { role: role as DevnetRole, index, ...devAccountAt(index) },
  ]);
  return Object.fromEntries(entries) as Record<DevnetRole, DevAccount>;
}
