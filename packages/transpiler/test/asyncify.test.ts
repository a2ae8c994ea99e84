import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { transpile, WeftError, type TranspileOptions } from '../src/index.js';
import { assembleWat, readFixture } from './harness.js';

// Node 20 has no JSPI: everything here runs on asyncify's unwinding alone.
const ASYNC_IMPORTS = ['local:test/host#fetch', 'local:test/host#label'];
const later = <T>(v: T, fail?: unknown) => new Promise<T>((ok, no) => setTimeout(() => (fail === undefined ? ok(v) : no(fail)), 1));

let bytes: Uint8Array;
let work: string;
let n = 0;

beforeAll(async () => {
  bytes = await assembleWat(readFixture('asyncify-adapter.wat'));
  work = mkdtempSync(join(tmpdir(), 'weft-asyncify-'));
});

async function load(opts: TranspileOptions, host: Record<string, unknown>, component = bytes) {
  const r = await transpile(component, { name: 'c', instantiation: 'async', asyncMode: 'asyncify', asyncImports: ASYNC_IMPORTS, cacheDir: false, ...opts });
  const dir = join(work, `out${n++}`);
  mkdirSync(dir);
  for (const [f, d] of Object.entries(r.files)) writeFileSync(join(dir, f), d);
  const { instantiate } = await import(pathToFileURL(join(dir, 'c.js')).href);
  const exports = await instantiate((f: string) => WebAssembly.compile(readFileSync(join(dir, f))), { 'local:test/host': host });
  return { exports, files: r.files };
}

const host = {
  fetch: (x: number) => later(x * 3),
  label: (x: number) => later('x'.repeat(x + 1)),
};
// run(n) = 2 * sum over i < n of (3i + 1000 + (i + 1))
const expected = (k: number) => 2 * Array.from({ length: k }, (_, i) => 3 * i + 1000 + i + 1).reduce((a, b) => a + b, 0);

