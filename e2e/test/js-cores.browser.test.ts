/**
 * `--js`: C commands (wasi-libc and the preview1 adapter: four core modules linked
 * through a shared funcref table, a memory the adapter imports, i64 clock values) with
 * every core module converted to JavaScript, run where WebAssembly does not exist:
 * Chromium with `WebAssembly` deleted before any script, and Node the same way. With
 * asyncMode 'asyncify' the converted modules unwind and rewind around a real wait too.
 */
import { relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaticServer, type StaticServer } from '../src/browser.js';
import { launchEngine, type EngineBrowser, type EnginePage } from '../src/engines.js';
import { buildCFixture, CLOCKS_STDOUT } from '../src/fixtures.js';
import { runInNode } from '../src/node-run.js';
import { repoRoot } from '../src/paths.js';
import { transpileForTest } from '../src/transpile-for-test.js';
import { pageErrors, runInPage, WASI_PAGE_PATH, wasiPageFiles } from '../src/wasi-page.js';

const urlOf = (entry: string) => '/' + relative(repoRoot, entry).split('\\').join('/');

const entries: Record<string, string> = {};

beforeAll(async () => {
  for (const name of ['clocks', 'args_env']) {
    entries[name] = (await transpileForTest(await buildCFixture(name), { name: `${name}_js`, engine: 'weft', js: true })).entry;
  }
  entries.clocksAsyncify = (
    await transpileForTest(await buildCFixture('clocks'), { name: 'clocks_js_asyncify', engine: 'weft', js: true, asyncMode: 'asyncify' })
  ).entry;
});

describe('--js in Chromium without WebAssembly', () => {
  let server: StaticServer;
  let browser: EngineBrowser;
  let page: EnginePage;

  beforeAll(async () => {
    server = await startStaticServer({ files: wasiPageFiles() });
    browser = await launchEngine('chromium');
    page = await browser.newPage();
    await page.goto(`${server.origin}${WASI_PAGE_PATH}?nowasm`);
  });

  afterAll(async () => {
    try {
      await page?.close();
      await browser?.close();
    } finally {
      await server?.close();
    }
  });

  it('the page has no WebAssembly', async () => {
    expect(await page.evaluate(() => typeof (globalThis as { WebAssembly?: unknown }).WebAssembly)).toBe('undefined');
  });

  it('runs a command reading the clocks (i64 values) and sleeping', async () => {
    const r = await runInPage(page, urlOf(entries.clocks!));
    expect(r).toMatchObject({ exitCode: 0, stdout: CLOCKS_STDOUT, stderr: '' });
    expect(await pageErrors(page)).toEqual([]);
  });

  it("runs it with asyncMode 'asyncify': the sleep suspends the converted modules", async () => {
    const r = await runInPage(page, urlOf(entries.clocksAsyncify!));
    expect(r).toMatchObject({ exitCode: 0, stdout: CLOCKS_STDOUT, stderr: '' });
    expect(await pageErrors(page)).toEqual([]);
  });

  it('runs a command reading its arguments and environment', async () => {
    const r = await runInPage(page, urlOf(entries.args_env!), { args: ['args_env', 'one', 'two'], env: [['GREETING', 'hi']] });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('argv[2]=two\n');
    expect(r.stdout).toContain('GREETING=hi\n');
  });
});

describe('--js in Node without WebAssembly', () => {
  it('runs a command reading the clocks', async () => {
    const r = await runInNode(entries.clocks!, { shims: 'weft', args: ['clocks'], withoutWebAssembly: true });
    expect(r.stderr.toString()).toBe('');
    expect(r.stdout.toString()).toBe(CLOCKS_STDOUT);
    expect(r.exitCode).toBe(0);
  });
});
