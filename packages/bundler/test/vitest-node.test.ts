import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configure, resetConfig } from '@weft/wasi-cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCFixture } from '@weft/e2e/fixtures';

// This package's vitest.config.ts has the plugin: Vitest's server-side transform gets Node glue.
const dir = fileURLToPath(new URL('../.cache/vitest', import.meta.url));

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'hello.wasm'), await buildCFixture('hello'));
  writeFileSync(join(dir, 'args.wasm'), await buildCFixture('args_env'));
});

afterAll(() => resetConfig());

describe('components imported in Vitest (Node)', () => {
  it("an eager import runs, with the app sharing the glue's @weft/wasi-cli", async () => {
    let out = '';
    configure({
      stdout: (b: Uint8Array) => {
        out += new TextDecoder().decode(b);
      },
    });
    const { run } = await import(/* @vite-ignore */ join(dir, 'hello.wasm'));
    run.run();
    expect(out).toBe('Hello, weft!\n');
  });

  it('?instantiate gives a fresh instance per call, with overrides', async () => {
    const { instantiate } = await import(/* @vite-ignore */ `${join(dir, 'args.wasm')}?instantiate`);
    let out = '';
    configure({
      stdout: (b: Uint8Array) => {
        out += new TextDecoder().decode(b);
      },
      args: ['x', 'y'],
    });
    (await instantiate()).run.run();
    expect(out).toBe('argc=2\nargv[0]=x\nargv[1]=y\nGREETING=(unset)\n');
    out = '';
    const env = { getEnvironment: () => [['GREETING', 'hi']], getArguments: () => ['z'], initialCwd: () => undefined };
    (await instantiate({ 'wasi:cli/environment': env })).run.run();
    expect(out).toBe('argc=1\nargv[0]=z\nenv GREETING=hi\nGREETING=hi\n');
  });
});
