import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStrategyPath } from '../../agent/engine/load-strategy-file.js';
import { bundleStrategy, loadSweepStrategy, writeStrategyBundle } from './strategy-bundle.js';
import { SweepInputError } from './sweep-errors.js';

const directory = mkdtempSync(join(tmpdir(), 'mandate-bundle-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('strategy bundles', () => {
  it('tells a strategy file from a built-in name, with its export', () => {
    expect(parseStrategyPath('trend')).toBeUndefined();
    expect(parseStrategyPath('./band.ts')).toEqual({ path: './band.ts', exportName: 'default' });
    expect(parseStrategyPath('strategies/examples/sma-band.ts#smaBand')).toEqual({ path: 'strategies/examples/sma-band.ts', exportName: 'smaBand' });
  });

  it('bundles local imports and keeps mandate and npm packages as imports', async () => {
    writeFileSync(join(directory, 'helper.ts'), 'export const bandBps = 42;\n');
    writeFileSync(join(directory, 'mine.ts'), "import { defineStrategy } from 'mandate';\nimport { z } from 'zod';\nimport { bandBps } from './helper.js';\nexport default defineStrategy({ name: 'mine', params: z.object({}), bandBps } as never);\n");
    const bundle = await bundleStrategy({ path: join(directory, 'mine.ts') });
    expect(bundle.code).toMatch(/from ["']mandate["']/);
    expect(bundle.code).toMatch(/from ["']zod["']/);
    expect(bundle.code).toMatch(/42/);
    expect(bundle.code).not.toMatch(/\.\/helper/);
    expect(bundle.hash).toBe(createHash('sha256').update(bundle.code).digest('hex'));
  });

  it('loads a written bundle by hash, and refuses code that does not match its hash', async () => {
    const bundle = await bundleStrategy({ path: 'strategies/examples/sma-band.ts', exportName: 'smaBand' });
    writeStrategyBundle(bundle.hash, bundle.code);
    const definition = await loadSweepStrategy({ kind: 'bundle', hash: bundle.hash, exportName: 'smaBand', label: bundle.label });
    expect(definition.name).toBe('sma-band');
    await expect(loadSweepStrategy({ kind: 'bundle', hash: bundle.hash, exportName: 'nothing', label: 'x#nothing' })).rejects.toThrow(/export "nothing" is not a strategy/);
    expect(() => writeStrategyBundle(bundle.hash, `${bundle.code}\n// changed`)).toThrow(SweepInputError);
  });
});
