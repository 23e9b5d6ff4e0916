import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * `npm run test:browser`: suites that drive a real Chromium (Debian's /usr/bin/chromium, or
 * MANDATE_CHROMIUM) through playwright-core. Kept out of `vitest run` because they need the browser.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/browser/**/*.browser.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
