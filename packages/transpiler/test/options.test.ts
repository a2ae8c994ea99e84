import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { transpile, type TranspileOptions } from '../src/index.js';
import { assembleWat } from './harness.js';

// A component importing `local:test/host@1.0.0` and exporting `local:test/api@1.0.0` plus `twice`.
const WAT = `(component
  (import "local:test/host@1.0.0" (instance $h (export "inc" (func (param "x" u32) (result u32)))))
  (core func $inc (canon lower (func $h "inc")))
  (core module $m
    (import "h" "inc" (func $inc (param i32) (result i32)))
    (func (export "twice") (param i32) (result i32) (call $inc (call $inc (local.get 0))))
    (func (export "id") (param i32) (result i32) (local.get 0)))
  (core instance $i (instantiate $m (with "h" (instance (export "inc" (func $inc))))))
  (func $id (param "x" u32) (result u32) (canon lift (core func $i "id")))
  (instance $api (export "id" (func $id)))
  (export "local:test/api@1.0.0" (instance $api))
  (func (export "twice") (param "x" u32) (result u32) (canon lift (core func $i "twice"))))`;

let bytes: Uint8Array;
let work: string;
let hostUrl: string;
let n = 0;

beforeAll(async () => {
  bytes = await assembleWat(WAT);
  work = mkdtempSync(join(tmpdir(), 'weft-options-'));
  const host = join(work, 'host.mjs');
  writeFileSync(host, 'export const inc = (x) => x + 1;\nexport const host = { inc: (x) => x + 10 };\n');
  hostUrl = pathToFileURL(host).href;
});

async function emit(opts: TranspileOptions): Promise<{ dir: string; files: Record<string, Uint8Array>; js: string }> {
  const r = await transpile(bytes, { name: 'c', ...opts });
  const dir = join(work, `out${n++}`);
  mkdirSync(dir);
  for (const [f, d] of Object.entries(r.files)) writeFileSync(join(dir, f), d);
  return { dir, files: r.files, js: new TextDecoder().decode(r.files['c.js']) };
}

