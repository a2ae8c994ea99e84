/**
 * asyncify at the size of a real guest: a componentize-js guest (a JS engine, about 12 MB of
 * core wasm) whose export awaits a timer, so its stack waits at wasi:io/poll. Transpiled by
 * weft in `asyncify` mode (the rewrite, with an empty cache) and in `jspi` mode; then its
 * first call in Chromium — import of the glue (fetch, compile, instantiate) and one call —
 * in each mode, every sample in a fresh browser context so no compiled code is reused.
 */
import { shimPackage, WASI_PACKAGES } from '@weft/wasi-manifest';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, relative, sep } from 'node:path';
import { chromium } from 'playwright-core';
import type { Component } from './corpus.js';
import { formatBytes, formatDuration, formatRatio, formatSpread, markdownTable } from './format.js';
import { repoRoot, scratchDir } from './paths.js';
import { isError, type Outcome } from './result.js';
import { summarize, type Summary } from './stats.js';
import { loadTranspiler, shortReason, writeScratch } from './tools.js';

type Mode = 'sync' | 'jspi' | 'asyncify';

/** The call measured: sleep 20 ms on a timer, then count the primes below 20000. */
const CALL = { ms: 20, n: 20_000, expect: 2262 };

export interface GuestBuild {
  /** One transpile with an empty cache, ns. */
  transpileNs: number;
  /** Bytes of all core modules. */
  coreBytes: number;
}

export interface FirstCall {
  /** Import of the glue (fetch, compile, instantiate) plus the call, ns per sample. */
  total: Summary;
  /** The call alone, ns per sample. */
  call: Summary;
}

export interface GuestAsyncifyResults {
  component: string;
  /** What rewrote the core modules: a native `wasm-opt` or binaryen.js. */
  rewriter: string;
  /** Core wasm bytes of the `sync` build: what asyncify starts from. */
  inputBytes: Outcome<number>;
  asyncify: Outcome<GuestBuild>;
  jspi: Outcome<GuestBuild>;
  firstCall: { asyncify: Outcome<FirstCall>; jspi: Outcome<FirstCall> };
}

/** Which binaryen weft's asyncify runs here, by the rule weft follows (`WEFT_WASM_OPT`, else `wasm-opt` on PATH). */
function rewriterName(): string {
  const path = process.env.WEFT_WASM_OPT || 'wasm-opt';
  if (path === 'none') return 'binaryen.js (WEFT_WASM_OPT=none)';
  try {
    return `native ${execFileSync(path, ['--version'], { encoding: 'utf8' }).trim()}`;
  } catch {
    return 'binaryen.js (no wasm-opt on PATH)';
  }
}

