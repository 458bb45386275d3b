import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'apps/*/vitest.config.ts', 'scripts/vitest.config.ts'],
    // vitest's default is one worker per core minus one: a single worker on a 2-core machine, where
    // most test files wait on child processes, servers and sockets rather than the CPU. Two workers
    // there take the suite from ~300 s to ~175 s; the timing-sensitive files assert nothing that a
    // busier machine can break (they run on injected clocks), which CI re-checks with extra passes.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
