/**
 * A componentize-js guest whose fetch() goes through wasi:http, run with @weft/wasi-http
 * against a local server on another port (so every request is cross-origin and CORS
 * applies): in Chromium under every browser async variant, in Firefox and WebKitGTK under
 * asyncify (the mode every engine runs).
 */
import { relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { variantMode, variantWithoutJspi } from '../src/async-modes.js';
import { suiteVariants } from '../src/engine-matrix.js';
import { startStaticServer, type StaticServer } from '../src/browser.js';
import { ENGINES, launchEngine, type EngineBrowser, type EnginePage } from '../src/engines.js';
import { callGuestInPage, HTTP_PAGE_PATH, httpPageHtml } from '../src/http-page.js';
import { startTestHttpServer, unusedPort, type TestHttpServer } from '../src/http-server.js';
import { buildJsFixture, HTTP_GUEST } from '../src/js-fixtures.js';
import { repoRoot } from '../src/paths.js';
import { transpileForTest } from '../src/transpile-for-test.js';
import { pageErrors } from '../src/wasi-page.js';
import { HTTP_CASES, type HttpCaseContext } from './http-cases.js';

const urlOf = (entry: string) => '/' + relative(repoRoot, entry).split('\\').join('/');

let component: Uint8Array;
let server: TestHttpServer;
let pages: StaticServer;
let deadOrigin: string;

beforeAll(async () => {
  [component, server, pages, deadOrigin] = await Promise.all([
    buildJsFixture(HTTP_GUEST.name, HTTP_GUEST),
    startTestHttpServer(),
    startStaticServer({ files: { [HTTP_PAGE_PATH]: httpPageHtml() } }),
    unusedPort().then((p) => `http://127.0.0.1:${p}`),
  ]);
});

afterAll(async () => {
  await pages?.close();
  await server?.close();
});

describe.each(ENGINES)('JS guest fetch() over wasi:http in %s', (engine) => {
  let browser: EngineBrowser;

  beforeAll(async () => {
    browser = await launchEngine(engine);
  });

  afterAll(async () => {
    await browser?.close();
  });

  describe.each(suiteVariants('http', engine))('%s', (variant) => {
    let page: EnginePage;
    let entry: string;
    let ctx: HttpCaseContext;

    // A cold asyncify rewrite of the JS engine takes minutes (then ~/.cache/weft has it).
    beforeAll(async () => {
      const out = await transpileForTest(component, { name: `http_guest_${variant.replace(/-/g, '_')}`, asyncMode: variantMode(variant) });
      entry = urlOf(out.entry);
      page = await browser.newPage();
      await page.goto(`${pages.origin}${HTTP_PAGE_PATH}${variantWithoutJspi(variant) ? '?nojspi' : ''}`);
      ctx = { origin: server.origin, deadOrigin, serverLog: server.log, host: 'browser' };
    }, 40 * 60_000);

    afterAll(async () => {
      await page?.close();
    });

    for (const c of HTTP_CASES) {
      it(c.name, async () => {
        const r = await callGuestInPage(page, entry, c.fn, c.args(ctx));
        if (!r.ok) throw new Error(`${c.fn} failed in the page: ${r.name}: ${r.error}${r.stderr ? `\nguest stderr:\n${r.stderr}` : ''}`);
        c.check(r.value, ctx);
      });
    }

    it('left no uncaught errors in the page', async () => {
      expect(await pageErrors(page)).toEqual([]);
    });
  });
});
