/**
 * A C program sleeping 1.5 s: longer than a page's main thread may spin. Sync mode must
 * refuse and name the modes that can wait; every async variant must suspend the guest and
 * leave the page's event loop running meanwhile.
 */
import { relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_ASYNC_VARIANTS, variantMode, variantWithoutJspi } from '../src/async-modes.js';
import { launchChromium, openBrowserSession, type BrowserSession } from '../src/browser.js';
import { buildCFixture } from '../src/fixtures.js';
import { repoRoot } from '../src/paths.js';
import { transpileForTest } from '../src/transpile-for-test.js';
import { runInPage, wasiPageHtml, WASI_PAGE_PATH } from '../src/wasi-page.js';

const urlOf = (entry: string) => '/' + relative(repoRoot, entry).split('\\').join('/');
let component: Uint8Array;
let browser: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  [component, browser] = await Promise.all([buildCFixture('long_sleep'), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
});

async function session(withoutJspi = false): Promise<BrowserSession> {
  return openBrowserSession({ browser, files: { [WASI_PAGE_PATH]: wasiPageHtml() }, path: WASI_PAGE_PATH, withoutJspi });
}

describe("asyncMode 'sync' in Chromium", () => {
  it('cannot sleep long on the main thread and says which modes can', async () => {
    const entry = urlOf((await transpileForTest(component, { name: 'long_sleep' })).entry);
    const s = await session();
    try {
      const r = await runInPage(s.page, entry);
      expect(r.exitCode).toBeNull();
      expect(r.error).toMatch(/cannot block synchronously.*asyncMode: "jspi" or "asyncify"/);
      expect(s.pageErrors).toEqual([]);
    } finally {
      await s.close();
    }
  });
});

describe.each(BROWSER_ASYNC_VARIANTS)('long sleep in Chromium (%s)', (variant) => {
  let s: BrowserSession;
  let entry: string;

  beforeAll(async () => {
    const name = `long_sleep_${variant.replace(/-/g, '_')}`;
    entry = urlOf((await transpileForTest(component, { name, asyncMode: variantMode(variant) })).entry);
    s = await session(variantWithoutJspi(variant));
  });

  afterAll(async () => {
    await s?.close();
  });

  if (variantWithoutJspi(variant)) {
    it('the page really has no JSPI', async () => {
      expect(await s.page.evaluate(() => 'Suspending' in WebAssembly || 'promising' in WebAssembly)).toBe(false);
    });
  }

  it('the guest suspends for the sleep and the page keeps running meanwhile', async () => {
    await s.page.evaluate(() => {
      const w = window as unknown as { ticks: number };
      w.ticks = 0;
      setInterval(() => { w.ticks++; }, 50);
    });
    const r = await runInPage(s.page, entry);
    expect(r).toMatchObject({ exitCode: 0, stdout: 'slept 1.5 s\n', stderr: '' });
    // Timers ran while the guest slept: the thread was free, not spinning.
    expect(await s.page.evaluate(() => (window as unknown as { ticks: number }).ticks)).toBeGreaterThan(0);
  });

  it('left no uncaught errors in the page', () => {
    expect(s.pageErrors).toEqual([]);
  });
});
