/**
 * The generated ES module run against real host modules: one that implements the
 * component's imports while it imports the component itself, and the modules a world's own
 * imports (a resource and a function, not in an interface) resolve to, mapped and not.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { TranspileOptions } from '../src/index.js';
import { transpileWith } from './engine-transpile.js';
import { assembleWat, engine, loadWat, readFixture } from './harness.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A directory holding the transpiled component under out/ and the given host files. */
async function project(wat: string, opts: TranspileOptions, files: Record<string, string>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'weft-host-module-'));
  dirs.push(dir);
  const { files: out } = await transpileWith(await assembleWat(wat), { name: 'component', noTypescript: true, ...opts });
  const all: Record<string, string | Uint8Array> = { 'package.json': '{ "type": "module" }', ...files };
  for (const [f, d] of Object.entries(out)) all[join('out', f)] = d;
  for (const [f, d] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), d);
  }
  return dir;
}

/** `node <script>` in `dir`; the script prints its results as JSON. */
function runNode(dir: string, script: string): unknown {
  const r = spawnSync(process.execPath, [script], { cwd: dir, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
}

// Implements example:component/backend and uses the component's exports, which call back
// into it; `Scalars` is a class, so it is uninitialised until this module runs.
const BACKEND_HOST = `import { doubled, zero, read, make, atStart } from './out/component.js';
export class Scalars {
  constructor(x) { this.x = x; }
  get() { return this.x; }
  static zero() { return new Scalars(0); }
}
export function double(x) { return x * 2; }
export const results = { doubled: doubled(21), zero: zero(), read: read(new Scalars(7)), made: make(3) instanceof Scalars, atStart: atStart() };
console.log(JSON.stringify(results));
`;
const BACKEND_RESULTS = { doubled: 42, zero: 0, read: 7, made: true, atStart: 42 };

describe('a host module that imports the component it implements the imports of', () => {
  it('runs as `node host.js`: functions and a resource class are read when first used', async () => {
    const dir = await project(readFixture('imports-host-module.wat'), { map: { 'example:component/backend': '../host.js' } }, { 'host.js': BACKEND_HOST });
    expect(runNode(dir, 'host.js')).toEqual(BACKEND_RESULTS);
  });

  it('is imported in-process', async () => {
    const dir = await project(readFixture('imports-host-module.wat'), { map: { 'example:component/backend': '../host.js' } }, { 'host.js': BACKEND_HOST });
    const m = await import(pathToFileURL(join(dir, 'host.js')).href);
    expect(m.results).toEqual(BACKEND_RESULTS);
  });

  // jco cannot transpile an imported instance nested in another.
  it.skipIf(engine === 'jco')('reads an instance nested in an import on first use too', async () => {
    const nested = `(component
      (import "local:test/outer" (instance $outer
        (export "inner" (instance (export "double" (func (param "x" u32) (result u32)))))))
      (alias export $outer "inner" (instance $inner))
      (core func $double (canon lower (func $inner "double")))
      (core module $m
        (import "h" "double" (func $double (param i32) (result i32)))
        (func (export "run") (param i32) (result i32) (call $double (local.get 0))))
      (core instance $i (instantiate $m (with "h" (instance (export "double" (func $double))))))
      (func (export "run") (param "x" u32) (result u32) (canon lift (core func $i "run"))))`;
    const dir = await project(
      nested,
      { map: { 'local:test/outer': '../host.js' } },
      {
        'host.js': `import { run } from './out/component.js';\nexport const inner = { double: (x) => x * 2 };\nconsole.log(JSON.stringify(run(21)));\n`,
      },
    );
    expect(runNode(dir, 'host.js')).toBe(42);
  });
});

// The world's own imports: resource `r` (constructor, method `m`, static `s`) and `test`.
const ROOT_IMPORT = `import { run, fromStatic, read, make } from './out/component.js';\n`;
const ROOT_USE = `export const results = { run: run(1), fromStatic: fromStatic(), read: read(new R(9)), made: make(3) instanceof R };
console.log(JSON.stringify(results));
`;
const R_CLASS = `class R {
  constructor(x) { this.x = x; }
  m() { return this.x; }
  static s() { return new R(5); }
}`;
const ROOT_RESULTS = { run: 101, fromStatic: 5, read: 9, made: true };

describe('resources and functions a world imports itself', () => {
  it('--map picks the host module export for the plain import name', async () => {
    const dir = await project(
      readFixture('imports-root.wat'),
      { map: { r: '../host.js#R', test: '../host.js#test' } },
      {
        'host.js': `${ROOT_IMPORT}export ${R_CLASS}\nexport function test(x) { return x + 100; }\n${ROOT_USE}`,
      },
    );
    expect(runNode(dir, 'host.js')).toEqual(ROOT_RESULTS);
  });

  it('without a map, each is the default export of the module named like the import', async () => {
    const pkg = (name: string, code: string) => ({
      [`node_modules/${name}/package.json`]: JSON.stringify({ name, type: 'module', exports: './index.js' }),
      [`node_modules/${name}/index.js`]: code,
    });
    const dir = await project(
      readFixture('imports-root.wat'),
      {},
      {
        ...pkg('r', `export default ${R_CLASS}\n`),
        ...pkg('test', 'export default function test(x) { return x + 100; }\n'),
        'main.js': `import R from 'r';\n${ROOT_IMPORT}${ROOT_USE}`,
      },
    );
    expect(runNode(dir, 'main.js')).toEqual(ROOT_RESULTS);
  });

  it('in instantiation mode, each is the default member of its import', async () => {
    const R = new Function(`return ${R_CLASS}`)();
    const e = await loadWat(readFixture('imports-root.wat'), { r: { default: R }, test: { default: (x: number) => x + 100 } });
    expect({ run: e.run(1), fromStatic: e.fromStatic(), read: e.read(new R(9)), made: e.make(3) instanceof R }).toEqual(ROOT_RESULTS);
  });

  it('are listed, and typed in the .d.ts, by their plain names', async () => {
    const r = await transpileWith(await assembleWat(readFixture('imports-root.wat')), { name: 'c', instantiation: 'async' });
    expect(r.imports).toEqual(['r', 'test']);
    // jco's declaration file for these imports is not valid TypeScript.
    if (engine === 'jco') return;
    const dts = new TextDecoder().decode(r.files['c.d.ts']);
    expect(dts).toContain('type R = object;');
    expect(dts).toContain('"r": { default: Function };\n  "test": { default(x: number): number };\n}');
  });
});
