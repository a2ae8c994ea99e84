import { defineConfig } from 'vitest/config';

// The test starts Vite itself with vite.config.ts; Vitest needs no plugins.
export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 },
});
