import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * `npm run test:redis`: suites that start Debian's redis-server (test/support/redis-server.ts) and
 * `mandate worker` processes. Kept out of `vitest run` because they need redis-server; without it they
 * fail with the apt-get command.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/redis/**/*.redis.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One file at a time: each starts several CLI processes on a 2-core machine.
    fileParallelism: false,
  },
});
