import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The finalization test forces garbage collections.
    poolOptions: { forks: { execArgv: ['--expose-gc'] } },
    projects: [
      { extends: true, test: { name: 'default', include: ['test/**/*.test.ts'] } },
      // The value, string, resource and trap tests again with the core modules as JavaScript (--js).
      {
        extends: true,
        test: { name: 'js', include: ['test/values.test.ts', 'test/strings.test.ts', 'test/resources.test.ts', 'test/traps.test.ts'], env: { WEFT_JS: '1' } },
      },
    ],
  },
});
