import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCFixture, buildWatComponent } from '@weft/e2e/fixtures';
import { ComponentCompiler, partOf } from '../src/compile.js';
import { isComponent, isComponentFile } from '../src/detect.js';
import { globToRegExp } from '../src/glob.js';
import { componentOptions, isolationHeaders } from '../src/options.js';
import { ADD_CORE_WASM } from './app.js';

const work = fileURLToPath(new URL('../.cache/compile', import.meta.url));
let hello: Uint8Array;
let n = 0;

/** A fresh project directory (inside the package, so the shims resolve) holding `hello.wasm`. */
function project(): { root: string; file: string } {
  const root = join(work, `p${n++}`);
  mkdirSync(join(root, 'src'), { recursive: true });
  const file = join(root, 'src', 'hello.wasm');
  writeFileSync(file, hello);
  return { root, file };
}

beforeAll(async () => {
  rmSync(work, { recursive: true, force: true });
  hello = await buildCFixture('hello');
});

describe('detecting components', () => {
  it('claims a component by its header and leaves core modules and other files alone', () => {
    expect(isComponent(hello)).toBe(true);
    expect(isComponent(ADD_CORE_WASM)).toBe(false);
    expect(isComponent(hello.subarray(0, 7))).toBe(false);
    expect(isComponent(new TextEncoder().encode('<!doctype html>'))).toBe(false);
    const { file } = project();
    expect(isComponentFile(file)).toBe(true);
    expect(isComponentFile(join(work, 'missing.wasm'))).toBe(false);
  });

  it("parts by query; dev-server parameters are ignored, other queries are the bundler's", () => {
    expect(partOf('')).toBe('module');
    expect(partOf('?instantiate')).toBe('instantiate');
    expect(partOf('?weft-host&t=1700000000')).toBe('host');
    expect(partOf('?import&weft-glue')).toBe('glue');
    expect(partOf('?url')).toBeUndefined();
    expect(partOf('?instantiate&url')).toBeUndefined();
  });
});

describe('options', () => {
  it('globs match relative paths; a pattern without a slash matches the base name anywhere', () => {
    expect(globToRegExp('src/**/*.wasm').test('src/a/b/c.wasm')).toBe(true);
    expect(globToRegExp('src/**/*.wasm').test('src/c.wasm')).toBe(true);
    expect(globToRegExp('src/*.wasm').test('src/a/c.wasm')).toBe(false);
    expect(globToRegExp('app.wasm').test('deep/dir/app.wasm')).toBe(true);
    expect(globToRegExp('app.wasm').test('deep/dir/myapp.wasm')).toBe(false);
  });

  it('per-file options apply in order over the shared ones', () => {
    const o = { transpile: { asyncMode: 'jspi' as const, minify: true }, files: { 'src/**': { asyncMode: 'asyncify' as const }, 'x.wasm': { lazy: true } } };
    expect(componentOptions(o, 'src/x.wasm')).toEqual({ asyncMode: 'asyncify', minify: true, lazy: true });
    expect(componentOptions(o, 'lib/y.wasm')).toEqual({ asyncMode: 'jspi', minify: true });
  });

  it('crossOriginIsolation gives COOP and COEP', () => {
    expect(isolationHeaders(undefined)).toEqual({});
    expect(isolationHeaders(true)['Cross-Origin-Embedder-Policy']).toBe('require-corp');
    expect(isolationHeaders('credentialless')['Cross-Origin-Embedder-Policy']).toBe('credentialless');
  });
});

