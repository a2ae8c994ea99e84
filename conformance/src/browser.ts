/**
 * Chromium mode: each .wast file runs in a fresh page of a headless Chromium, so
 * components are instantiated and invoked by Chromium's wasm engine (which has
 * multi-memory and exception handling). The runner is bundled into the page; the
 * page asks Node to assemble, print WIT and transpile, and loads the transpiled
 * output from a static server on 127.0.0.1 that serves the transpile cache.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { launchChromium, startStaticServer } from '@weft/e2e/browser';
import type { Browser, BrowserContext } from 'playwright-core';
import { assemble, type AsyncMode, CACHE_DIR, componentWit, getEngine, transpileToCache, type EngineName } from './engine.js';
import { errorText, type CommandResult } from './runner.js';
import type { PageHost, PageRunInput, Wire } from './page.js';
import type { WorkerInput, WorkerMessage } from './worker.js';

/** A running file: `stop` ends it early (a hang), closing its page. */
export interface Session {
  stop(): Promise<void>;
}

export interface ChromiumHost {
  /** Runs a file in a new page; reports like a worker thread does. */
  start(input: WorkerInput, onMessage: (m: WorkerMessage) => void): Session;
  close(): Promise<void>;
}

const INDEX_HTML = '<!doctype html><meta charset="utf-8"><title>weft conformance</title><script type="module" src="/runner.js"></script>\n';

/** Bundles page.ts and the runner it imports, from dist/ when built, else from the sources (under vitest). */
async function bundlePage(): Promise<Uint8Array> {
  const esbuild = await import('esbuild');
  const built = fileURLToPath(new URL('./page.js', import.meta.url));
  const result = await esbuild.build({
    entryPoints: [existsSync(built) ? built : fileURLToPath(new URL('./page.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.contents;
}

async function wire<T>(f: () => Promise<T>, isRejection: (e: unknown) => boolean = () => false): Promise<Wire<T>> {
  try {
    return { ok: true, value: await f() };
  } catch (e) {
    const name = e instanceof Error ? e.name : 'Error';
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, name, message, rejection: isRejection(e) };
  }
}

/**
 * Launches Chromium and the static server for a run; `close` stops both. `asyncMode`
 * overrides WEFT_ASYNC_MODE for the Preview 3 components weft transpiles.
 */
export async function startChromiumHost(engineName: EngineName, asyncMode?: AsyncMode): Promise<ChromiumHost> {
  const engine = await getEngine(engineName, asyncMode);
  await mkdir(CACHE_DIR, { recursive: true });
  const server = await startStaticServer({ root: CACHE_DIR, files: { '/index.html': INDEX_HTML, '/runner.js': await bundlePage() } });
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (e) {
    await server.close();
    throw e;
  }
  const hostFor = (send: (m: WorkerMessage) => void): PageHost => ({
    weftAssemble: (text) => wire(async () => Buffer.from(await assemble(text)).toString('base64')),
    weftComponentWit: (bytes) => wire(() => componentWit(Buffer.from(bytes, 'base64'))),
    weftTranspile: (bytes, name) =>
      wire(async () => {
        const { dir, mainFile } = await transpileToCache(engine, Buffer.from(bytes, 'base64'), name);
        return { dir, mainFile };
      }, engine.isRejection),
    weftStart: async (index, line, text) => send({ type: 'start', index, line, text }),
    weftResult: async (index, result) => send({ type: 'result', index, result }),
  });
  return {
    start(input, onMessage) {
      let context: BrowserContext | undefined;
      let stopped = false;
      const send = (m: WorkerMessage) => {
        if (!stopped) onMessage(m);
      };
      const stop = async () => {
        stopped = true;
        await context?.close().catch(() => {});
      };
      void (async () => {
        const source = await readFile(input.file, 'utf8');
        context = await browser.newContext();
        const page = await context.newPage();
        for (const [name, f] of Object.entries(hostFor(send))) await page.exposeFunction(name, f);
        const response = await page.goto(`${server.origin}/index.html`);
        if (!response?.ok()) throw new Error(`loading the runner page failed: HTTP ${response?.status()}`);
        await page.waitForFunction(() => 'weftRun' in window);
        const runInput: PageRunInput = { source, engine: engine.name, timeoutMs: input.timeoutMs, resumeAt: input.resumeAt };
        const results = await page.evaluate((i) => (window as unknown as { weftRun(i: PageRunInput): Promise<CommandResult[]> }).weftRun(i), runInput);
        // The page's own answer is authoritative: progress events may still be in flight.
        results.forEach((result, k) => send({ type: 'result', index: input.resumeAt + k, result }));
        send({ type: 'done', total: results.length });
      })().catch((e: unknown) => send({ type: 'error', message: errorText(e) }));
      return { stop };
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
