import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['agent/**/*.test.ts', 'strategies/**/*.test.ts', 'backtest/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/browser/**', 'test/redis/**'],
    // Suites that start anvil need time to boot and deploy; pure unit tests finish far below this.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
