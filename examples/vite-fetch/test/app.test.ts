/**
 * Drives the page in Chromium against `vite` (dev) and `vite preview` of `vite build`. The
 * test owns a JSON API on another loopback port (CORS open) and a second server the page may
 * not reach; nothing goes to the real network.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { build, createServer as createViteServer, preview, type InlineConfig } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, REMOVE_JSPI_SCRIPT } from '@weft/e2e/browser';
import { auditBuild, auditPage } from '@weft/e2e/page-audit';

const root = fileURLToPath(new URL('..', import.meta.url));
const ITEMS = [
  { name: 'kettle', price: 30 },
  { name: 'mug', price: 6.5 },
];

interface Api {
  origin: string;
  log: string[];
  server: Server;
}

/** A JSON API on 127.0.0.1 that logs `METHOD /path from <origin>` for each request. */
async function startApi(): Promise<Api> {
  const log: string[] = [];
  const server = createServer((req, res) => {
    log.push(`${req.method} ${req.url} from ${req.headers.origin ?? '-'}`);
    res.writeHead(req.url === '/items' ? 200 : 404, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
    res.end(req.url === '/items' ? JSON.stringify(ITEMS) : '{}');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, log, server };
}

let browser: Browser;
let api: Api;
let other: Api;

const config = (): InlineConfig => ({
  root,
  configFile: join(root, 'vite.config.js'),
  logLevel: 'warn',
  server: { host: '127.0.0.1', port: 0 },
  preview: { host: '127.0.0.1', port: 0 },
});

async function summarise(page: Page, url: string): Promise<{ text: string; failed: boolean }> {
  const runs = Number((await page.getAttribute('body', 'data-runs')) ?? 0);
  await page.fill('#url', url);
  await page.click('#form button');
  await page.waitForSelector(`body[data-runs="${runs + 1}"]`);
  return { text: (await page.textContent('#result'))!, failed: (await page.getAttribute('#result', 'class')) === 'failed' };
}

async function checkApp(origin: string, screenshot: string): Promise<void> {
  const page = await browser.newPage();
  const audit = auditPage(page, [`${api.origin}/missing`]);
  await page.goto(`${origin}/?api=${encodeURIComponent(`${api.origin}/items`)}`);
  await page.waitForSelector('body[data-ready="true"]');
  api.log.length = 0;
  expect(await summarise(page, `${api.origin}/items`)).toEqual({ text: '2 items, total 36.50, dearest: kettle (30.00)', failed: false });
  expect(api.log).toEqual([`GET /items from ${origin}`]);
  // The page's own origin is allowed too: the sample list it serves.
  expect(await summarise(page, `${origin}/items.json`)).toEqual({ text: '3 items, total 49.75, dearest: teapot (24.50)', failed: false });
  expect(await summarise(page, `${api.origin}/missing`)).toEqual({ text: 'fetch failed: HTTP 404', failed: true });
  // An origin outside allowedOrigins: refused in the page, never sent.
  const refused = await summarise(page, `${other.origin}/items`);
  expect(refused.failed).toBe(true);
  // The guest's runtime words every host error alike; the silent server proves who refused.
  expect(refused.text).toMatch(/^fetch failed: .+/);
  expect(other.log).toEqual([]);
  mkdirSync(join(root, 'test-results'), { recursive: true });
  await summarise(page, `${api.origin}/items`);
  await page.screenshot({ path: join(root, 'test-results', screenshot), fullPage: true });
  expect(audit.wasm.length).toBeGreaterThan(0);
  expect(audit.problems()).toEqual([]);
  await page.close();
}

beforeAll(async () => {
  browser = await launchChromium();
  api = await startApi();
  other = await startApi();
});

afterAll(async () => {
  await browser?.close();
  for (const s of [api, other]) await new Promise((ok) => s?.server.close(ok));
});

describe('vite-fetch', () => {
  it('vite build + preview: the component fetches from the API and refuses other origins', async () => {
    await build({ ...config(), build: { emptyOutDir: true } });
    const audit = auditBuild(join(root, 'dist'), root);
    expect(audit.problems).toEqual([]);
    const server = await preview(config());
    try {
      const origin = server.resolvedUrls!.local[0]!.replace(/\/$/, '');
      await checkApp(origin, 'preview.png');
      // Without JSPI the page says what it needs instead of failing.
      const page = await browser.newPage();
      const pageAudit = auditPage(page);
      await page.addInitScript(REMOVE_JSPI_SCRIPT);
      await page.goto(`${origin}/`);
      await page.waitForSelector('body[data-ready="true"]');
      expect(await page.textContent('#result')).toMatch(/^This page needs JavaScript Promise Integration/);
      expect(pageAudit.problems()).toEqual([]);
      await page.close();
    } finally {
      await server.close();
    }
  });

  it('vite dev: the same', async () => {
    const server = await createViteServer(config());
    await server.listen();
    try {
      await checkApp(server.resolvedUrls!.local[0]!.replace(/\/$/, ''), 'dev.png');
    } finally {
      await server.close();
    }
  });
});
