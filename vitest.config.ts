import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The package's own name, as strategy files import it, resolves to the sources under test.
  resolve: { alias: { mandate: fileURLToPath(new URL('./agent/index.ts', import.meta.url)) } },
  test: {
    include: ['agent/**/*.test.ts', 'strategies/**/*.test.ts', 'backtest/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/browser/**', 'test/redis/**'],
    // Suites that start anvil need time to boot and deploy; pure unit tests finish far below this.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
