import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The OPFS tests drive Chromium, which is slow to answer on a busy machine.
  test: { include: ['test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 },
});
