/**
 * Writes agent/chain/generated/<Name>.ts (typed `as const` ABI, bytecode and link references) for every
 * deployable contract compiled from contracts/src by forge, and for the npm artifacts the devnet deploys.
 *
 * Why generated and git-ignored: the `prepare` script regenerates these on every install, so they can
 * never drift from the sources; nothing generated is committed. Output is deterministic (sorted, stable
 * formatting) and a file is only rewritten when its content changes, so reruns are cheap.
 *
 * Run with `tsx agent/chain/codegen/generate-artifacts.ts` (part of `npm run contracts:build`).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MandateError } from '../../model/base-error.js';

/** One contract to emit: its ABI, creation bytecode (may be absent for ABI-only entries) and library links. */
export type ContractArtifact = {
  /** The contract name, used for the file name and the export names (`<name>Abi`, `<name>Bytecode`). */
  name: string;
  /** Where it came from, written into the generated file's header. */
  source: string;
  abi: readonly unknown[];
  bytecode?: `0x${string}` | undefined;
  /** Library placeholders in the bytecode: library name → byte ranges (start, length) to fill. */
  linkReferences?: Record<string, readonly { start: number; length: number }[]> | undefined;
};

/**
 * Generation cannot produce unambiguous modules (two contracts share a name).
 *
 * @example
 * try { generateArtifacts(); } catch (e) { if (e instanceof ArtifactGenerationError) console.error(e.details); }
 */
