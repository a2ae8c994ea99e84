import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { build, createServer, preview, type InlineConfig } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '@weft/e2e/browser';
import { auditBuild, auditPage } from '@weft/e2e/page-audit';
import weft, { targetsWithoutTopLevelAwait } from '../src/vite.js';
import { APP_OPTIONS, EXPECTED, writeApp } from './app.js';

const appDir = fileURLToPath(new URL('../.cache/vite-app', import.meta.url));
let browser: Browser;

const config = (): InlineConfig => ({
  root: appDir,
  logLevel: 'warn',
  configFile: false,
  plugins: [weft({ ...APP_OPTIONS, crossOriginIsolation: true })],
  worker: { format: 'es', plugins: () => [weft(APP_OPTIONS)] },
  server: { host: '127.0.0.1', port: 0 },
  preview: { host: '127.0.0.1', port: 0 },
});

async function runPage(url: string): Promise<{ result: unknown; problems: string[]; wasm: string[]; isolated: boolean }> {
  const page = await browser.newPage();
  const audit = auditPage(page);
  await page.goto(url);
  await page.waitForFunction(() => document.title === 'done' || document.title === 'failed', undefined, { timeout: 60_000 }).catch(() => {});
  const result = JSON.parse((await page.textContent('#out')) || 'null');
  const isolated = await page.evaluate(() => crossOriginIsolated);
  await page.close();
  return { result, problems: audit.problems(), wasm: audit.wasm, isolated };
}

beforeAll(async () => {
  await writeApp(appDir);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('Vite plugin', () => {
  it('vite build: hashed core wasm, no node: or build paths; the preview runs eager, lazy, core wasm and worker imports', async () => {
    await build({ ...config(), build: { outDir: 'dist', emptyOutDir: true } });
    const audit = auditBuild(join(appDir, 'dist'), appDir);
    expect(audit.problems).toEqual([]);
    expect(audit.wasm.some((f) => /hello\.core-[\w-]+\.wasm$/.test(f))).toBe(true);
    const server = await preview(config());
    try {
      const run = await runPage(server.resolvedUrls!.local[0]!);
      expect(run.problems).toEqual([]);
      expect(run.result).toEqual(EXPECTED);
      expect(run.wasm.length).toBeGreaterThan(0);
      expect(run.isolated).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('vite dev: serves the cached core modules as application/wasm and reloads when a component changes', async () => {
    const server = await createServer(config());
    await server.listen();
    try {
      const url = server.resolvedUrls!.local[0]!;
      const run = await runPage(url);
      expect(run.problems).toEqual([]);
      expect(run.result).toEqual(EXPECTED);
      expect(run.wasm.some((u) => u.includes('/node_modules/.cache/weft/'))).toBe(true);

      const page = await browser.newPage();
      const audit = auditPage(page);
      await page.goto(url);
      await page.waitForFunction(() => document.title === 'done');
      // Swap the eager component for another program: the page must reload and show its output.
      const reloaded = page.waitForEvent('load');
      writeFileSync(join(appDir, 'src', 'hello.wasm'), readFileSync(join(appDir, 'src', 'args.wasm')));
      await reloaded;
      await page.waitForFunction(() => document.title === 'done');
      const after = JSON.parse((await page.textContent('#out'))!);
      expect(after.hello).toBe('argc=0\nGREETING=(unset)\n');
      expect(audit.problems()).toEqual([]);
      await page.close();
    } finally {
      await server.close();
    }
  });

  it('Vite 7: build and preview run the app', async () => {
    const vite7 = (await import('vite7')) as unknown as typeof import('vite');
    const root = fileURLToPath(new URL('../.cache/vite7-app', import.meta.url));
    await writeApp(root, { coreWasm: false });
    const options = { ...config(), root, plugins: [weft(APP_OPTIONS)], worker: { format: 'es' as const, plugins: () => [weft(APP_OPTIONS)] } };
    await vite7.build({ ...options, build: { outDir: 'dist', emptyOutDir: true } });
    expect(auditBuild(join(root, 'dist'), root).problems).toEqual([]);
    const server = await vite7.preview(options);
    try {
      const run = await runPage(server.resolvedUrls!.local[0]!);
      expect(run.problems).toEqual([]);
      const { add: _, ...withoutCore } = EXPECTED;
      expect(run.result).toEqual(withoutCore);
    } finally {
      await server.close();
    }
  });

  it('SSR in the dev server gets Node glue that reads the core modules from disk', async () => {
    const server = await createServer({ ...config(), server: { middlewareMode: true, hmr: false } });
    try {
      const { configure } = await server.ssrLoadModule('@weft/wasi-cli');
      let out = '';
      configure({
        stdout: (b: Uint8Array) => {
          out += new TextDecoder().decode(b);
        },
        args: ['ssr'],
      });
      const { instantiate } = await server.ssrLoadModule('/src/args.wasm');
      (await instantiate()).run.run();
      expect(out).toBe('argc=1\nargv[0]=ssr\nGREETING=(unset)\n');
    } finally {
      await server.close();
    }
  });

  it('an eager component in an iife worker is an error naming the fix', async () => {
    const root = join(appDir, 'iife');
    mkdirSync(root, { recursive: true });
    copyFileSync(join(appDir, 'src', 'args.wasm'), join(root, 'app.wasm'));
    writeFileSync(join(root, 'index.html'), '<script type="module">new Worker(new URL("./worker.js", import.meta.url));</script>');
    writeFileSync(join(root, 'worker.js'), "import { run } from './app.wasm';\nrun.run();\n");
    await expect(build({ ...config(), root, worker: { plugins: () => [weft()] }, build: { write: false } })).rejects.toThrow(
      /app\.wasm is imported in a worker built as 'iife', which cannot hold top-level await: set worker: \{ format: 'es', plugins: \(\) => \[weft\(\)\] \}/,
    );
  });

  it('an eager component under a build target without top-level await is an error naming the fix', async () => {
    const root = join(appDir, 'old-target');
    mkdirSync(root, { recursive: true });
    copyFileSync(join(appDir, 'src', 'args.wasm'), join(root, 'app.wasm'));
    writeFileSync(join(root, 'index.html'), '<script type="module">import { run } from \'./app.wasm\'; run.run();</script>');
    await expect(build({ ...config(), root, build: { write: false, target: ['es2020', 'chrome100'] } })).rejects.toThrow(
      /app\.wasm is imported eagerly, which needs top-level await, but build\.target includes es2020, which lacks it: raise build\.target/,
    );
    expect(targetsWithoutTopLevelAwait(['chrome88', 'chrome89', 'safari14.1', 'safari16', 'esnext', 'es2022', 'node14.7'])).toEqual([
      'chrome88',
      'safari14.1',
      'node14.7',
    ]);
  });

  it('writes precise types beside each component it loads', () => {
    expect(readFileSync(join(appDir, 'src', 'hello.d.wasm.ts'), 'utf8')).toMatch(/export declare const run: Exports\["run"\];/);
    expect(readFileSync(join(appDir, 'src', 'args.d.wasm.ts'), 'utf8')).toMatch(
      /export declare function instantiate\(overrides\?: Record<string, unknown>\): Promise<Exports>;/,
    );
  });
});
