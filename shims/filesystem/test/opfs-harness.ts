/**
 * Runs code against the OPFS backend in headless Chromium, in the page itself or in a
 * dedicated worker; also in workers whose sync access handles are missing or refused, as
 * some engines have them. The backend is served straight from its TypeScript sources, compiled
 * per request, so the tests never see a stale build.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { chromium, type Browser } from 'playwright-core';

const SOURCES: Record<string, string> = {
  fs: fileURLToPath(new URL('../src/', import.meta.url)),
  io: fileURLToPath(new URL('../../io/src/', import.meta.url)),
  manifest: fileURLToPath(new URL('../../manifest/src/', import.meta.url)),
};

/** Loads the backend into `globalThis.weft`, with helpers scenarios share in both places. */
const BOOT = `
import * as opfs from '/fs/opfs.js';
import * as fs from '/fs/index.js';
import * as io from '/io/index.js';
import * as p3 from '/fs/p3/index.js';
globalThis.weft = {
  ...opfs,
  ...fs,
  io,
  p3,
  /** What an operation threw (an ErrorCode string), or 'ok'. */
  async code(fn) {
    try {
      await fn();
      return 'ok';
    } catch (e) {
      return typeof e === 'string' ? e : String(e && e.stack || e);
    }
  },
  text: (bytes) => new TextDecoder().decode(bytes),
  bytes: (text) => new TextEncoder().encode(text),
  async names(d) {
    const s = await d.readDirectory();
    const out = [];
    for (let e = await s.readDirectoryEntry(); e !== undefined; e = await s.readDirectoryEntry()) out.push(e.name + ':' + e.type);
    return out.sort();
  },
  fnv1a(bytes, h = 0x811c9dc5) {
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 16777619) >>> 0;
    return h;
  },
};
`;

/**
 * What a worker of each kind does before the backend first opens a file: Chromium's sync
 * access handles removed, or refused the way WebKitGTK refuses every one. Files then take the
 * main thread's path, whose host calls wait with promises as under an async mode's glue.
 */
const ASYNC_WAIT = "globalThis[Symbol.for('weft.async-wait')] = true;";
const WORKER_PRELUDES: Record<Exclude<Where, 'page'>, string> = {
  worker: '',
  'worker-no-sync-access': `${ASYNC_WAIT}\ndelete FileSystemFileHandle.prototype.createSyncAccessHandle;`,
  'worker-refusing-sync-access': `${ASYNC_WAIT}\nFileSystemFileHandle.prototype.createSyncAccessHandle = function () {
  return Promise.reject(new DOMException('Backend does not support this operation', 'NotSupportedError'));
};`,
};

const WORKER = `${BOOT}
onmessage = async ({ data: { id, src, arg } }) => {
  try {
    const fn = (0, eval)('(' + src + ')');
    postMessage({ id, value: await fn(arg) });
  } catch (e) {
    postMessage({ id, error: typeof e === 'string' ? e : String(e && e.stack || e) });
  }
};
postMessage('ready');
`;

const PAGE = `<!doctype html><meta charset="utf-8"><script type="module">
${BOOT}
// Host calls may wait with promises here, as they do under glue transpiled with an async mode.
globalThis[Symbol.for('weft.async-wait')] = true;
const workers = new Map();
let nextId = 0;
const waiting = new Map();
globalThis.inWorker = async (kind, src, arg) => {
  let worker = workers.get(kind);
  if (!worker) {
    worker = new Worker('/' + kind + '.js', { type: 'module' });
    workers.set(kind, worker);
    await new Promise((ready, fail) => {
      worker.onmessage = (e) => e.data === 'ready' && ready();
      worker.onerror = (e) => fail(new Error('worker failed to start: ' + e.message));
    });
    worker.onmessage = ({ data }) => waiting.get(data.id)(data);
  }
  const id = nextId++;
  const reply = await new Promise((r) => { waiting.set(id, r); worker.postMessage({ id, src, arg }); });
  waiting.delete(id);
  if ('error' in reply) throw new Error(reply.error);
  return reply.value;
};
globalThis.booted = true;
</script>`;

async function compiled(dir: string, file: string): Promise<string> {
  const src = await readFile(dir + file.replace(/\.js$/, '.ts'), 'utf8');
  const out = ts.transpileModule(src, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022 },
  }).outputText;
  return out
    .replaceAll("from '@weft/wasi-io/web-streams'", "from '/io/web-streams.js'")
    .replaceAll("from '@weft/wasi-io'", "from '/io/index.js'")
    .replaceAll("from '@weft/wasi-manifest'", "from '/manifest/index.js'");
}

export type Where = 'page' | 'worker' | 'worker-no-sync-access' | 'worker-refusing-sync-access';

export interface OpfsBrowser {
  /**
   * Run `fn(arg)` where `where` says; `fn` is sent as source text, so it may use only its
   * argument and `globalThis.weft`. Its result must be structured-cloneable.
   */
  run<A, R>(where: Where, fn: (arg: A) => Promise<R>, arg: A): Promise<R>;
  close(): Promise<void>;
}

export async function openOpfsBrowser(): Promise<OpfsBrowser> {
  const server: Server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const send = (type: string, body: string) => {
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    try {
      if (path === '/') return send('text/html; charset=utf-8', PAGE);
      const kind = /^\/([a-z-]+)\.js$/.exec(path)?.[1];
      if (kind && Object.hasOwn(WORKER_PRELUDES, kind)) {
        return send('text/javascript', `${WORKER_PRELUDES[kind as keyof typeof WORKER_PRELUDES]}\n${WORKER}`);
      }
      const m = /^\/(fs|io|manifest)\/((?:p3\/)?[a-z-]+\.js)$/.exec(path);
      if (m) return send('text/javascript', await compiled(SOURCES[m[1]!]!, m[2]!));
      throw new Error('not found');
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const stopServer = () =>
    new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    });
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${origin}/`);
    await page
      .waitForFunction(() => (globalThis as { booted?: boolean }).booted === true, undefined, { timeout: 10_000 })
      .catch(() => {
        throw new Error(`the test page did not start: ${errors.join('; ') || 'no error reported'}`);
      });
    const b = browser;
    return {
      run: <A, R>(where: Where, fn: (arg: A) => Promise<R>, arg: A): Promise<R> =>
        where === 'page'
          ? // biome-ignore lint/security/noGlobalEval: the scenario travels to the page as source text, as in the worker.
            page.evaluate(({ src, arg }) => (0, eval)(`(${src})`)(arg) as Promise<R>, { src: fn.toString(), arg })
          : page.evaluate(
              ({ where, src, arg }) => (globalThis as unknown as { inWorker(w: string, s: string, a: unknown): Promise<R> }).inWorker(where, src, arg),
              { where, src: fn.toString(), arg },
            ),
      async close() {
        await b.close();
        await stopServer();
      },
    };
  } catch (e) {
    await browser?.close();
    await stopServer();
    throw e;
  }
}
