import { type PublicClient, encodeFunctionData, parseEventLogs, zeroAddress } from 'viem';
import { toAddress, type Address } from '../../model/address.js';
import { type PipelinedSender, TransactionFailedError } from '../pipelined-sender.js';
import {
  compatibilityFallbackHandlerAbi,
  compatibilityFallbackHandlerBytecode,
  safeL2Abi,
  safeL2Bytecode,
  safeProxyFactoryAbi,
  safeProxyFactoryBytecode,
} from '../generated/index.js';

/** The Safe's contracts as deployed: the proxy (the Safe itself) and what it runs on. */
export type DeployedSafe = {
  safe: Address;
  singleton: Address;
  proxyFactory: Address;
  fallbackHandler: Address;
};

export type DeploySafeParameters = {
  publicClient: PublicClient;
  /** Deploys and pays (the devnet deployer's pipelined sender). */
  sender: PipelinedSender;
  owners: readonly Address[];
  threshold: number;
  /** CREATE2 salt nonce of the proxy. Default 0. */
  saltNonce?: bigint | undefined;
};

/**
 * Deploys a real Safe from @safe-global/safe-smart-account's npm artifacts: the SafeL2 singleton (it emits
 * an event per transaction, which indexers and `mandate vault status` can read), the SafeProxyFactory and
 * the CompatibilityFallbackHandler, then a proxy set up with `owners` and `threshold` (no modules, no guard).
 * On a chain where the canonical Safe contracts exist, use those instead: only the proxy is per treasury.
 *
 * @example
 * const { safe } = await deploySafe({ publicClient, sender, owners: [a, b, c], threshold: 2 });
 */
export async function deploySafe(parameters: DeploySafeParameters): Promise<DeployedSafe> {
  const { sender, owners, threshold } = parameters;
  const singleton = await sender.deploy('SafeL2 singleton', { abi: safeL2Abi, bytecode: safeL2Bytecode, gas: 8_000_000n });
  const proxyFactory = await sender.deploy('SafeProxyFactory', { abi: safeProxyFactoryAbi, bytecode: safeProxyFactoryBytecode, gas: 3_000_000n });
  const fallbackHandler = await sender.deploy('CompatibilityFallbackHandler', {
    abi: compatibilityFallbackHandlerAbi,
    bytecode: compatibilityFallbackHandlerBytecode,
    gas: 3_000_000n,
  });
  const initializer = encodeFunctionData({
    abi: safeL2Abi,
    functionName: 'setup',
    args: [[...owners], BigInt(threshold), zeroAddress, '0x', fallbackHandler.address, zeroAddress, 0n, zeroAddress],
  });
  await sender.write('create Safe proxy', {
    address: proxyFactory.address,
    abi: safeProxyFactoryAbi,
    functionName: 'createProxyWithNonce',
    args: [singleton.address, initializer, parameters.saltNonce ?? 0n],
    gas: 1_000_000n,
  });
  const receipts = await sender.settle();
  const created = parseEventLogs({ abi: safeProxyFactoryAbi, logs: receipts.at(-1)!.logs, eventName: 'ProxyCreation' })[0];
  if (!created) throw new TransactionFailedError('The SafeProxyFactory emitted no ProxyCreation event.');
  return { safe: toAddress(created.args.proxy), singleton: singleton.address, proxyFactory: proxyFactory.address, fallbackHandler: fallbackHandler.address };
}