async function build(c: Component, mode: Mode): Promise<GuestBuild & { dir: string }> {
  const transpile = await loadTranspiler('weft');
  const map = Object.fromEntries(WASI_PACKAGES.map((p) => [`wasi:${p}/*`, `${shimPackage(p)}#*`]));
  const t0 = process.hrtime.bigint();
  const { files } = await transpile(c.bytes, { name: c.name, map, asyncMode: mode, cacheDir: false });
  const transpileNs = Number(process.hrtime.bigint() - t0);
  const dir = writeScratch(`guest-${mode}-${c.name}`, files);
  const coreBytes = Object.entries(files).reduce((n, [f, data]) => (f.endsWith('.wasm') ? n + data.byteLength : n), 0);
  return { transpileNs, coreBytes, dir };
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html; charset=utf-8' };

/** The page: an import map sends the shims' bare specifiers to their built `dist/`. */
function pageHtml(): string {
  const imports = {
    ...Object.fromEntries(WASI_PACKAGES.map((p) => [shimPackage(p), `/shims/${p}/index.js`])),
    // The shims import this subpath of the io shim among themselves.
    '@weft/wasi-io/web-streams': '/shims/io/web-streams.js',
    '@weft/wasi-manifest': '/shims/manifest/index.js',
  };
  return `<!doctype html><meta charset="utf-8">
<script type="importmap">${JSON.stringify({ imports })}</script>
<script type="module">
window.firstCall = async (entry, ms, n) => {
  const t0 = performance.now();
  const mod = await import(entry);
  const t1 = performance.now();
  const result = await mod.sleepThenCount(ms, n);
  const t2 = performance.now();
  return { result, totalMs: t2 - t0, callMs: t2 - t1 };
};
window.ready = true;
</script>`;
}

/** Serves the page, the shims' `dist/` under /shims/<pkg>/ and this run's scratch outputs under /out/. */
async function serve(): Promise<{ origin: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    try {
      let file: string | undefined;
      if (path === '/') {
        res.writeHead(200, { 'content-type': TYPES['.html']!, 'cache-control': 'no-store' });
        res.end(pageHtml());
        return;
      }
      const shim = /^\/shims\/([a-z]+)\/([A-Za-z0-9_./-]+\.js)$/.exec(path);
      if (shim && !shim[2]!.includes('..')) file = join(repoRoot, 'shims', shim[1]!, 'dist', shim[2]!);
      else if (path.startsWith('/out/')) {
        file = join(scratchDir, path.slice('/out/'.length));
        if (relative(scratchDir, file).split(sep).includes('..')) file = undefined;
      }
      if (!file) throw new Error('not found');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

const attempt = <T>(p: Promise<T>): Promise<Outcome<T>> => p.catch((e: unknown) => ({ error: shortReason(e, 160) }));

export async function measureGuestAsyncify(c: Component, quick: boolean, log: (m: string) => void): Promise<GuestAsyncifyResults> {
  const rewriter = rewriterName();
  log(`asyncify: ${c.id} sync (input size)`);
  const sync = await attempt(build(c, 'sync'));
  const samples = quick ? 2 : 3;
  const server = await serve();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const firstCall = async (b: GuestBuild & { dir: string }, mode: Mode): Promise<FirstCall> => {
    const total: number[] = [];
    const call: number[] = [];
    for (let i = 0; i < samples; i++) {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        await page.goto(`${server.origin}/`);
        await page.waitForFunction(() => (globalThis as { ready?: boolean }).ready === true, undefined, { timeout: 15_000 });
        const entry = `/out/${relative(scratchDir, b.dir).split(sep).join('/')}/${c.name}.js`;
        const r = await page.evaluate(
          ([e, ms, n]) =>
            (globalThis as unknown as { firstCall(...a: unknown[]): Promise<{ result: number; totalMs: number; callMs: number }> }).firstCall(e, ms, n),
          [entry, CALL.ms, CALL.n] as const,
        );
        if (r.result !== CALL.expect) throw new Error(`${mode}: sleepThenCount returned ${r.result}, expected ${CALL.expect}`);
        total.push(r.totalMs * 1e6);
        call.push(r.callMs * 1e6);
      } finally {
        await context.close();
      }
      log(`asyncify: ${c.id} first call under ${mode}, sample ${i + 1}/${samples}`);
    }
    return { total: summarize(total), call: summarize(call) };
  };
  const figures = (b: Outcome<GuestBuild & { dir: string }>): Outcome<GuestBuild> => (isError(b) ? b : { transpileNs: b.transpileNs, coreBytes: b.coreBytes });
  try {
    // JSPI first: its build takes seconds, so a broken page shows before the long rewrite.
    log(`asyncify: ${c.id} jspi`);
    const jspi = await attempt(build(c, 'jspi'));
    const jspiCall = isError(jspi) ? jspi : await attempt(firstCall(jspi, 'jspi'));
    log(`asyncify: ${c.id} asyncify rewrite with ${rewriter}`);
    const asy = await attempt(build(c, 'asyncify'));
    const asyCall = isError(asy) ? asy : await attempt(firstCall(asy, 'asyncify'));
    return {
      component: c.id,
      rewriter,
      inputBytes: isError(sync) ? sync : sync.coreBytes,
      asyncify: figures(asy),
      jspi: figures(jspi),
      firstCall: { asyncify: asyCall, jspi: jspiCall },
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

/** Goals from the issue: rewrite ≤ 60 s, output ≤ 1.5× input, first call ≤ 2× JSPI's. */
export const GUEST_GOALS = { rewriteNs: 60e9, sizeRatio: 1.5, firstCallRatio: 2 };

export function guestAsyncifyTable(r: GuestAsyncifyResults): string {
  const cell = <T>(o: Outcome<T>, show: (v: T) => string) => (isError(o) ? `error: ${o.error}` : show(o));
  const goal = (ok: boolean | undefined) => (ok === undefined ? 'n/a' : ok ? 'met' : 'missed');
  const { asyncify: a, jspi: j, inputBytes: input } = r;
  const sizeRatio = isError(a) || isError(input) ? undefined : a.coreBytes / input;
  const fa = r.firstCall.asyncify;
  const fj = r.firstCall.jspi;
  const callRatio = isError(fa) || isError(fj) ? undefined : fa.total.median / fj.total.median;
  const rows = [
    [
      'transpile time (no cache)',
      cell(a, (b) => formatDuration(b.transpileNs)),
      cell(j, (b) => formatDuration(b.transpileNs)),
      '',
      `≤ 60 s: ${goal(isError(a) ? undefined : a.transpileNs <= GUEST_GOALS.rewriteNs)}`,
    ],
    [
      'core wasm bytes',
      cell(a, (b) => formatBytes(b.coreBytes)),
      cell(j, (b) => formatBytes(b.coreBytes)),
      sizeRatio === undefined ? 'n/a' : `${formatRatio(sizeRatio)} the input`,
      `≤ 1.5×: ${goal(sizeRatio === undefined ? undefined : sizeRatio <= GUEST_GOALS.sizeRatio)}`,
    ],
    [
      'first call in Chromium (import + call)',
      cell(fa, (f) => `${formatDuration(f.total.median)}${formatSpread(f.total)}`),
      cell(fj, (f) => `${formatDuration(f.total.median)}${formatSpread(f.total)}`),
      callRatio === undefined ? 'n/a' : formatRatio(callRatio),
      `≤ 2× JSPI: ${goal(callRatio === undefined ? undefined : callRatio <= GUEST_GOALS.firstCallRatio)}`,
    ],
    [
      '  of which the call',
      cell(fa, (f) => formatDuration(f.call.median)),
      cell(fj, (f) => formatDuration(f.call.median)),
      isError(fa) || isError(fj) ? 'n/a' : formatRatio(fa.call.median / fj.call.median),
      '',
    ],
  ];
  return markdownTable(['', 'asyncify', 'jspi', 'asyncify/jspi', 'goal'], rows);
}
