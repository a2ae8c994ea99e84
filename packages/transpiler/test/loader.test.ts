import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transpile, type TranspileOptions } from '../src/index.js';
import { assembleWat } from './harness.js';

// Imports `local:test/host@1.0.0` and `wasi:cli/environment@0.2.0`; exports `twice` and `argc`.
const WAT = `(component
  (import "local:test/host@1.0.0" (instance $h (export "inc" (func (param "x" u32) (result u32)))))
  (type $list (list string))
  (import "wasi:cli/environment@0.2.0" (instance $env (export "get-arguments" (func (result $list)))))
  (core module $mem (memory (export "m") 1) (global $p (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (global.get $p) (global.set $p (i32.add (global.get $p) (local.get 3)))))
  (core instance $mi (instantiate $mem))
  (core func $inc (canon lower (func $h "inc")))
  (core func $args (canon lower (func $env "get-arguments") (memory (core memory $mi "m")) (realloc (core func $mi "realloc"))))
  (core module $m
    (import "h" "inc" (func $inc (param i32) (result i32)))
    (import "h" "args" (func $args (param i32)))
    (import "h" "m" (memory 1))
    (func (export "twice") (param i32) (result i32) (call $inc (call $inc (local.get 0))))
    (func (export "argc") (result i32) (call $args (i32.const 0)) (i32.load offset=4 (i32.const 0))))
  (core instance $i (instantiate $m (with "h" (instance (export "inc" (func $inc)) (export "args" (func $args)) (export "m" (memory $mi "m"))))))
  (func (export "twice") (param "x" u32) (result u32) (canon lift (core func $i "twice")))
  (func (export "argc") (result u32) (canon lift (core func $i "argc"))))`;

let bytes: Uint8Array;
let work: string;
let hostUrl: string;
let server: Server;
let origin: string;
/** URL path -> [status, content type, body] */
const routes = new Map<string, [number, string, Uint8Array | string]>();
let n = 0;