describe('transpile options', () => {
  it('ESM output instantiates on import, with imports remapped by --map', async () => {
    const { dir, js } = await emit({ map: { 'local:test/host': hostUrl } });
    expect(js).toContain(`from ${JSON.stringify(hostUrl)}`);
    const m = await import(pathToFileURL(join(dir, 'c.js')).href);
    expect(m.twice(1)).toBe(3);
    expect(m.api.id(7)).toBe(7);
    expect(m['local:test/api@1.0.0']).toBe(m.api);
  });

  it('a wildcard map with a #export target picks a named export', async () => {
    const { dir, js } = await emit({ map: { 'local:test/*': `${hostUrl}#*` } });
    expect(js).toMatch(/import \{ host as \$i0 \} from/);
    const m = await import(pathToFileURL(join(dir, 'c.js')).href);
    expect(m.twice(1)).toBe(21);
  });

  it('--no-namespaced-exports exports interfaces by their short name only', async () => {
    const { dir } = await emit({ map: { 'local:test/host': hostUrl }, noNamespacedExports: true });
    const m = await import(pathToFileURL(join(dir, 'c.js')).href);
    expect(Object.keys(m).sort()).toEqual(['api', 'twice']);
  });

  it('--tla-compat exports a $init promise instead of awaiting at the top level', async () => {
    const { dir, js } = await emit({ map: { 'local:test/host': hostUrl }, tlaCompat: true });
    expect(js).not.toMatch(/^const \$exports = await/m);
    const m = await import(pathToFileURL(join(dir, 'c.js')).href);
    expect(m.twice).toBeUndefined();
    await m.$init;
    expect(m.twice(2)).toBe(4);
  });

  it('--base64-cutoff inlines small core modules into the glue', async () => {
    const { dir, files } = await emit({ map: { 'local:test/host': hostUrl }, base64Cutoff: 100_000 });
    expect(Object.keys(files).some((f) => f.endsWith('.wasm'))).toBe(false);
    const m = await import(pathToFileURL(join(dir, 'c.js')).href);
    expect(m.twice(5)).toBe(7);
  });

  it('sync instantiation takes compiled modules and returns the exports directly', async () => {
    const { dir } = await emit({ instantiation: 'sync' });
    const { instantiate } = await import(pathToFileURL(join(dir, 'c.js')).href);
    const e = instantiate((f: string) => new WebAssembly.Module(readFileSync(join(dir, f))), { 'local:test/host': { inc: (x: number) => x * 3 } });
    expect(e.twice(1)).toBe(9);
  });

  it('instantiation mode accepts versioned or unversioned import keys and names a missing import', async () => {
    const { dir } = await emit({ instantiation: 'async' });
    const { instantiate } = await import(pathToFileURL(join(dir, 'c.js')).href);
    const load = (f: string) => WebAssembly.compile(readFileSync(join(dir, f)));
    const v = await instantiate(load, { 'local:test/host@1.0.0': { inc: (x: number) => x + 2 } });
    expect(v.twice(0)).toBe(4);
    await expect(instantiate(load, {})).rejects.toThrow(/missing import: local:test\/host@1\.0\.0/);
    await expect(instantiate(load, { 'local:test/host': {} })).rejects.toThrow(/missing import: local:test\/host@1\.0\.0#inc/);
  });

  it('writes a .d.ts for the world unless --no-typescript', async () => {
    const esm = await emit({});
    const dts = new TextDecoder().decode(esm.files['c.d.ts']);
    expect(dts).toMatch(/twice\(x: number\): number;/);
    expect(dts).toMatch(/export declare const api: Exports\["api"\];/);
    const inst = await emit({ instantiation: 'async' });
    expect(new TextDecoder().decode(inst.files['c.d.ts'])).toMatch(
      /export interface ImportObject \{\n {2}"local:test\/host@1\.0\.0": \{ inc\(x: number\): number; \};/,
    );
    expect((await emit({ noTypescript: true })).files['c.d.ts']).toBeUndefined();
  });

  it('in the async modes the .d.ts says every export returns a promise', async () => {
    for (const asyncMode of ['jspi', 'asyncify'] as const) {
      const dts = new TextDecoder().decode((await emit({ asyncMode, asyncExports: ['twice', 'local:test/api#id'] })).files['c.d.ts']);
      expect(dts).toMatch(/twice\(x: number\): Promise<number>;/);
      expect(dts).toMatch(/id\(x: number\): Promise<number>;/);
    }
  });

  it('asyncImports and asyncExports name what exists, in an async mode', async () => {
    await expect(emit({ asyncImports: ['local:test/host#inc'] })).rejects.toThrow("asyncImports needs asyncMode 'jspi' or 'asyncify'");
    await expect(emit({ asyncExports: ['twice'] })).rejects.toThrow("asyncExports needs asyncMode 'jspi' or 'asyncify'");
    await expect(emit({ asyncMode: 'jspi', asyncExports: ['thrice'] })).rejects.toThrow("asyncExports: the component exports no function 'thrice'");
    await expect(emit({ asyncMode: 'jspi', asyncExports: ['local:test/api@1.0.0#twice'] })).rejects.toThrow('no function');
  });

  it('--minify shrinks the glue and keeps it working', async () => {
    const plain = await emit({ map: { 'local:test/host': hostUrl } });
    const min = await emit({ map: { 'local:test/host': hostUrl }, minify: true });
    expect(min.js.length).toBeLessThan(plain.js.length);
    const m = await import(pathToFileURL(join(min.dir, 'c.js')).href);
    expect(m.twice(1)).toBe(3);
  });

  it('emits only the helpers a component uses', async () => {
    const { js } = await emit({});
    expect(js).not.toMatch(/\$lowerUtf8|\$Table|\$liftChar|ComponentError/);
  });

  it('an add(u32, u32) component minifies to under 2 KiB of glue', async () => {
    const add = await assembleWat(`(component
      (core module $m (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
      (core instance $i (instantiate $m))
      (func (export "add") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "add"))))`);
    const r = await transpile(add, { minify: true });
    expect(r.files['component.js']!.length).toBeLessThan(2048);
  });

  it('in sync mode, an import returning a Promise is a TypeError naming the import and the mode', async () => {
    const { dir } = await emit({ instantiation: 'async' });
    const { instantiate } = await import(pathToFileURL(join(dir, 'c.js')).href);
    const e = await instantiate((f: string) => WebAssembly.compile(readFileSync(join(dir, f))), {
      'local:test/host': { inc: async (x: number) => x + 1 },
    });
    expect(() => e.twice(1)).toThrow(/local:test\/host@1\.0\.0#inc returned a Promise.*asyncMode 'jspi' or 'asyncify'/);
  });

  it('jspi output says so when the engine has no JavaScript Promise Integration', async () => {
    const { dir, js } = await emit({ instantiation: 'async', asyncMode: 'jspi', asyncImports: ['local:test/host#inc'] });
    expect(js).toContain('new WebAssembly.Suspending(');
    expect(js).toContain('WebAssembly.promising(');
    const { instantiate } = await import(pathToFileURL(join(dir, 'c.js')).href);
    const load = (f: string) => WebAssembly.compile(readFileSync(join(dir, f)));
    const host = { 'local:test/host': { inc: async (x: number) => x + 1 } };
    if (typeof (WebAssembly as { Suspending?: unknown }).Suspending === 'function') {
      const e = await instantiate(load, host);
      await expect(e.twice(1)).resolves.toBe(3);
    } else {
      await expect(instantiate(load, host)).rejects.toThrow(/JavaScript Promise Integration/);
    }
  });
});
