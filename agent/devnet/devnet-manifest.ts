import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { MandateError } from '../model/base-error.js';
import { toAddress, type Address, type Hex } from '../model/address.js';
import { type DevnetRole, devnetRoleIndexes } from '../chain/dev-accounts.js';

/** Where `mandate devnet` writes its manifest, relative to the working directory. */
export const defaultDevnetManifestPath = '.mandate/devnet.json';

/** The devnet manifest is missing, not JSON, or not in the expected shape. */
export class DevnetManifestError extends MandateError {
  override name = 'DevnetManifestError';
}

// Normalised here, where the manifest's addresses enter, so everything downstream compares them with ===.
const address = z.string().transform((value, ctx): Address => {
  try {
    return toAddress(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'an address: 0x followed by 40 hex digits, in one case or correctly EIP-55 checksummed' });
    return z.NEVER;
  }
});
const hex = z.string().regex(/^0x[0-9a-fA-F]*$/, 'hex: 0x followed by hex digits') as unknown as z.ZodType<Hex>;
const bigintString = z.string().regex(/^-?\d+$/, 'an integer written as a decimal string');

const token = z.object({ address, symbol: z.string(), decimals: z.number().int() });
const account = z.object({
  role: z.string(),
  index: z.number().int(),
  address,
  privateKey: hex,
});

/**
 * The zod schema of `.mandate/devnet.json`. Integers that can exceed 2^53 (sqrtPriceX96, round ids,
 * answers) are decimal strings, since JSON has no bigint.
 */
export const devnetManifestSchema = z.object({
  version: z.literal(1),
  chainId: z.number().int(),
  rpcUrl: z.string(),
  /** Block at which the deploy started: event scans can begin here. */
  startBlock: z.number().int(),
  /** Chain time (unix seconds) of the last deploy block. */
  deployedAt: z.number().int(),
  /** Every devnet role's account; later steps may add more roles (Safe owners, say). */
  accounts: z
    .object(Object.fromEntries(Object.keys(devnetRoleIndexes).map((role) => [role, account])) as Record<DevnetRole, typeof account>)
    .catchall(account),
  tokens: z.object({ USDC: token, WETH: token }),
  uniswap: z.object({
    factory: address,
    swapRouter: address,
    positionManager: address,
    positionDescriptor: address,
    nftDescriptorLibrary: address,
    quoterV2: address,
    weth9: address,
  }),
  pools: z.array(
    z.object({
      address,
      token0: address,
      token1: address,
      fee: z.number().int(),
      tickSpacing: z.number().int(),
      initialSqrtPriceX96: bigintString,
      /** Number of liquidity positions minted at deploy. */
      positions: z.number().int(),
    }),
  ),
  feeds: z.object({
    'ETH/USD': z.object({ address, decimals: z.number().int(), description: z.string() }),
    'USDC/USD': z.object({ address, decimals: z.number().int(), description: z.string() }),
  }),
  /** The first replayed round: the price the pools were initialised at. */
  replay: z.object({
    source: z.string(),
    firstRoundId: bigintString,
    firstAnswer: bigintString,
    firstUpdatedAt: z.number().int(),
  }),
  /** Contracts deployed by extensions (the vault, a Safe...), by name. */
  contracts: z.record(z.string(), address),
  /** Deploy timing, for the record. */
  deployMs: z.number(),
});

export type DevnetManifest = Omit<z.infer<typeof devnetManifestSchema>, 'accounts'> & {
  accounts: Record<DevnetRole, { role: DevnetRole; index: number; address: Address; privateKey: Hex }>;
};
export type DevnetPool = DevnetManifest['pools'][number];

/**
 * Reads and validates a devnet manifest.
 *
 * @example
 * const manifest = readDevnetManifest('.mandate/devnet.json');
 * console.log(manifest.rpcUrl, manifest.pools.map((p) => p.address));
 */
export function readDevnetManifest(path: string = defaultDevnetManifestPath): DevnetManifest {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DevnetManifestError(`Cannot read the devnet manifest ${path}.`, {
      details: 'Start the devnet first with `mandate devnet`, which writes it.',
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DevnetManifestError(`The devnet manifest ${path} is not JSON.`, { cause: error });
  }
  const parsed = devnetManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DevnetManifestError(`The devnet manifest ${path} is malformed.`, {
      details: `At ${issue.path.join('.') || '(root)'}: ${issue.message}.`,
      cause: parsed.error,
    });
  }
  return parsed.data as DevnetManifest;
}

/**
 * Writes a manifest as pretty JSON, creating its directory.
 *
 * @example
 * writeDevnetManifest(manifest, '.mandate/devnet.json');
 */
export function writeDevnetManifest(manifest: DevnetManifest, path: string = defaultDevnetManifestPath): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * The pool of a fee tier in a manifest.
 *
 * @example
 * const pool = devnetPool(manifest, 500);
 */
export function devnetPool(manifest: DevnetManifest, fee: number): DevnetPool {
  const pool = manifest.pools.find((p) => p.fee === fee);
  if (!pool) {
    throw new DevnetManifestError(`The devnet has no pool with fee ${fee}.`, {
      details: `Pools: ${manifest.pools.map((p) => p.fee).join(', ')}.`,
    });
  }
  return pool;
}
