import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportPrefix, generateArtifacts, readForgeArtifacts, readNpmArtifacts, renderArtifactModule } from './generate-artifacts.js';

/** A fake forge project: one real contract, one interface, one test contract, one stale output. */
function fakeContractsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mandate-codegen-'));
  const output = (file: string, name: string, source: string, bytecode: string) => {
    mkdirSync(join(dir, 'out', file), { recursive: true });
    writeFileSync(
      join(dir, 'out', file, `${name}.json`),
      JSON.stringify({
        abi: [{ type: 'function', name: 'f', inputs: [], outputs: [], stateMutability: 'view' }],
        bytecode: { object: bytecode, linkReferences: {} },
        metadata: { settings: { compilationTarget: { [source]: name } } },
      }),
    );
  };
  mkdirSync(join(dir, 'src', 'interfaces'), { recursive: true });
  writeFileSync(join(dir, 'src', 'Real.sol'), '');
  writeFileSync(join(dir, 'src', 'interfaces', 'IReal.sol'), '');
  output('Real.sol', 'Real', 'src/Real.sol', '0x6080');
  output('IReal.sol', 'IReal', 'src/interfaces/IReal.sol', '0x');
  output('Real.t.sol', 'RealTest', 'test/Real.t.sol', '0x6080');
  output('Gone.sol', 'Gone', 'src/Gone.sol', '0x6080');
  return dir;
}

describe('readForgeArtifacts', () => {
  it('keeps deployable contracts from existing src files and skips interfaces, tests and stale output', () => {
    const artifacts = readForgeArtifacts(fakeContractsDir());
    expect(artifacts.map((a) => [a.name, a.source, a.bytecode])).toEqual([['Real', 'contracts/src/Real.sol', '0x6080']]);
  });

  it('returns nothing (instead of failing) when forge has not built yet', () => {
    expect(readForgeArtifacts(mkdtempSync(join(tmpdir(), 'mandate-codegen-empty-')))).toEqual([]);
  });
});

describe('readNpmArtifacts', () => {
  it('reads the Uniswap and WETH artifacts, with the descriptor linking NFTDescriptor and WETH9 prefixed with 0x', () => {
    const byName = new Map(readNpmArtifacts().map((a) => [a.name, a]));
    expect([...byName.keys()].sort()).toEqual([
      'CompatibilityFallbackHandler',
      'ERC20',
      'NFTDescriptor',
      'NonfungiblePositionManager',
      'NonfungibleTokenPositionDescriptor',
      'QuoterV2',
      'SafeL2',
      'SafeProxyFactory',
      'SwapRouter',
      'UniswapV3Factory',
      'UniswapV3Pool',
      'WETH9',
    ]);
    expect(byName.get('NonfungibleTokenPositionDescriptor')!.linkReferences).toEqual({ NFTDescriptor: [{ start: 1681, length: 20 }] });
    expect(byName.get('WETH9')!.bytecode).toMatch(/^0x60/);
    expect(byName.get('UniswapV3Pool')!.bytecode).toBeUndefined();
  });
});

describe('exportPrefix', () => {
  it('lower-camel-cases names and keeps acronyms together', () => {
    expect(['NFTDescriptor', 'WETH9', 'ERC20', 'UniswapV3Factory', 'QuoterV2', 'MandateVault', 'DevToken'].map(exportPrefix)).toEqual([
      'nftDescriptor',
      'weth9',
      'erc20',
      'uniswapV3Factory',
      'quoterV2',
      'mandateVault',
      'devToken',
    ]);
  });
});

describe('generateArtifacts', () => {
  it('writes one module per contract plus an index, deterministically, and only rewrites what changed', () => {
    const outDir = mkdtempSync(join(tmpdir(), 'mandate-generated-'));
    writeFileSync(join(outDir, 'Removed.ts'), '// a contract that no longer exists\n');
    const names = generateArtifacts(outDir, fakeContractsDir());
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    expect(names).toEqual(expect.arrayContaining(['Real', 'UniswapV3Factory', 'WETH9']));
    expect(names).not.toContain('IReal');
    expect(readdirSync(outDir).sort()).toEqual([...names.map((n) => `${n}.ts`), 'index.ts'].sort());

    const snapshot = new Map(readdirSync(outDir).map((f) => [f, { text: readFileSync(join(outDir, f), 'utf8'), mtime: statSync(join(outDir, f)).mtimeMs }]));
    generateArtifacts(outDir, fakeContractsDir());
    for (const [file, before] of snapshot) {
      expect(readFileSync(join(outDir, file), 'utf8')).toBe(before.text);
      expect(statSync(join(outDir, file)).mtimeMs).toBe(before.mtime);
    }
    expect(snapshot.get('index.ts')!.text).toContain("export * from './Real.js';");
  });

  it('renders ABI, bytecode and link references as const exports', () => {
    const text = renderArtifactModule({
      name: 'NFTThing',
      source: 'test',
      abi: [{ type: 'event', name: 'E', inputs: [] }],
      bytecode: '0x6080',
      linkReferences: { Lib: [{ start: 1, length: 20 }] },
    });
    expect(text).toContain('export const nftThingAbi = [');
    expect(text).toContain("export const nftThingBytecode = '0x6080' as const;");
    expect(text).toContain('export const nftThingLinkReferences = {"Lib":[{"start":1,"length":20}]} as const;');
  });
});
