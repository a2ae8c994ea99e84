/**
 * OPFS throughput in Chromium: the WASI Descriptor API of @weft/wasi-filesystem's OPFS
 * backend next to OPFS used directly, same file size and chunk size, same run. On the main
 * thread both sides write through a writable stream; in a dedicated worker through a sync
 * access handle. The browser keeps its profile on disk (a persistent context) so OPFS is
 * backed by real files, as for a user, not by the in-memory store of an incognito profile.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { formatRatio, formatSpread, markdownTable } from './format.js';
import { BENCH_MODULE, PAGE_HTML, WORKER_MODULE } from './opfs-page.js';
import { summarize, type Summary } from './stats.js';

export type OpfsWhere = 'page' | 'worker';
/**
 * `read-fresh`: raw reads into a new buffer per chunk instead of reusing one (worker only).
 * `stream-*`: weft through wasi:io streams instead of descriptor read/write.
 */
export type OpfsOp = 'write' | 'read' | 'read-fresh' | 'stream-write' | 'stream-read';

export interface OpfsRow {
  where: OpfsWhere;
  op: OpfsOp;
  /** MB/s (10^6 bytes per second) of each sample. */
  raw: Summary;
  weft: Summary;
  /** weft median over raw median: 1 means the shim costs nothing. */
  ratio: number;
}

export interface OpfsResults {
  fileBytes: number;
  chunkBytes: number;
  samples: number;
  chromium: string;
  rows: OpfsRow[];
}

const CHUNK = 64 * 1024;

function distDir(specifier: string): string {
  return dirname(fileURLToPath(import.meta.resolve(specifier)));
}

/** Serves the built shims (bare `@weft/wasi-io` and `@weft/wasi-manifest` imports rewritten, since workers have no import maps) and the bench modules. */
async function serve(): Promise<{ origin: string; close(): Promise<void> }> {
  const roots: Record<string, string> = { fs: distDir('@weft/wasi-filesystem/opfs'), io: distDir('@weft/wasi-io'), manifest: distDir('@weft/wasi-manifest') };
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const send = (type: string, body: string) => {
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    try {
      if (path === '/') return send('text/html; charset=utf-8', PAGE_HTML);
      if (path === '/bench.js') return send('text/javascript', BENCH_MODULE);
      if (path === '/worker.js') return send('text/javascript', WORKER_MODULE);
      const m = /^\/(fs|io|manifest)\/([a-z-]+\.js)$/.exec(path);
      if (!m) throw new Error('not found');
      const js = await readFile(join(roots[m[1]!]!, m[2]!), 'utf8');
      return send(
        'text/javascript',
        js.replaceAll("from '@weft/wasi-io'", "from '/io/index.js'").replaceAll("from '@weft/wasi-manifest'", "from '/manifest/index.js'"),
      );
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

export async function measureOpfs(opts: { quick?: boolean | undefined; log?: (m: string) => void } = {}): Promise<OpfsResults> {
  const log = opts.log ?? (() => {});
  const fileBytes = (opts.quick ? 8 : 16) * 1024 * 1024;
  const samples = opts.quick ? 3 : 5;
  const server = await serve();
  const profile = mkdtempSync(join(tmpdir(), 'weft-bench-opfs-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${server.origin}/`);
    await page.waitForFunction(() => (globalThis as { ready?: boolean }).ready === true, undefined, { timeout: 15_000 });
    const call = <T>(where: OpfsWhere, what: 'run' | 'verify', o: object) =>
      page.evaluate(([w, x, p]) => (globalThis as unknown as { bench(...a: unknown[]): Promise<T> }).bench(w, x, p), [where, what, o] as const);
    const rows: OpfsRow[] = [];
    for (const where of ['page', 'worker'] as const) {
      const dir = `bench-${where}`;
      const base = { dir, total: fileBytes, chunk: CHUNK };
      const mbps: Record<string, number[]> = {};
      // Every op alternates who goes first, so drift in the machine falls on both alike.
      for (let i = 0; i < samples; i++) {
        for (const op of opsIn(where)) {
          const order = i % 2 === 0 ? (['raw', 'weft'] as const) : (['weft', 'raw'] as const);
          for (const impl of order) {
            const run = { ...base, impl, op: op === 'read-fresh' ? 'read' : op, fresh: op === 'read-fresh' || (op === 'stream-read' && where === 'worker') };
            const { ms } = await call<{ ms: number }>(where, 'run', run);
            (mbps[`${impl} ${op}`] ??= []).push(fileBytes / 1e6 / (ms / 1000));
          }
        }
        log(`opfs ${where}: sample ${i + 1}/${samples}`);
      }
      const check = await call<{ want: { size: number; fnv: number }; got: Record<string, { size: number; fnv: number }> }>(where, 'verify', base);
      for (const [name, got] of Object.entries(check.got)) {
        if (got.size !== check.want.size || got.fnv !== check.want.fnv) {
          throw new Error(`opfs bench (${where}): ${name} holds ${got.size} bytes, fnv ${got.fnv}; expected ${check.want.size}, fnv ${check.want.fnv}`);
        }
      }
      for (const op of opsIn(where)) {
        const raw = summarize(mbps[`raw ${op}`]!);
        const weft = summarize(mbps[`weft ${op}`]!);
        rows.push({ where, op, raw, weft, ratio: weft.median / raw.median });
      }
    }
    return { fileBytes, chunkBytes: CHUNK, samples, chromium: context.browser()?.version() ?? 'unknown', rows };
  } finally {
    await context.close();
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

function opsIn(where: OpfsWhere): OpfsOp[] {
  return where === 'worker' ? ['write', 'read', 'read-fresh', 'stream-write', 'stream-read'] : ['write', 'read', 'stream-write', 'stream-read'];
}

const OPS: Record<OpfsOp, string> = {
  write: 'write',
  read: 'read',
  'read-fresh': 'read, raw into a new buffer per chunk',
  'stream-write': 'write, weft via write-via-stream',
  'stream-read': 'read, weft via read-via-stream',
};

const WHERE: Record<OpfsWhere, string> = {
  page: 'main thread (writable stream)',
  worker: 'dedicated worker (sync access handle)',
};

export function opfsTable(r: OpfsResults): string {
  const mb = (s: Summary) => `${s.median.toFixed(s.median >= 100 ? 0 : 1)}${formatSpread(s)}`;
  return markdownTable(
    ['context', 'op', 'raw OPFS MB/s', 'weft Descriptor MB/s', 'weft / raw'],
    r.rows.map((row) => [WHERE[row.where], OPS[row.op], mb(row.raw), mb(row.weft), formatRatio(row.ratio)]),
    ['left', 'left', 'right', 'right', 'right'],
  );
}

export function opfsHeading(r: OpfsResults): string {
  return `### OPFS throughput in Chromium ${r.chromium} (${r.fileBytes / 2 ** 20} MiB file in ${r.chunkBytes / 1024} KiB chunks, open to close; median of ${r.samples} ± half the IQR)`;
}
