import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Hex } from 'viem';

const sourcePath = join(import.meta.dirname, '..', '..', 'contracts', 'test', 'utils', 'PhasedFeedProxy.sol');
let artifact: { abi: readonly unknown[]; bytecode: Hex } | undefined;

/**
 * The ABI and creation code of contracts/test/utils/PhasedFeedProxy.sol (a test-only Chainlink-style proxy
 * with phases), compiled with solc-js once per process: `npm run contracts:build` generates only src/.
 *
 * @example
 * const { abi, bytecode } = phasedFeedProxyArtifact();
 * const hash = await wallet.deployContract({ abi, bytecode, args: [aggregator] });
 */
export function phasedFeedProxyArtifact(): { abi: readonly unknown[]; bytecode: Hex } {
  if (artifact) return artifact;
  const solc = createRequire(import.meta.url)('solc') as { compile(input: string): string };
  const output = JSON.parse(
    solc.compile(
      JSON.stringify({
        language: 'Solidity',
        sources: { 'PhasedFeedProxy.sol': { content: readFileSync(sourcePath, 'utf8') } },
        settings: { optimizer: { enabled: true, runs: 200 }, outputSelection: { '*': { PhasedFeedProxy: ['abi', 'evm.bytecode.object'] } } },
      }),
    ),
  ) as { errors?: { severity: string; formattedMessage: string }[]; contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>> };
  const errors = (output.errors ?? []).filter((error) => error.severity === 'error');
  if (errors.length > 0) throw new Error(`PhasedFeedProxy does not compile:\n${errors.map((error) => error.formattedMessage).join('\n')}`);
  const contract = output.contracts['PhasedFeedProxy.sol']!.PhasedFeedProxy!;
  artifact = { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` };
  return artifact;
}
