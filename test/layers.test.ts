/**
 * The layers of DESIGN.md, bottom up: no import of production code runs upward. Files of one layer may
 * import each other; tests, fixtures and benchmarks are not production code.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const layers: [prefix: string, rank: number][] = [
  ['agent/model/', 0],
  ['agent/chain/', 1],
  ['agent/market/', 2],
  ['agent/kernel/', 2],
  ['agent/policy/', 2],
  ['agent/journal/', 2],
  ['agent/reasoning/', 2],
  ['agent/config/', 2],
  ['strategies/', 2],
  ['agent/engine/', 3],
  ['agent/observability/', 3],
  ['agent/devnet/', 4],
  ['agent/venues/', 5],
  ['backtest/', 5],
  ['agent/console/', 6],
  ['agent/index.ts', 6],
  ['agent/cli/', 7],
];
const rankOf = (file: string): number | undefined => layers.find(([prefix]) => file.startsWith(prefix))?.[1];

describe('the layers', () => {
  it('no production import runs upward', () => {
    const files = execFileSync('git', ['ls-files', 'agent', 'strategies', 'backtest'], { encoding: 'utf8' })
      .split('\n')
      .filter((file) => /\.ts$/.test(file) && !/\.test\.ts$/.test(file) && !file.includes('/fixtures/') && !file.startsWith('strategies/examples/'));
    expect(files.length).toBeGreaterThan(200);
    const upward: string[] = [];
    for (const file of files) {
      const rank = rankOf(file)!;
      expect(rank, `${file} has no layer`).toBeDefined();
      const source = readFileSync(file, 'utf8');
      for (const match of source.matchAll(/(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = normalize(join(dirname(file), match[1]!)).replace(/\.js$/, '.ts');
        const targetRank = rankOf(target);
        if (targetRank !== undefined && targetRank > rank) upward.push(`${file} → ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });
});
