import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The api serves the build under /console; `npm run dev` proxies the API to a local server.
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1000 },
  server: {
    proxy: { '/graphql': { target: 'http://127.0.0.1:4000', ws: true } },
  },
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});