beforeAll(async () => {
  bytes = await assembleWat(WAT);
  work = mkdtempSync(join(tmpdir(), 'weft-loader-'));
  const host = join(work, 'host.mjs');
  writeFileSync(host, ['export const host = { inc: (x) => x + 1 };', "export const environment = { getArguments: () => ['a', 'b', 'c'] };"].join('\n'));
  hostUrl = pathToFileURL(host).href;
  server = createServer((req, res) => {
    const [status, type, body] = routes.get(req.url ?? '') ?? [404, 'text/html', '<!doctype html><p>not here</p>'];
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((ok) => (server ? server.close(() => ok()) : ok())));

const MAP = { 'local:test/host': 'HOST#host', 'wasi:cli/environment': 'HOST#environment' };

async function emit(opts: TranspileOptions): Promise<{ dir: string; files: Record<string, Uint8Array>; text: (f: string) => string }> {
  const map = Object.fromEntries(Object.entries(MAP).map(([k, v]) => [k, v.replace('HOST', hostUrl)]));
  const r = await transpile(bytes, { name: 'c', map, ...opts });
  const dir = join(work, `out${n++}`);
  mkdirSync(dir);
  for (const [f, d] of Object.entries(r.files)) writeFileSync(join(dir, f), d);
  return { dir, files: r.files, text: (f) => new TextDecoder().decode(r.files[f]) };
}

const load = (dir: string, f = 'c.js') => import(pathToFileURL(join(dir, f)).href);

describe('target', () => {
  it('browser glue has no Node branch and fetches its core module', async () => {
    const { dir, files, text } = await emit({ target: 'browser', coreModuleUrl: (f) => JSON.stringify(`${origin}/browser/${f}`) });
    expect(text('c.js')).not.toMatch(/node:|process/);
    for (const f of ['c.core.wasm', 'c.core2.wasm']) routes.set(`/browser/${f}`, [200, 'application/wasm', files[f]!]);
    const m = await load(dir);
    expect(m.twice(1)).toBe(3);
  });

  it('node glue reads file: URLs from disk without asking whether it runs on Node', async () => {
    const { dir, text } = await emit({ target: 'node' });
    expect(text('c.js')).toContain("import('node:fs/promises')");
    expect(text('c.js')).not.toContain('process');
    expect((await load(dir)).argc()).toBe(3);
  });

  it('universal glue (the default) keeps both branches', async () => {
    const { dir, text } = await emit({});
    expect(text('c.js')).toMatch(/process\.versions\.node[\s\S]*node:fs\/promises[\s\S]*fetch\(url\)/);
    expect((await load(dir)).twice(2)).toBe(4);
  });

  it('an unknown target is a WeftError naming the choices', async () => {
    await expect(emit({ target: 'deno' as never })).rejects.toThrow("unknown target 'deno': expected 'browser', 'node', 'universal'");
  });
});

describe('coreModuleUrl', () => {
  it('sets the expression each core module is loaded from', async () => {
    const seen: string[] = [];
    const { text } = await emit({
      coreModuleUrl: (f) => {
        seen.push(f);
        return `import.meta.WEFT_URL_${seen.length}`;
      },
    });
    expect(seen).toEqual(['c.core.wasm', 'c.core2.wasm']);
    expect(text('c.js')).toContain('const $files = [import.meta.WEFT_URL_1, import.meta.WEFT_URL_2];');
    expect(text('c.js')).not.toContain('new URL("./c.core.wasm"');
  });

  it('is not consulted for modules inlined as base64', async () => {
    const seen: string[] = [];
    const { dir } = await emit({
      base64Cutoff: 1 << 20,
      coreModuleUrl: (f) => {
        seen.push(f);
        return '""';
      },
    });
    expect(seen).toEqual([]);
    expect((await load(dir)).twice(0)).toBe(2);
  });

  it('must be a function', async () => {
    await expect(emit({ coreModuleUrl: 'x' as never })).rejects.toThrow('coreModuleUrl must be a function');
  });
});

describe('loading core modules over HTTP', () => {
  it('names the URL and status when the server answers with an error page', async () => {
    const { dir } = await emit({ target: 'browser', coreModuleUrl: (f) => JSON.stringify(`${origin}/missing/${f}`) });
    await expect(load(dir)).rejects.toThrow(`could not load core module c.core.wasm from ${origin}/missing/c.core.wasm: HTTP 404`);
  });

  it('compiles wasm served under another content type', async () => {
    const { dir, files } = await emit({ target: 'browser', coreModuleUrl: (f) => JSON.stringify(`${origin}/octet/${f}`) });
    for (const f of ['c.core.wasm', 'c.core2.wasm']) routes.set(`/octet/${f}`, [200, 'application/octet-stream', files[f]!]);
    expect((await load(dir)).argc()).toBe(3);
  });

  it('compiles wasm whose application/wasm type has parameters, which engines refuse to stream', async () => {
    const { dir, files } = await emit({ target: 'browser', coreModuleUrl: (f) => JSON.stringify(`${origin}/param/${f}`) });
    for (const f of ['c.core.wasm', 'c.core2.wasm']) routes.set(`/param/${f}`, [200, 'application/wasm; charset=binary', files[f]!]);
    expect((await load(dir)).twice(3)).toBe(5);
  });
});

describe('instantiation mode: <name>.host.js', () => {
  it('imports the WASI shims; the glue itself imports nothing', async () => {
    const { text } = await emit({ instantiation: 'async', map: {} });
    expect(text('c.host.js')).toContain('import { environment as $i0 } from "@weft/wasi-cli";');
    expect(text('c.host.js')).toContain('const $defaults = { get "wasi:cli/environment@0.2.0"() { return $i0; } };');
    expect(text('c.host.d.ts')).toContain('export declare function imports(');
    expect(text('c.js')).not.toMatch(/^import /m);
  });

  it('builds a fresh instance per call, with overrides replacing whole interfaces', async () => {
    const { dir } = await emit({ instantiation: 'async' });
    const { instantiate } = await load(dir);
    const host = await load(dir, 'c.host.js');
    const a = await instantiate(host.loadCoreModule, host.imports());
    expect(a.twice(1)).toBe(3);
    expect(a.argc()).toBe(3);
    const b = await instantiate(
      host.loadCoreModule,
      host.imports({ 'local:test/host': { inc: (x: number) => x * 10 }, 'wasi:cli/environment@0.2.0': { getArguments: () => [] } }),
    );
    expect(b.twice(1)).toBe(100);
    expect(b.argc()).toBe(0);
    expect(a.twice(1)).toBe(3);
  });

  it('leaves imports nothing maps to the overrides, and the glue names them when missing', async () => {
    const { dir } = await emit({ instantiation: 'async', map: { 'wasi:cli/environment': `${hostUrl}#environment` } });
    const { instantiate } = await load(dir);
    const host = await load(dir, 'c.host.js');
    await expect(instantiate(host.loadCoreModule, host.imports())).rejects.toThrow('missing import: local:test/host@1.0.0');
    const e = await instantiate(host.loadCoreModule, host.imports({ 'local:test/host@1.0.0': { inc: (x: number) => x + 5 } }));
    expect(e.twice(0)).toBe(10);
  });

  it('loadCoreModule follows target and coreModuleUrl', async () => {
    const { dir, files, text } = await emit({ instantiation: 'async', target: 'browser', coreModuleUrl: (f) => JSON.stringify(`${origin}/host/${f}`) });
    expect(text('c.host.js')).not.toMatch(/node:|process/);
    for (const f of ['c.core.wasm', 'c.core2.wasm']) routes.set(`/host/${f}`, [200, 'application/wasm', files[f]!]);
    const { instantiate } = await load(dir);
    const host = await load(dir, 'c.host.js');
    expect((await instantiate(host.loadCoreModule, host.imports())).twice(4)).toBe(6);
    await expect(host.loadCoreModule('nope.wasm')).rejects.toThrow('no core module named nope.wasm');
  });

  it('is not written in ESM mode', async () => {
    const { files } = await emit({});
    expect(files['c.host.js']).toBeUndefined();
  });
});

describe('byte-identical output', () => {
  it('the same input and options give the same files', async () => {
    const a = await emit({ instantiation: 'async', target: 'browser' });
    const b = await emit({ instantiation: 'async', target: 'browser' });
    for (const f of Object.keys(a.files)) expect(readFileSync(join(b.dir, f))).toEqual(Buffer.from(a.files[f]!));
  });
});
