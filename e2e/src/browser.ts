/**
 * What browser tests serve and launch: a static server on 127.0.0.1 that the test owns, the
 * weft test pages' common parts, and headless Chromium driven by playwright-core (the other
 * engines are in engines.ts).
 */
import { P3_PACKAGES, p3ShimModule, shimPackage, WASI_PACKAGES } from '@weft/wasi-manifest';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, relative, resolve, sep } from 'node:path';
import type { Browser } from 'playwright-core';
import { repoRoot } from './paths.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export interface StaticServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  close(): Promise<void>;
}

export interface StaticServerOptions {
  /** Directory served at `/`; no request can reach outside it. Default: the repo root. */
  root?: string;
  /** In-memory files by URL path (`/index.html` -> content), served before the disk. */
  files?: Record<string, string | Uint8Array>;
  /** Extra response headers, e.g. COOP/COEP for cross-origin isolation. */
  headers?: Record<string, string>;
  /**
   * Port to listen on; default a free one. Storage such as OPFS belongs to the origin, port
   * included, so a test that relaunches a browser on a profile serves it from the same port.
   */
  port?: number;
  /**
   * Rewrite the bare `@weft/wasi-*` specifiers in served `.js` files to the URLs of
   * {@link weftImportMap}: a page's import map does not apply inside its workers.
   */
  resolveBareImports?: boolean;
  /** Receives the body of every POST to `/__report__`: how a page nothing drives hands back its result. */
  onReport?: (body: string) => void;
}

/** Where a page POSTs what `onReport` receives. */
export const REPORT_PATH = '/__report__';

const BARE_WEFT_IMPORT = /(['"])(@weft\/wasi-[a-z]+(?:\/opfs|\/p3|\/web-streams)?)\1/g;

function resolveBare(js: string): string {
  const { imports } = weftImportMap();
  return js.replace(BARE_WEFT_IMPORT, (whole, quote: string, spec: string) => (imports[spec] ? quote + imports[spec] + quote : whole));
}

/** Serve `root` over HTTP on 127.0.0.1, on a free port. */
export async function startStaticServer(opts: StaticServerOptions = {}): Promise<StaticServer> {
  const root = resolve(opts.root ?? repoRoot);
  const files = opts.files ?? {};
  const server: Server = createServer(async (req, res) => {
    const headers = { 'cache-control': 'no-store', ...opts.headers };
    try {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
      if (req.method === 'POST' && path === REPORT_PATH && opts.onReport) {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        opts.onReport(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(204, headers);
        res.end();
        return;
      }
      const rewrite = (body: string | Uint8Array) =>
        opts.resolveBareImports && extname(path) === '.js' ? resolveBare(typeof body === 'string' ? body : new TextDecoder().decode(body)) : body;
      const inMemory = files[path];
      if (inMemory !== undefined) {
        res.writeHead(200, { ...headers, 'content-type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream' });
        res.end(rewrite(inMemory));
        return;
      }
      const file = join(root, path);
      const rel = relative(root, file);
      if (rel.startsWith('..') || rel.includes(`..${sep}`) || !(await stat(file)).isFile()) throw new Error('not found');
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(rewrite(body));
    } catch {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** Launch headless Chromium with the flags this machine needs. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** An import map sending `@weft/wasi-*` (and their 0.3 entry points) to the built shims, as served from the repo root. */
export function weftImportMap(): { imports: Record<string, string> } {
  const imports = Object.fromEntries(WASI_PACKAGES.map((p) => [shimPackage(p), `/shims/${p}/dist/index.js`]));
  const p3 = Object.fromEntries(P3_PACKAGES.map((p) => [p3ShimModule(p), `/shims/${p}/dist/p3/index.js`]));
  return {
    imports: {
      ...imports,
      ...p3,
      '@weft/wasi-io/web-streams': '/shims/io/dist/web-streams.js',
      '@weft/wasi-manifest': '/shims/manifest/dist/index.js',
      '@weft/wasi-filesystem/opfs': '/shims/filesystem/dist/opfs.js',
    },
  };
}

/**
 * A classic script every weft test page runs first, so a test can read in any engine what
 * only some drivers report: `window.weftConsole` records console calls and `window.weftErrors`
 * uncaught errors and rejections. With `?nojspi` in its URL the page removes
 * `WebAssembly.Suspending`/`promising` before any module runs, as in a browser without JSPI.
 */
export const PAGE_PRELUDE = `window.weftConsole = [];
window.weftErrors = [];
for (const type of ['log', 'info', 'warn', 'error', 'debug']) {
  const original = console[type];
  console[type] = function (...args) {
    window.weftConsole.push({ type, text: args.map(String).join(' ') });
    return original.apply(this, args);
  };
}
addEventListener('error', (e) => window.weftErrors.push(String(e.message || e.error)));
addEventListener('unhandledrejection', (e) => window.weftErrors.push(String((e.reason && e.reason.message) || e.reason)));
if (new URLSearchParams(location.search).has('nojspi')) { delete WebAssembly.Suspending; delete WebAssembly.promising; }
if (new URLSearchParams(location.search).has('nowasm')) delete globalThis.WebAssembly;`;

/** A page whose module scripts import `@weft/wasi-*` through {@link weftImportMap}. */
export function weftPageHtml(title: string, body: string): string {
  return `<!doctype html>
<html>
<head>
<meta charset="utf-8">
<title>${title}</title>
<script>${PAGE_PRELUDE}</script>
<script type="importmap">${JSON.stringify(weftImportMap())}</script>
</head>
<body>
${body}</body>
</html>
`;
}

/** Page script that makes this Chromium look like a browser without JSPI. */
export const REMOVE_JSPI_SCRIPT = 'delete WebAssembly.Suspending; delete WebAssembly.promising;';
