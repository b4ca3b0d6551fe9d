import { defineConfig } from 'vitest/config';

// Browser flows: one real server (embedded default) for every file, started by global-setup.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 420_000,
  },
});
