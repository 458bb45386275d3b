import { defineConfig } from 'vitest/config';

// Tests run against each package's `src/` through the `@keel/source` export condition,
// so a change is tested without a rebuild and stack traces point at TypeScript.
const conditions = ['@keel/source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@keel/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    typecheck: { enabled: false },
  },
});
