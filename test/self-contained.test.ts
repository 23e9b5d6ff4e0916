import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// A fresh clone has nothing beside it: no file of the project may reach outside the repository for data.
// (.ci/run proves it for real by running everything in a clone alone in an empty folder.)
describe('the repository is self-contained', () => {
  it('no tracked file refers to the folder beside the clone', () => {
    const files = execFileSync('git', ['ls-files', '-z'], { encoding: 'utf8' }).split('\0').filter((file) => /\.(ts|js|mjs|cjs|json|md|toml|sh)$|^\.ci\//.test(file));
    expect(files.length).toBeGreaterThan(100);
    const outside = '../' + 'shared';
    const offenders = files.filter((file) => file !== 'package-lock.json' && readFileSync(file, 'utf8').includes(outside));
    expect(offenders).toEqual([]);
  });
});
