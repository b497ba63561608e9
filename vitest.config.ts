// Workspace-wide test run: `pnpm test` (or `vitest run`) at the root runs
// every package's tests in one process pool. Packages are resolved from their
// TypeScript sources through the `@krg/source` export condition, so tests do
// not need a build first.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    conditions: ['@krg/source'],
  },
  ssr: {
    resolve: {
      conditions: ['@krg/source'],
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'tools/*/src/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    // Generous: a loaded 2-core machine runs property lanes several times slower.
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
