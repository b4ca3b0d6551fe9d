import { defineConfig } from 'vitest/config';

// `npm run bench:console`: page timings in Debian's chromium against one real server.
export default defineConfig({
  test: {
    include: ['e2e/**/*.bench-run.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    environment: 'node',
    testTimeout: 1_800_000,
    hookTimeout: 420_000,
  },
});
