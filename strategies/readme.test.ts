import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeStrategyParams } from './param-grid.js';
import { builtinStrategies, builtinStrategyNames } from './registry.js';

const read = (name: string) => readFileSync(new URL(name, import.meta.url), 'utf8');
const readme = read('./README.md');

describe('strategies/README.md', () => {
  it('shows the worked example and its test exactly as they are in examples/ (which are type-checked and run)', () => {
    expect(readme).toContain('```ts\n' + read('./examples/sma-band.ts') + '```');
    expect(readme).toContain('```ts\n' + read('./examples/sma-band.test.ts') + '```');
  });

  it('has one line per built-in strategy naming every one of its params', () => {
    for (const name of builtinStrategyNames) {
      const line = readme.split('\n- ').find((entry) => entry.startsWith(`**${name}**`));
      expect(line, name).toBeDefined();
      for (const { key } of describeStrategyParams(builtinStrategies[name])) {
        expect(line, `${name}.${key}`).toContain(`\`${key}\``);
      }
    }
  });
});
