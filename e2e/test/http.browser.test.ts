/**
 * A componentize-js guest whose fetch() goes through wasi:http, run in Chromium with
 * @weft/wasi-http under every browser async variant, against a local server on another
 * port (so every request is cross-origin and CORS applies).
 */
import { relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_ASYNC_VARIANTS, variantMode, variantWithoutJspi } from '../src/async-modes.js';
import { launchChromium, openBrowserSession, type BrowserSession } from '../src/browser.js';
import { callGuestInPage, HTTP_PAGE_PATH, httpPageHtml } from '../src/http-page.js';
import { startTestHttpServer, unusedPort, type TestHttpServer } from '../src/http-server.js';
import { buildJsFixture, HTTP_GUEST } from '../src/js-fixtures.js';
import { repoRoot } from '../src/paths.js';
import { transpileForTest } from '../src/transpile-for-test.js';
import { HTTP_CASES, type HttpCaseContext } from './http-cases.js';

const urlOf = (entry: string) => '/' + relative(repoRoot, entry).split('\\').join('/');

let component: Uint8Array;
let server: TestHttpServer;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let deadOrigin: string;

beforeAll(async () => {
  [component, server, browser, deadOrigin] = await Promise.all([
    buildJsFixture(HTTP_GUEST.name, HTTP_GUEST),
    startTestHttpServer(),
    launchChromium(),
    unusedPort().then((p) => `http://127.0.0.1:${p}`),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe.each(BROWSER_ASYNC_VARIANTS)('JS guest fetch() over wasi:http in Chromium (%s)', (variant) => {
  let session: BrowserSession;
  let entry: string;
  let ctx: HttpCaseContext;

  beforeAll(async () => {
    const out = await transpileForTest(component, { name: `http_guest_${variant.replace(/-/g, '_')}`, asyncMode: variantMode(variant) });
    entry = urlOf(out.entry);
    session = await openBrowserSession({
      browser,
      files: { [HTTP_PAGE_PATH]: httpPageHtml() },
      path: HTTP_PAGE_PATH,
      withoutJspi: variantWithoutJspi(variant),
    });
    ctx = { origin: server.origin, deadOrigin, serverLog: server.log, host: 'browser' };
  });

  afterAll(async () => {
    await session?.close();
  });

  for (const c of HTTP_CASES) {
    it(c.name, async () => {
      const r = await callGuestInPage(session.page, entry, c.fn, c.args(ctx));
      if (!r.ok) throw new Error(`${c.fn} failed in the page: ${r.name}: ${r.error}${r.stderr ? `\nguest stderr:\n${r.stderr}` : ''}`);
      c.check(r.value, ctx);
    });
  }

  it('left no uncaught errors in the page', () => {
    expect(session.pageErrors).toEqual([]);
  });
});
