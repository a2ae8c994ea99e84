import { relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowserSession, type BrowserSession } from '../src/browser.js';
import { buildCFixture } from '../src/fixtures.js';
import { repoRoot } from '../src/paths.js';
import { transpileForTest } from '../src/transpile-for-test.js';
import { runInPage, wasiPageHtml, WASI_PAGE_PATH } from '../src/wasi-page.js';

// A C program sleeping 1.5 s: longer than a page's main thread may spin in sync mode.
const urlOf = (entry: string) => '/' + relative(repoRoot, entry).split('\\').join('/');
let sync: string;
let jspi: string;
let session: BrowserSession;

beforeAll(async () => {
  const component = await buildCFixture('long_sleep');
  sync = urlOf((await transpileForTest(component, { name: 'long_sleep', engine: 'weft' })).entry);
  jspi = urlOf((await transpileForTest(component, { name: 'long_sleep_jspi', engine: 'weft', asyncMode: 'jspi' })).entry);
  session = await openBrowserSession({ files: { [WASI_PAGE_PATH]: wasiPageHtml() }, path: WASI_PAGE_PATH });
});

afterAll(async () => {
  await session?.close();
});

describe("asyncMode 'jspi' in Chromium", () => {
  it('in sync mode the long sleep cannot happen on the main thread and says which mode to use', async () => {
    const r = await runInPage(session.page, sync);
    expect(r.exitCode).toBeNull();
    expect(r.error).toMatch(/cannot block synchronously.*jspi/);
  });

  it('under jspi the guest suspends for the sleep and the page keeps running meanwhile', async () => {
    await session.page.evaluate(() => {
      const w = window as unknown as { ticks: number };
      w.ticks = 0;
      setInterval(() => { w.ticks++; }, 50);
    });
    const r = await runInPage(session.page, jspi);
    expect(r).toMatchObject({ exitCode: 0, stdout: 'slept 1.5 s\n', stderr: '' });
    // Timers ran while the guest slept: the thread was free, not spinning.
    expect(await session.page.evaluate(() => (window as unknown as { ticks: number }).ticks)).toBeGreaterThan(0);
  });

  it('left no uncaught errors in the page', () => {
    expect(session.pageErrors).toEqual([]);
  });
});
