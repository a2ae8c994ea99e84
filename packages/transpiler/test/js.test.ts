/**
 * `js`: every core module converted to JavaScript with wasm2js. The value, string and
 * resource tests also run this way (vitest.config.ts); these cover what only this mode
 * has: linking JavaScript core modules to each other, and running with no WebAssembly.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { transpile, WeftError, type TranspileOptions } from '../src/index.js';
import { assembleWat, readFixture } from './harness.js';

let bytes: Uint8Array;
let work: string;
let hostUrl: string;
let n = 0;

beforeAll(async () => {
  bytes = await assembleWat(readFixture('js-linking.wat'));
  work = mkdtempSync(join(tmpdir(), 'weft-js-'));
  const host = join(work, 'host.mjs');
  writeFileSync(host, 'export const add = (a, b) => BigInt.asIntN(64, a + b);\n');
  hostUrl = pathToFileURL(host).href;
});

async function emit(opts: TranspileOptions): Promise<{ entry: string; files: Record<string, Uint8Array> }> {
  const { files } = await transpile(bytes, { name: 'c', js: true, ...opts });
  const dir = join(work, `out${n++}`);
  mkdirSync(dir);
  for (const [f, d] of Object.entries(files)) writeFileSync(join(dir, f), d);
  return { entry: join(dir, 'c.js'), files };
}

function recordingHost() {
  const calls: [bigint, bigint][] = [];
  return { calls, imports: { 'local:test/host': { add: (a: bigint, b: bigint) => (calls.push([a, b]), BigInt.asIntN(64, a + b)) } } };
}

describe.each(['async', 'sync'] as const)('instantiation %s', (instantiation) => {
  let exp: any;
  let host: ReturnType<typeof recordingHost>;

  beforeAll(async () => {
    const { entry, files } = await emit({ instantiation });
    expect(Object.keys(files).sort()).toEqual(['c.d.ts', 'c.host.d.ts', 'c.host.js', 'c.js']);
    host = recordingHost();
    const result = (await import(pathToFileURL(entry).href)).instantiate(host.imports);
    expect(result instanceof Promise).toBe(instantiation === 'async');
    exp = await result;
  });

  it('passes s64 as BigInt through the host, between modules and through a shared table', () => {
    const a = 2n ** 40n + 7n;
    const b = -(2n ** 35n);
    const c = 2n ** 62n + 3n;
    host.calls.length = 0;
    expect(exp.sum3(a, b, c)).toBe(a + b + c);
    expect(host.calls).toEqual([
      [a, b],
      [a + b, c],
    ]);
    expect(exp.sum3(2n ** 63n - 1n, 1n, 0n)).toBe(-(2n ** 63n));
    expect(exp.sum3(-1n, -1n, -1n)).toBe(-3n);
    expect(() => exp.sum3(1, 2n, 3n)).toThrow(TypeError);
  });

  it('a memory grown through one module is seen by the module sharing it and by the glue', () => {
    expect(exp.pages()).toBe(1);
    expect(exp.far(2)).toBe('far');
    expect(exp.pages()).toBe(3);
    expect(exp.far(1)).toBe('far');
    expect(exp.pages()).toBe(4);
  });
});

it('the fixture gives the same answers compiled to WebAssembly', async () => {
  const { entry } = await emit({ instantiation: 'async', js: false });
  const host = recordingHost();
  const exp = await (await import(pathToFileURL(entry).href)).instantiate(
    (f: string) => WebAssembly.compile(readFileSync(join(dirname(entry), f))),
    host.imports,
  );
  expect(exp.sum3(2n ** 40n + 7n, -(2n ** 35n), 2n ** 62n + 3n)).toBe(2n ** 40n + 7n - 2n ** 35n + 2n ** 62n + 3n);
  expect(exp.far(2)).toBe('far');
  expect(exp.pages()).toBe(3);
});

describe('without WebAssembly', () => {
  it('the self-instantiating module runs in a Node process that has no WebAssembly', async () => {
    const { entry } = await emit({ map: { 'local:test/host': hostUrl } });
    const script = `
delete globalThis.WebAssembly;
const m = await import(${JSON.stringify(pathToFileURL(entry).href)});
const out = [typeof WebAssembly, String(m.sum3(2n ** 40n, 2n ** 41n, -1n)), m.far(3), m.pages()];
try { m.far(40000); } catch (e) { out.push(e.constructor.name + ': ' + e.message); }
console.log(JSON.stringify(out));`;
    const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    const [kind, sum, far, pages, trap] = JSON.parse(stdout);
    expect(kind).toBe('undefined');
    expect(sum).toBe(String(2n ** 40n + 2n ** 41n - 1n));
    expect(far).toBe('far');
    expect(pages).toBe(4);
    // The allocator cannot grow past 2 GiB; the string it points at is then out of bounds.
    expect(trap).toMatch(/^Error: .*out of bounds of memory/);
  });
});

describe('ESM output', () => {
  it('with --tla-compat and --minify exports $init, then the functions', async () => {
    const { entry } = await emit({ map: { 'local:test/host': hostUrl }, tlaCompat: true, minify: true });
    const m = await import(pathToFileURL(entry).href);
    await m.$init;
    expect(m.sum3(1n, 2n, 2n ** 50n)).toBe(3n + 2n ** 50n);
    expect(m.far(1)).toBe('far');
  });
});

describe('output', () => {
  it('is byte-identical for identical input', async () => {
    const a = await transpile(bytes, { name: 'c', js: true, instantiation: 'sync', cacheDir: false });
    // A fresh copy of the transpiler, so that nothing converted above is reused.
    vi.resetModules();
    const fresh = (await import('../src/index.js')).transpile;
    expect(fresh).not.toBe(transpile);
    const b = await fresh(bytes, { name: 'c', js: true, instantiation: 'sync', cacheDir: false });
    expect(Object.keys(a.files)).toEqual(Object.keys(b.files));
    for (const f of Object.keys(a.files)) expect(Buffer.from(b.files[f]!).equals(Buffer.from(a.files[f]!))).toBe(true);
  });

  it('declares instantiate(imports) in instantiation mode', async () => {
    const { files } = await emit({ instantiation: 'async' });
    expect(new TextDecoder().decode(files['c.d.ts'])).toContain('export function instantiate(imports: ImportObject): Exports | Promise<Exports>;');
  });

  it('refuses core modules crossing the component boundary, which would be WebAssembly.Modules', async () => {
    const imports = await assembleWat(`(component
  (import "m" (core module $M (export "seven" (func (result i32)))))
  (core instance $i (instantiate $M))
  (func (export "seven") (result u32) (canon lift (core func $i "seven"))))`);
    await expect(transpile(imports, { js: true })).rejects.toThrow(/^js: core module import 'm' would be a WebAssembly.Module supplied at run time/);
    const exports = await assembleWat(`(component
  (core module $M (func (export "nine") (result i32) (i32.const 9)))
  (export "m" (core module $M)))`);
    await expect(transpile(exports, { js: true })).rejects.toThrow(/^js: the component exports core module 0/);
  });

  it('a core module wasm2js cannot convert is a WeftError naming it, and conversion goes on working', async () => {
    const throws = await assembleWat(`(component
  (core module $M (tag $t)
    (func (export "f") (result i32) (block $b (result i32) (try_table (result i32) (catch $t $b) (throw $t)))))
  (core instance $i (instantiate $M))
  (func (export "f") (result u32) (canon lift (core func $i "f"))))`);
    await expect(transpile(throws, { js: true, cacheDir: false })).rejects.toThrow(/^js: binaryen's wasm2js cannot convert core module 0/);
    const { entry } = await emit({ instantiation: 'sync', cacheDir: false });
    expect((await import(pathToFileURL(entry).href)).instantiate(recordingHost().imports).sum3(1n, 2n, 3n)).toBe(6n);
  });

  it("refuses asyncMode 'jspi', which suspends through WebAssembly", async () => {
    await expect(transpile(bytes, { js: true, asyncMode: 'jspi' })).rejects.toThrow(WeftError);
    await expect(transpile(bytes, { js: true, asyncMode: 'jspi' })).rejects.toThrow(/js: asyncMode 'jspi'/);
  });
});
