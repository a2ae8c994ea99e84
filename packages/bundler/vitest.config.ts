import { defineConfig } from 'vitest/config';
import weft from './dist/vite.js';

export default defineConfig({
  // Vitest runs on its own Vite (7); components imported by tests load through the plugin as Node glue.
  plugins: [weft()],
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
