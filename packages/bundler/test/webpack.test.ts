import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import webpack, { type Configuration } from 'webpack';
import WebpackDevServer from 'webpack-dev-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startStaticServer } from '@weft/e2e/browser';
import { auditBuild, auditPage } from '@weft/e2e/page-audit';
// webpack loads the loader from a file: the built one.
import { WeftPlugin } from '../dist/webpack.js';
import { APP_OPTIONS, EXPECTED, writeApp } from './app.js';

const appDir = fileURLToPath(new URL('../.cache/webpack-app', import.meta.url));
const PAGE = '<!doctype html>\n<meta charset="utf-8">\n<title>app</title>\n<pre id="out"></pre>\n<script src="/main.js"></script>\n';
let browser: Browser;

const config = (mode: 'production' | 'development'): Configuration => ({
  mode,
  context: appDir,
  entry: './src/main.js',
  output: { path: join(appDir, 'dist'), clean: true, publicPath: '/' },
  plugins: [new WeftPlugin(APP_OPTIONS)],
  infrastructureLogging: { level: 'warn' },
  stats: 'errors-warnings',
});

async function runPage(url: string): Promise<{ result: unknown; problems: string[]; wasm: string[] }> {
  const page = await browser.newPage();
  const audit = auditPage(page);
  await page.goto(url);
  await page.waitForFunction(() => document.title === 'done', undefined, { timeout: 60_000 });
  const result = JSON.parse((await page.textContent('#out'))!);
  await page.close();
  return { result, problems: audit.problems(), wasm: audit.wasm };
}

beforeAll(async () => {
  await writeApp(appDir);
  mkdirSync(join(appDir, 'public'), { recursive: true });
  writeFileSync(join(appDir, 'public', 'index.html'), PAGE);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('webpack plugin', () => {
  it('production build: components, a core .wasm (async WebAssembly stays on) and a worker run; output is hashed and clean', async () => {
    const stats = await new Promise<webpack.Stats>((resolve, reject) => {
      const compiler = webpack(config('production'));
      compiler.run((err, s) => compiler.close(() => (err ? reject(err) : resolve(s!))));
    });
    expect(stats.toJson({ all: false, errors: true, warnings: true })).toMatchObject({ errors: [], warnings: [] });
    writeFileSync(join(appDir, 'dist', 'index.html'), PAGE);
    const audit = auditBuild(join(appDir, 'dist'), appDir);
    expect(audit.problems).toEqual([]);
    const server = await startStaticServer({ root: join(appDir, 'dist') });
    try {
      const run = await runPage(`${server.origin}/index.html`);
      expect(run.problems).toEqual([]);
      expect(run.result).toEqual(EXPECTED);
      expect(run.wasm.length).toBeGreaterThanOrEqual(4);
    } finally {
      await server.close();
    }
  });

  it('target node: the bundle reads its core modules from disk and runs in Node', async () => {
    const dir = join(appDir, 'node');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'entry.js'),
      [
        "import { configure } from '@weft/wasi-cli';",
        "import { run } from '../src/hello.wasm';",
        'let out = "";',
        'configure({ stdout: (b) => { out += new TextDecoder().decode(b); } });',
        'run.run();',
        'export const result = out;',
        '',
      ].join('\n'),
    );
    const stats = await new Promise<webpack.Stats>((resolve, reject) => {
      const compiler = webpack({
        ...config('production'),
        target: 'node',
        entry: './node/entry.js',
        output: { path: join(dir, 'dist'), filename: 'main.cjs', clean: true, library: { type: 'commonjs2' } },
      });
      compiler.run((err, s) => compiler.close(() => (err ? reject(err) : resolve(s!))));
    });
    expect(stats.toJson({ all: false, errors: true })).toMatchObject({ errors: [] });
    // The entry waits on top-level await: require() gives a promise of its exports.
    const out = execFileSync(
      process.execPath,
      ['-e', `Promise.resolve(require(${JSON.stringify(join(dir, 'dist', 'main.cjs'))})).then((m) => process.stdout.write(m.result))`],
      { encoding: 'utf8' },
    );
    expect(out).toBe('Hello, weft!\n');
  });

  it('webpack-dev-server serves application/wasm and reloads when a component changes', async () => {
    const compiler = webpack(config('development'));
    const server = new WebpackDevServer(
      { host: '127.0.0.1', port: 0, static: join(appDir, 'public'), hot: false, liveReload: true, client: { logging: 'warn', overlay: false } },
      compiler,
    );
    await server.start();
    try {
      const url = `http://127.0.0.1:${(server.server!.address() as AddressInfo).port}/index.html`;
      const run = await runPage(url);
      expect(run.problems).toEqual([]);
      expect(run.result).toEqual(EXPECTED);

      const page = await browser.newPage();
      const audit = auditPage(page);
      await page.goto(url);
      await page.waitForFunction(() => document.title === 'done');
      const reloaded = page.waitForEvent('load', { timeout: 60_000 });
      writeFileSync(join(appDir, 'src', 'hello.wasm'), readFileSync(join(appDir, 'src', 'args.wasm')));
      await reloaded;
      await page.waitForFunction(() => document.title === 'done');
      expect(JSON.parse((await page.textContent('#out'))!).hello).toBe('argc=0\nGREETING=(unset)\n');
      expect(audit.problems()).toEqual([]);
      await page.close();
    } finally {
      await server.stop();
    }
  });

  it("webpack's persistent cache depends on weft's packages, so a weft upgrade invalidates it", () => {
    const compiler = webpack({ ...config('production'), cache: { type: 'filesystem', cacheDirectory: join(appDir, '.webpack-cache') } });
    const cache = compiler.options.cache as { buildDependencies?: Record<string, string[]> };
    const weftDeps = cache.buildDependencies?.weft ?? [];
    expect(weftDeps.map((f) => JSON.parse(readFileSync(f, 'utf8')).name).sort()).toEqual(['@weft/bundler', '@weft/transpiler']);
  });
});