describe('ComponentCompiler', () => {
  it('browser glue points at the cached core modules with literal relative URLs and has no Node branch', async () => {
    const { root, file } = project();
    const js = await new ComponentCompiler(root).module(file, 'module', 'browser');
    const urls = [...js.matchAll(/new URL\("([^"]+)", import\.meta\.url\)/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThan(0);
    for (const u of urls) {
      expect(u).toMatch(/^\.\.\/node_modules\/\.cache\/weft\/[0-9a-f]{24}\/hello\.core\d*\.wasm$/);
      expect(isComponent(readFileSync(join(root, 'src', u)))).toBe(false);
    }
    expect(js).not.toMatch(/node:|process/);
    const node = await new ComponentCompiler(root).module(file, 'module', 'node');
    expect(node).toContain("import('node:fs/promises')");
  });

  it('concurrent importers share one transpile; a second compiler on the same cache transpiles nothing', async () => {
    const { root, file } = project();
    const seen: string[] = [];
    const a = new ComponentCompiler(root, { onTranspile: (f) => seen.push(f) });
    const [x, y, z] = await Promise.all([a.module(file, 'module', 'browser'), a.module(file, 'module', 'browser'), a.module(file, 'module', 'browser')]);
    expect(seen).toEqual(['src/hello.wasm']);
    expect(y).toBe(x);
    expect(z).toBe(x);
    const b = new ComponentCompiler(root, { onTranspile: (f) => seen.push(f) });
    expect(await b.module(file, 'module', 'browser')).toBe(x);
    expect(seen).toHaveLength(1);
    // Other options, other output.
    const c = new ComponentCompiler(root, { transpile: { minify: true }, onTranspile: (f) => seen.push(f) });
    expect((await c.module(file, 'module', 'browser')).length).toBeLessThan(x.length);
    expect(seen).toHaveLength(2);
  });

  it('writes <name>.d.wasm.ts beside the component once, and again only when it changes', async () => {
    const { root, file } = project();
    const c = new ComponentCompiler(root);
    await c.module(file, 'module', 'browser');
    const dts = join(root, 'src', 'hello.d.wasm.ts');
    expect(readFileSync(dts, 'utf8')).toMatch(/export declare const run: Exports\["run"\];/);
    const before = statSync(dts).mtimeMs;
    await c.module(file, 'module', 'node');
    expect(statSync(dts).mtimeMs).toBe(before);
    const off = project();
    await new ComponentCompiler(off.root, { dts: false }).module(off.file, 'module', 'browser');
    expect(() => statSync(join(off.root, 'src', 'hello.d.wasm.ts'))).toThrow();
  });

  it('a missing shim is an error naming the package to install', async () => {
    const root = mkdtempSync(join(tmpdir(), 'weft-noshims-'));
    const file = join(root, 'app.wasm');
    writeFileSync(file, hello);
    await expect(new ComponentCompiler(root).module(file, 'module', 'browser')).rejects.toThrow(
      /app\.wasm imports @weft\/wasi-(cli|io|clocks|filesystem|random), which is not installed in .*: add @weft\/wasi-\w+ to the app's dependencies \(npm install @weft\/wasi-/,
    );
  });

  it('a WASI 0.3 import needs the package whose p3 entry point serves it', async () => {
    const p3 = await buildWatComponent(`(component
      (type $list (list string))
      (import "wasi:cli/environment@0.3.0" (instance $env (export "get-arguments" (func (result $list)))))
      (core module $m (memory (export "m") 1)
        (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024)))
      (core instance $mi (instantiate $m))
      (core func $args (canon lower (func $env "get-arguments") (memory (core memory $mi "m")) (realloc (core func $mi "realloc"))))
      (core module $g (import "h" "args" (func (param i32))) (func (export "go")))
      (core instance $gi (instantiate $g (with "h" (instance (export "args" (func $args))))))
      (func (export "go") (canon lift (core func $gi "go"))))`);
    const bare = mkdtempSync(join(tmpdir(), 'weft-noshims-'));
    writeFileSync(join(bare, 'app.wasm'), p3);
    await expect(new ComponentCompiler(bare).module(join(bare, 'app.wasm'), 'module', 'browser')).rejects.toThrow(
      /app\.wasm imports @weft\/wasi-cli\/p3, which is not installed in .*: add @weft\/wasi-cli to the app's dependencies \(npm install @weft\/wasi-cli\)/,
    );
    const { root, file } = project();
    writeFileSync(file, p3);
    expect(await new ComponentCompiler(root).module(file, 'module', 'browser')).toContain('"@weft/wasi-cli/p3"');
  });

  it('a malformed component names the file and the byte offset', async () => {
    const { root, file } = project();
    writeFileSync(file, hello.subarray(0, 40));
    await expect(new ComponentCompiler(root).module(file, 'module', 'browser')).rejects.toThrow(
      /^src\/hello\.wasm is not a component weft can transpile: .*offset/,
    );
    writeFileSync(file, ADD_CORE_WASM);
    await expect(new ComponentCompiler(root).module(file, 'module', 'browser')).rejects.toThrow('src/hello.wasm is not a WebAssembly component');
  });
});
