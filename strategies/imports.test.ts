/**
 * Strategies must run the same live and in a backtest: no chain client, no database, nothing from the
 * backtester, no wall clock. This scans every source file of strategies/ for what it imports.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('.', import.meta.url));

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

function importsOf(source: string): string[] {
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
  return [...source.matchAll(pattern)].map((match) => match[1]!);
}

const forbidden = [/^viem($|\/)/, /^better-sqlite3$/, /(^|\/)backtest(\/|$)/, /(^|\/)agent\/chain(\/|$)/];

/** What strategy code (not tests or fixtures) may import: packages, and files resolved from the repo root. */
const allowedPackages = ['zod', 'rxjs'];
const repoRoot = join(root, '..');

function allowedInStrategyCode(fileName: string, specifier: string): boolean {
  // The examples are written as a user's strategy is: against the public module.
  if (fileName.startsWith('examples') && specifier === 'mandate') return true;
  if (!specifier.startsWith('.')) return allowedPackages.includes(specifier);
  const target = relative(repoRoot, join(root, dirname(fileName), specifier)).split(sep).join('/');
  return target.startsWith('strategies/') || target.startsWith('agent/model/');
}

// This file is left out: it spells the forbidden names on purpose.
const files = sourceFiles(root)
  .map((path) => ({ name: relative(root, path), source: readFileSync(path, 'utf8') }))
  .filter((file) => file.name !== 'imports.test.ts');

describe('strategies/ stays pure', () => {
  it('finds the source files it scans', () => {
    expect(files.map((f) => f.name)).toEqual(expect.arrayContaining(['define-strategy.ts', 'trend.ts', 'registry.ts']));
    expect(importsOf("import { a } from 'viem';\nconst b = await import('better-sqlite3');")).toEqual(['viem', 'better-sqlite3']);
    expect(allowedInStrategyCode('examples/x.ts', '../define-strategy.js')).toBe(true);
    expect(allowedInStrategyCode('examples/x.ts', 'mandate')).toBe(true);
    expect(allowedInStrategyCode('trend.ts', 'mandate')).toBe(false);
    expect(allowedInStrategyCode('trend.ts', '../agent/model/decision.js')).toBe(true);
    expect(allowedInStrategyCode('trend.ts', '../agent/kernel/create-kernel.js')).toBe(false);
    expect(allowedInStrategyCode('trend.ts', '../agent/chain/client.js')).toBe(false);
    expect(allowedInStrategyCode('trend.ts', '../backtest/run.js')).toBe(false);
    expect(allowedInStrategyCode('trend.ts', 'node:fs')).toBe(false);
  });

  it('never imports viem, better-sqlite3, the chain client or the backtester (tests included)', () => {
    for (const file of files) {
      for (const specifier of importsOf(file.source)) {
        for (const pattern of forbidden) expect(specifier, `${file.name} imports ${specifier}`).not.toMatch(pattern);
      }
    }
  });

  it('imports only zod, rxjs, its own files and the shared vocabulary in strategy code', () => {
    const code = files.filter((f) => !f.name.endsWith('.test.ts') && !f.name.startsWith('fixtures'));
    expect(code.length).toBeGreaterThan(8);
    for (const file of code) {
      for (const specifier of importsOf(file.source)) {
        expect(allowedInStrategyCode(file.name, specifier), `${file.name} imports ${specifier}`).toBe(true);
      }
    }
  });

  it('never reads the wall clock in strategy code', () => {
    const code = files.filter((f) => !f.name.endsWith('.test.ts'));
    for (const file of code) {
      expect(file.source, file.name).not.toMatch(/Date\.now\(|new Date\(|performance\.now\(/);
    }
  });
});