export class ArtifactGenerationError extends MandateError {
  override name = 'ArtifactGenerationError';
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const requireFromRepo = createRequire(join(repoRoot, 'package.json'));

/**
 * The Uniswap, WETH and Safe artifacts from npm that the devnet deploys or talks to. UniswapV3Pool is listed for
 * its ABI (pools are created by the factory); ERC20 is an ABI for any token.
 */
const npmArtifacts: readonly { name: string; module: string; abiOnly?: boolean }[] = [
  { name: 'UniswapV3Factory', module: '@uniswap/v3-core/artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json' },
  { name: 'UniswapV3Pool', module: '@uniswap/v3-core/artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json', abiOnly: true },
  { name: 'SwapRouter', module: '@uniswap/v3-periphery/artifacts/contracts/SwapRouter.sol/SwapRouter.json' },
  {
    name: 'NonfungiblePositionManager',
    module: '@uniswap/v3-periphery/artifacts/contracts/NonfungiblePositionManager.sol/NonfungiblePositionManager.json',
  },
  {
    name: 'NonfungibleTokenPositionDescriptor',
    module:
      '@uniswap/v3-periphery/artifacts/contracts/NonfungibleTokenPositionDescriptor.sol/NonfungibleTokenPositionDescriptor.json',
  },
  { name: 'NFTDescriptor', module: '@uniswap/v3-periphery/artifacts/contracts/libraries/NFTDescriptor.sol/NFTDescriptor.json' },
  { name: 'QuoterV2', module: '@uniswap/v3-periphery/artifacts/contracts/lens/QuoterV2.sol/QuoterV2.json' },
  { name: 'WETH9', module: '@uniswap/v2-periphery/build/WETH9.json' },
  { name: 'ERC20', module: '@uniswap/v2-periphery/build/IERC20.json', abiOnly: true },
  // The Safe the devnet makes the vault's owner (agent/chain/safe).
  { name: 'SafeL2', module: '@safe-global/safe-smart-account/build/artifacts/contracts/SafeL2.sol/SafeL2.json' },
  { name: 'SafeProxyFactory', module: '@safe-global/safe-smart-account/build/artifacts/contracts/proxies/SafeProxyFactory.sol/SafeProxyFactory.json' },
  {
    name: 'CompatibilityFallbackHandler',
    module: '@safe-global/safe-smart-account/build/artifacts/contracts/handler/CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler.json',
  },
];

const asHex = (code: unknown): `0x${string}` | undefined => {
  if (typeof code !== 'string' || code.length === 0) return undefined;
  const hex = code.startsWith('0x') ? code : `0x${code}`;
  return hex === '0x' ? undefined : (hex as `0x${string}`);
};

/** Flattens hardhat/forge link references ({ file: { lib: [{start,length}] } }) to { lib: [...] }. */
function flattenLinkReferences(raw: unknown): ContractArtifact['linkReferences'] {
  if (!raw || typeof raw !== 'object') return undefined;
  const out: Record<string, { start: number; length: number }[]> = {};
  for (const libraries of Object.values(raw as Record<string, Record<string, { start: number; length: number }[]>>)) {
    for (const [library, ranges] of Object.entries(libraries)) {
      out[library] = [...(out[library] ?? []), ...ranges.map(({ start, length }) => ({ start, length }))];
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Reads the npm artifacts listed above.
 *
 * @example
 * readNpmArtifacts().find((a) => a.name === 'SwapRouter')?.bytecode; // '0x6101...'
 */
export function readNpmArtifacts(): ContractArtifact[] {
  return npmArtifacts.map(({ name, module, abiOnly }) => {
    const json = requireFromRepo(module) as { abi: unknown[]; bytecode?: unknown; linkReferences?: unknown };
    return {
      name,
      source: module,
      abi: json.abi,
      bytecode: abiOnly ? undefined : asHex(json.bytecode),
      linkReferences: abiOnly ? undefined : flattenLinkReferences(json.linkReferences),
    };
  });
}

/**
 * Reads forge's output for contracts whose source is under contracts/src and still exists (so stale
 * output of deleted or test files is ignored). Interfaces and abstract contracts (no bytecode) are skipped.
 *
 * @example
 * readForgeArtifacts().map((a) => a.name); // ['DevAggregator', 'DevToken', 'MandateVault', ...]
 */
export function readForgeArtifacts(contractsDir = join(repoRoot, 'contracts')): ContractArtifact[] {
  const outDir = join(contractsDir, 'out');
  if (!existsSync(outDir)) return [];
  const found: ContractArtifact[] = [];
  for (const fileDir of readdirSync(outDir).sort()) {
    if (!fileDir.endsWith('.sol')) continue;
    for (const file of readdirSync(join(outDir, fileDir)).sort()) {
      if (!file.endsWith('.json')) continue;
      const json = JSON.parse(readFileSync(join(outDir, fileDir, file), 'utf8')) as {
        abi: unknown[];
        bytecode?: { object?: string; linkReferences?: unknown };
        metadata?: { settings?: { compilationTarget?: Record<string, string> } };
      };
      const target = Object.entries(json.metadata?.settings?.compilationTarget ?? {})[0];
      if (!target) continue;
      const [sourcePath, contractName] = target;
      if (!sourcePath.startsWith('src/') || !existsSync(join(contractsDir, sourcePath))) continue;
      const bytecode = asHex(json.bytecode?.object);
      if (!bytecode) continue;
      found.push({
        name: contractName,
        source: `contracts/${sourcePath}`,
        abi: json.abi,
        bytecode,
        linkReferences: flattenLinkReferences(json.bytecode?.linkReferences),
      });
    }
  }
  return found;
}

/**
 * The export prefix for a contract name: lower camel case that keeps acronyms together.
 *
 * @example
 * exportPrefix('NFTDescriptor'); // 'nftDescriptor'
 * exportPrefix('WETH9'); // 'weth9'
 * exportPrefix('UniswapV3Factory'); // 'uniswapV3Factory'
 */
export function exportPrefix(name: string): string {
  const leadingCaps = /^[A-Z0-9]+/.exec(name)?.[0] ?? '';
  if (leadingCaps.length <= 1) return name.charAt(0).toLowerCase() + name.slice(1);
  // In "NFTDescriptor" the last capital of the run starts the next word.
  const runEnd = leadingCaps.length < name.length && /[a-z]/.test(name.charAt(leadingCaps.length)) ? leadingCaps.length - 1 : leadingCaps.length;
  return name.slice(0, runEnd).toLowerCase() + name.slice(runEnd);
}

/**
 * The TypeScript module text for one artifact.
 *
 * @example
 * renderArtifactModule({ name: 'DevToken', source: 'contracts/src/devnet/DevToken.sol', abi, bytecode });
 * // "export const devTokenAbi = [...] as const;\nexport const devTokenBytecode = '0x...' as const;"
 */
export function renderArtifactModule(artifact: ContractArtifact): string {
  const prefix = exportPrefix(artifact.name);
  const lines = [
    `// Generated by agent/chain/codegen/generate-artifacts.ts from ${artifact.source}. Do not edit.`,
    '',
    `/** ABI of ${artifact.name}. */`,
    `export const ${prefix}Abi = ${JSON.stringify(artifact.abi, null, 2)} as const;`,
  ];
  if (artifact.bytecode) {
    lines.push('', `/** Creation bytecode of ${artifact.name}. */`, `export const ${prefix}Bytecode = '${artifact.bytecode}' as const;`);
  }
  if (artifact.linkReferences) {
    lines.push(
      '',
      `/** Libraries to link into ${prefix}Bytecode before deploying: name → byte ranges of the placeholder. */`,
      `export const ${prefix}LinkReferences = ${JSON.stringify(artifact.linkReferences)} as const;`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Generates every module and the index into `outDir` from forge's output in `contractsDir`/out and the
 * npm artifacts, removing generated modules whose contract is gone. Returns the contract names written.
 *
 * @example
 * const names = generateArtifacts(); // ['DevAggregator', 'DevToken', ..., 'WETH9']
 */
export function generateArtifacts(outDir = join(repoRoot, 'agent/chain/generated'), contractsDir = join(repoRoot, 'contracts')): string[] {
  const artifacts = [...readForgeArtifacts(contractsDir), ...readNpmArtifacts()].sort((a, b) => a.name.localeCompare(b.name));
  const seen = new Map<string, string>();
  for (const artifact of artifacts) {
    const previous = seen.get(artifact.name);
    if (previous) {
      throw new ArtifactGenerationError(`Two contracts are named ${artifact.name}.`, {
        details: `Found in ${previous} and ${artifact.source}; contract names must be unique to generate agent/chain/generated/${artifact.name}.ts.`,
      });
    }
    seen.set(artifact.name, artifact.source);
  }

  mkdirSync(outDir, { recursive: true });
  const files = new Map<string, string>();
  for (const artifact of artifacts) files.set(`${artifact.name}.ts`, renderArtifactModule(artifact));
  files.set(
    'index.ts',
    `// Generated by agent/chain/codegen/generate-artifacts.ts. Do not edit.\n${artifacts
      .map((a) => `export * from './${a.name}.js';`)
      .join('\n')}\n`,
  );

  for (const existing of readdirSync(outDir)) {
    if (existing.endsWith('.ts') && !files.has(existing)) rmSync(join(outDir, existing));
  }
  for (const [file, text] of files) {
    const path = join(outDir, file);
    if (existsSync(path) && readFileSync(path, 'utf8') === text) continue;
    writeFileSync(path, text);
  }
  return artifacts.map((a) => a.name);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const names = generateArtifacts();
  process.stdout.write(`Generated ${names.length} contract modules in ${relative(process.cwd(), join(repoRoot, 'agent/chain/generated'))}: ${names.join(', ')}\n`);
}