describe("asyncMode 'asyncify'", () => {
  it('a call suspends on every awaited import, through an adapter, main and back, and returns the right value', async () => {
    const { exports } = await load({}, host);
    expect(typeof (WebAssembly as { Suspending?: unknown }).Suspending).toBe('undefined');
    await expect(exports.run(5)).resolves.toBe(expected(5));
    await expect(exports.run(0)).resolves.toBe(0);
    await expect(exports.plain(41)).resolves.toBe(42);
  });

  it('imports that answer at once need no unwinding and give the same result', async () => {
    const { exports } = await load({}, { fetch: (x: number) => x * 3, label: (x: number) => 'x'.repeat(x + 1) });
    await expect(exports.run(7)).resolves.toBe(expected(7));
  });

  it('overlapping calls are queued, never interleaved on the guest stack', async () => {
    const { exports } = await load({}, host);
    const runs = [3, 6, 1, 4].map((k) => exports.run(k));
    expect(await Promise.all(runs)).toEqual([3, 6, 1, 4].map(expected));
  });

  it('instances of one glue module wait independently: one suspended for good does not disturb another', async () => {
    const r = await transpile(bytes, { name: 'c', instantiation: 'async', asyncMode: 'asyncify', asyncImports: ASYNC_IMPORTS, cacheDir: false });
    const dir = join(work, `out${n++}`);
    mkdirSync(dir);
    for (const [f, d] of Object.entries(r.files)) writeFileSync(join(dir, f), d);
    const { instantiate } = await import(pathToFileURL(join(dir, 'c.js')).href);
    const core = (f: string) => WebAssembly.compile(readFileSync(join(dir, f)));
    const stuck = await instantiate(core, { 'local:test/host': { ...host, fetch: () => new Promise(() => {}) } });
    const free = await instantiate(core, { 'local:test/host': host });
    let settled = false;
    stuck.run(3).finally(() => (settled = true));
    await expect(free.run(5)).resolves.toBe(expected(5));
    await expect(free.run(2)).resolves.toBe(expected(2));
    expect(settled).toBe(false);
  });

  it("a host promise's rejection comes out of the export call, and the instance is poisoned", async () => {
    const boom = new Error('host failed');
    const { exports } = await load({}, { ...host, fetch: (x: number) => (x === 2 ? later(0, boom) : later(x * 3)) });
    await expect(exports.run(5)).rejects.toBe(boom);
    await expect(exports.run(1)).rejects.toThrow(/poisoned/);
  });

  it('rewrites only the core modules that can reach an async import', async () => {
    const sync = await transpile(bytes, { name: 'c', instantiation: 'async' });
    const { files } = await load({}, host);
    const has = (f: Uint8Array) => new TextDecoder('latin1').decode(f).includes('asyncify_start_unwind');
    // c.core.wasm: the forwarding shim; core2: main; core3: adapter; core4: the table fixup.
    expect(files['c.core.wasm']).toEqual(sync.files['c.core.wasm']);
    expect(files['c.core4.wasm']).toEqual(sync.files['c.core4.wasm']);
    expect(has(files['c.core2.wasm']!)).toBe(true);
    expect(has(files['c.core3.wasm']!)).toBe(true);
    expect(has(sync.files['c.core2.wasm']!)).toBe(false);
  });

  it('caches rewritten modules by content', async () => {
    const cacheDir = join(work, 'cache');
    const first = await transpile(bytes, { asyncMode: 'asyncify', asyncImports: ASYNC_IMPORTS, cacheDir });
    const cachedFiles = readdirSync(cacheDir).filter((f) => f.endsWith('.wasm'));
    expect(cachedFiles).toHaveLength(2);
    const second = await transpile(bytes, { asyncMode: 'asyncify', asyncImports: ASYNC_IMPORTS, cacheDir });
    expect(second.files).toEqual(first.files);
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.wasm'))).toEqual(cachedFiles);
  });

  it('exports a memory the module keeps to itself, so the glue can unwind into it', async () => {
    const own = await assembleWat(`(component
      (import "local:test/host" (instance $h (export "fetch" (func (param "x" u32) (result u32)))))
      (core func $fetch (canon lower (func $h "fetch")))
      (core module $m
        (import "h" "fetch" (func $f (param i32) (result i32)))
        (memory 1)
        (func (export "run") (param i32) (result i32) (i32.add (call $f (local.get 0)) (i32.const 1))))
      (core instance $i (instantiate $m (with "h" (instance (export "fetch" (func $fetch))))))
      (func (export "run") (param "n" u32) (result u32) (canon lift (core func $i "run"))))`);
    const { exports, files } = await load({ asyncImports: ['local:test/host#fetch'] }, { fetch: (x: number) => later(x * 3) }, own);
    await expect(exports.run(5)).resolves.toBe(16);
    const names = WebAssembly.Module.exports(new WebAssembly.Module(files['c.core.wasm']!)).map((e) => `${e.kind} ${e.name}`);
    expect(names).toContain('memory weft:asyncify-memory');
  });

  it('refuses a memoryless module that does more than forward a call to an async import', async () => {
    const bad = await assembleWat(`(component
      (import "local:test/host" (instance $h (export "fetch" (func (param "x" u32) (result u32)))))
      (core func $fetch (canon lower (func $h "fetch")))
      (core module $m
        (import "h" "fetch" (func $f (param i32) (result i32)))
        (func (export "run") (param i32) (result i32) (i32.add (call $f (local.get 0)) (i32.const 1))))
      (core instance $i (instantiate $m (with "h" (instance (export "fetch" (func $fetch))))))
      (func (export "run") (param "n" u32) (result u32) (canon lift (core func $i "run"))))`);
    const r = transpile(bad, { asyncMode: 'asyncify', asyncImports: ['local:test/host#fetch'], cacheDir: false });
    await expect(r).rejects.toThrow(WeftError);
    await expect(r).rejects.toThrow(/core module 0 can reach an import that suspends but has no memory to unwind into/);
  });
});
