/**
 * Drives the notes app in Chromium, built by webpack and under webpack-dev-server: notes added
 * and deleted survive a reload and a browser restart on the same profile, and are really files
 * in OPFS. The servers listen on fixed ports: OPFS belongs to the origin.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import webpack, { type Configuration } from 'webpack';
import WebpackDevServer from 'webpack-dev-server';
import { afterAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH, REMOVE_JSPI_SCRIPT, startStaticServer } from '@weft/e2e/browser';
import { auditBuild, auditPage, type PageAudit } from '@weft/e2e/page-audit';
import config from '../webpack.config.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const artefacts = join(root, 'test-results');
const profiles: string[] = [];

afterAll(() => {
  for (const p of profiles) rmSync(p, { recursive: true, force: true });
});

async function launch(profile: string, withoutJspi = false): Promise<{ context: BrowserContext; page: Page; audit: PageAudit }> {
  const { chromium } = await import('playwright-core');
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  const page = context.pages()[0] ?? (await context.newPage());
  if (withoutJspi) await page.addInitScript(REMOVE_JSPI_SCRIPT);
  return { context, page, audit: auditPage(page) };
}

async function settled(page: Page, actions: number): Promise<void> {
  await page.waitForSelector(`body[data-actions="${actions}"]`);
  expect(await page.textContent('#error')).toBe('');
}

const shown = (page: Page) => page.$$eval('#notes li .text', (els) => els.map((e) => e.textContent));

/** What OPFS itself holds under notes/, read without the app. */
const opfsNotes = (page: Page) =>
  page.evaluate(async () => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('notes');
    const out: Record<string, string> = {};
    for await (const [name, handle] of dir as unknown as AsyncIterable<[string, FileSystemFileHandle]>) out[name] = await (await handle.getFile()).text();
    return out;
  });

async function addAndDelete(page: Page): Promise<void> {
  await settled(page, 1);
  expect(await shown(page)).toEqual([]);
  expect(await page.textContent('#summary')).toBe('0 notes, 0 words');
  await page.fill('#text', 'buy milk');
  await page.click('#add button');
  await settled(page, 2);
  await page.fill('#text', 'call the bakery tomorrow');
  await page.click('#add button');
  await settled(page, 3);
  expect(await shown(page)).toEqual(['buy milk', 'call the bakery tomorrow']);
  await page.click('#notes li[data-id="1"] button');
  await settled(page, 4);
  expect(await shown(page)).toEqual(['call the bakery tomorrow']);
}

async function persisted(page: Page): Promise<void> {
  await settled(page, 1);
  expect(await shown(page)).toEqual(['call the bakery tomorrow']);
  expect(await page.textContent('#summary')).toBe('1 note, 4 words');
  expect(await opfsNotes(page)).toEqual({ '2.txt': 'call the bakery tomorrow' });
}

const newProfile = () => {
  const p = mkdtempSync(join(tmpdir(), 'weft-notes-'));
  profiles.push(p);
  return p;
};

describe('webpack-opfs-notes', () => {
  it('production build: notes survive a reload and a browser restart, without JSPI too', async () => {
    const stats = await new Promise<webpack.Stats>((resolve, reject) => {
      const compiler = webpack({ ...(config as Configuration), mode: 'production', infrastructureLogging: { level: 'warn' } });
      compiler.run((err, s) => compiler.close(() => (err ? reject(err) : resolve(s!))));
    });
    expect(stats.toJson({ all: false, errors: true, warnings: true })).toMatchObject({ errors: [], warnings: [] });
    const build = auditBuild(join(root, 'dist'), root);
    expect(build.problems).toEqual([]);
    expect(build.wasm.length).toBe(5);

    const server = await startStaticServer({ root: join(root, 'dist'), port: 4190 });
    const profile = newProfile();
    try {
      const first = await launch(profile);
      await first.page.goto(`${server.origin}/index.html`);
      await addAndDelete(first.page);
      await first.page.reload();
      await persisted(first.page);
      mkdirSync(artefacts, { recursive: true });
      await first.page.screenshot({ path: join(artefacts, 'notes.png'), fullPage: true });
      expect(first.audit.wasm.length).toBeGreaterThan(0);
      expect(first.audit.problems()).toEqual([]);
      await first.context.close();

      const second = await launch(profile, true);
      await second.page.goto(`${server.origin}/index.html`);
      await persisted(second.page);
      expect(await second.page.evaluate(() => 'Suspending' in WebAssembly)).toBe(false);
      expect(second.audit.problems()).toEqual([]);
      await second.context.close();
    } finally {
      await server.close();
    }
  });

  it('webpack-dev-server: serves the wasm as application/wasm; notes persist across reloads', async () => {
    const compiler = webpack({ ...(config as Configuration), mode: 'development', stats: 'errors-warnings', infrastructureLogging: { level: 'warn' } });
    const server = new WebpackDevServer({ ...(config as Configuration).devServer, port: 4191, client: { logging: 'warn', overlay: false } }, compiler);
    await server.start();
    const { context, page, audit } = await launch(newProfile());
    try {
      await page.goto('http://127.0.0.1:4191/');
      await addAndDelete(page);
      await page.reload();
      await persisted(page);
      expect(audit.wasm.length).toBeGreaterThan(0);
      expect(audit.problems()).toEqual([]);
    } finally {
      await context.close();
      await server.stop();
    }
  });
});
