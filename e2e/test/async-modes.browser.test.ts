/**
 * A C program sleeping 1.5 s: longer than a page's main thread may spin. Sync mode must
 * refuse there and name the modes that can wait; every async variant the engine supports
 * must suspend the guest and leave the page's event loop running meanwhile, and one it
 * lacks (JSPI in WebKit) must say what is missing. In a dedicated worker sync mode waits
 * with Atomics.wait, which needs SharedArrayBuffer, so cross-origin isolation, and an
 * engine that offers it there.
 */
import { relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_ASYNC_VARIANTS, variantMode, variantWithoutJspi, type BrowserAsyncVariant } from '../src/async-modes.js';
import { startStaticServer, type StaticServer } from '../src/browser.js';
import { asyncVariants, HAS_JSPI, SAB_IN_ISOLATED_WORKER } from '../src/engine-matrix.js';
import { ENGINES, launchEngine, type EngineBrowser, type EnginePage } from '../src/engines.js';
import { buildCFixture } from '../src/fixtures.js';
import { repoRoot } from '../src/paths.js';
import { transpileForTest } from '../src/transpile-for-test.js';
import { pageErrors, runInPage, runInWorker, wasiPageFiles, WASI_PAGE_PATH } from '../src/wasi-page.js';

const urlOf = (entry: string) => '/' + relative(repoRoot, entry).split('\\').join('/');
const COI_HEADERS = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

/** What every WouldBlockError in a browser says about waiting in a worker. */
const WORKER_ADVICE =
  'a dedicated worker can wait with Atomics.wait only given SharedArrayBuffer, which browsers grant only to cross-origin isolated ' +
  'pages and their workers (served with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp); ' +
  'Chromium and Firefox grant it there, WebKitGTK does not even then';

let component: Uint8Array;
let syncEntry: string;
const entries = new Map<BrowserAsyncVariant, string>();
let server: StaticServer;
let isolated: StaticServer;

beforeAll(async () => {
  component = await buildCFixture('long_sleep');
  syncEntry = urlOf((await transpileForTest(component, { name: 'long_sleep' })).entry);
  for (const variant of BROWSER_ASYNC_VARIANTS) {
    const name = `long_sleep_${variant.replace(/-/g, '_')}`;
    entries.set(variant, urlOf((await transpileForTest(component, { name, asyncMode: variantMode(variant) })).entry));
  }
  server = await startStaticServer({ files: wasiPageFiles(), resolveBareImports: true });
  isolated = await startStaticServer({ files: wasiPageFiles(), resolveBareImports: true, headers: COI_HEADERS });
});

afterAll(async () => {
  await server?.close();
  await isolated?.close();
});

describe.each(ENGINES)('long sleep in %s', (engine) => {
  let browser: EngineBrowser;
  const errors: string[] = [];

  beforeAll(async () => {
    browser = await launchEngine(engine);
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** A fresh page at `server`, closed after `fn` whatever happens. */
  async function withPage<T>(on: StaticServer, fn: (page: EnginePage) => Promise<T>, withoutJspi = false): Promise<T> {
    const page = await browser.newPage();
    try {
      await page.goto(`${on.origin}${WASI_PAGE_PATH}${withoutJspi ? '?nojspi' : ''}`);
      const result = await fn(page);
      errors.push(...(await pageErrors(page)));
      return result;
    } finally {
      await page.close();
    }
  }

  it("asyncMode 'sync' cannot sleep long on the main thread and says which modes can", async () => {
    const r = await withPage(server, (page) => runInPage(page, syncEntry));
    expect(r.exitCode).toBeNull();
    expect(r.error).toMatch(/^WouldBlockError: .*cannot block synchronously \(a page's main thread may not Atomics\.wait\).*asyncMode: "jspi" or "asyncify"/);
    expect(r.error).toContain(WORKER_ADVICE);
  });

  for (const variant of asyncVariants(engine)) {
    if (variant === 'jspi' && !HAS_JSPI[engine]) {
      it('jspi: an engine without JSPI refuses the component and names what it lacks', async () => {
        const r = await withPage(server, async (page) => {
          expect(await page.evaluate(() => typeof (WebAssembly as { Suspending?: unknown }).Suspending)).toBe('undefined');
          return runInPage(page, entries.get(variant)!);
        });
        expect(r).toMatchObject({ exitCode: null, stdout: '', stderr: '' });
        expect(r.error).toMatch(/asyncMode 'jspi', which needs WebAssembly\.Suspending and WebAssembly\.promising/);
      });
      continue;
    }
    it(`${variant}: the guest suspends for the sleep and the page keeps running meanwhile`, async () => {
      const { r, ticks, hasJspi } = await withPage(
        server,
        async (page) => {
          const hasJspi = await page.evaluate(() => 'Suspending' in WebAssembly && 'promising' in WebAssembly);
          await page.evaluate(() => {
            const w = window as unknown as { ticks: number };
            w.ticks = 0;
            setInterval(() => {
              w.ticks++;
            }, 50);
          });
          const r = await runInPage(page, entries.get(variant)!);
          return { r, hasJspi, ticks: await page.evaluate(() => (window as unknown as { ticks: number }).ticks) };
        },
        variantWithoutJspi(variant),
      );
      expect(hasJspi).toBe(HAS_JSPI[engine] && !variantWithoutJspi(variant));
      expect(r).toMatchObject({ exitCode: 0, stdout: 'slept 1.5 s\n', stderr: '' });
      // Timers ran while the guest slept: the thread was free, not spinning.
      expect(ticks).toBeGreaterThan(0);
    });
  }

  it(
    SAB_IN_ISOLATED_WORKER[engine]
      ? "asyncMode 'sync' sleeps with Atomics.wait in a cross-origin isolated worker"
      : "asyncMode 'sync' cannot sleep in a cross-origin isolated worker: no SharedArrayBuffer, and the error says so",
    async () => {
      const { r, env } = await withPage(isolated, async (page) => ({
        env: await page.evaluate(() => ({ isolated: crossOriginIsolated, sab: typeof SharedArrayBuffer })),
        r: await runInWorker(page, syncEntry),
      }));
      expect(env.isolated).toBe(true);
      if (SAB_IN_ISOLATED_WORKER[engine]) {
        expect(r).toMatchObject({ exitCode: 0, stdout: 'slept 1.5 s\n', stderr: '' });
        expect(r.error).toBeUndefined();
      } else {
        expect(env.sab).toBe('undefined');
        expect(r.exitCode).toBeNull();
        expect(r.error).toMatch(
          /^WouldBlockError: .*cannot block synchronously \(this engine gives no SharedArrayBuffer even to a cross-origin isolated context\)/,
        );
        expect(r.error).toContain(WORKER_ADVICE);
      }
    },
  );

  it("asyncMode 'sync' cannot sleep in a worker without cross-origin isolation, and says so", async () => {
    const r = await withPage(server, (page) => runInWorker(page, syncEntry));
    expect(r.exitCode).toBeNull();
    expect(r.error).toMatch(/^WouldBlockError: .*cannot block synchronously \(there is no SharedArrayBuffer here: the page is not cross-origin isolated\)/);
    expect(r.error).toContain(WORKER_ADVICE);
  });

  it("asyncify: the worker's guest suspends for the sleep in every engine", async () => {
    const r = await withPage(server, (page) => runInWorker(page, entries.get('asyncify')!));
    expect(r).toMatchObject({ exitCode: 0, stdout: 'slept 1.5 s\n', stderr: '' });
  });

  it('left no uncaught errors in the pages', () => {
    expect(errors).toEqual([]);
  });
});
