/**
 * The page in Chromium, served from 127.0.0.1 by a static server this test starts: its
 * Service Worker answers /api/* with the component, and the page checks what came back.
 * With WEFT_SCREENSHOT set, the finished page is saved as screenshot.png.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium, startStaticServer, type StaticServer } from '@weft/e2e/browser';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Results {
  hello: { status: number; text: string };
  countdown: { status: number; chunks: string[] };
  echo: { status: number; sent: number; received: number; identical: boolean };
}

let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startStaticServer({ root: join(root, 'public') }), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it("answers the page's /api/* from the component in its Service Worker", async () => {
  const page = await browser.newPage({ viewport: { width: 900, height: 620 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const served: string[] = [];
  page.on('response', (r) => served.push(`${new URL(r.url()).pathname} ${r.fromServiceWorker() ? 'from the Service Worker' : 'from the network'}`));
  await page.goto(`${server.origin}/index.html`);
  await page.waitForFunction('window.apiResults !== undefined');
  const results = (await page.evaluate('window.apiResults')) as Results;

  expect(results.hello).toEqual({ status: 200, text: 'hello from a wasm component, answering GET /api/hello\n' });
  expect(results.countdown.status).toBe(200);
  expect(results.countdown.chunks.join('')).toBe('3…\n2…\n1…\nliftoff\n');
  // 250 ms between lines: a response buffered whole would come as one chunk.
  expect(results.countdown.chunks.length).toBeGreaterThan(1);
  expect(results.echo).toEqual({ status: 200, sent: 1 << 20, received: 1 << 20, identical: true });
  expect(served).toEqual(
    expect.arrayContaining(['/api/hello from the Service Worker', '/api/countdown from the Service Worker', '/api/echo from the Service Worker']),
  );
  expect(errors).toEqual([]);
  // The API is no server's: the static server has no /api/ and answers 404.
  expect((await fetch(`${server.origin}/api/hello`)).status).toBe(404);

  if (process.env.WEFT_SCREENSHOT) await page.screenshot({ path: join(root, 'screenshot.png') });
});
