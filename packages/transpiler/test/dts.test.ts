/**
 * The `.d.ts` names the world's named types (records, variants, enums, flags) once each and
 * refers to them by name, and every declaration file weft writes for the fixtures is valid
 * TypeScript under `strict`.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { transpile } from '../src/index.js';
import { assembleWat, readFixture } from './harness.js';

const work = mkdtempSync(join(tmpdir(), 'weft-dts-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function dtsOf(bytes: Uint8Array, instantiation: boolean): Promise<string> {
  const { files } = await transpile(bytes, { name: 'c', ...(instantiation ? { instantiation: 'async' as const } : {}) });
  return new TextDecoder().decode(files['c.d.ts']);
}

/** TypeScript's diagnostics for declaration files, as `file: message` lines. */
function typeErrors(files: Record<string, string>): string[] {
  const dir = mkdtempSync(join(work, 'check-'));
  const paths = Object.entries(files).map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
  const program = ts.createProgram(paths, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

// Two interfaces each export a record named `point`, of different shapes.
const TWO_POINTS = `(component
  (core module $m (func (export "f") (param i32 i32)) (func (export "g") (param i32)))
  (core instance $i (instantiate $m))
  (type $p1 (record (field "x" u32) (field "y" u32)))
  (type $p2 (record (field "z" u32)))
  (func $f (param "p" $p1) (canon lift (core func $i "f")))
  (func $g (param "p" $p2) (canon lift (core func $i "g")))
  (instance $one (export "point" (type $p1)) (export "f" (func $f)))
  (instance $two (export "point" (type $p2)) (export "g" (func $g)))
  (export "a:b/one" (instance $one))
  (export "a:b/two" (instance $two)))`;

// A named record holding a stream and a future, going in and coming out.
const ASYNC_RECORD = `(component
  (core module $m
    (memory (export "mem") 1)
    (func (export "take") (param i32 i32) (result i32) (i32.const 0))
    (func (export "give") (result i32) (i32.const 0)))
  (core instance $i (instantiate $m))
  (type $w (record (field "body" (stream u8)) (field "done" (future u32))))
  (export $we "wrapped" (type $w))
  (func (export "take") (param "w" $we) (result u32) (canon lift (core func $i "take")))
  (func (export "give") (result $we) (canon lift (core func $i "give") (memory (core memory $i "mem")))))`;

describe('.d.ts', () => {
  it('a named type holding a stream or future has an Input form for what the host passes in', async () => {
    const dts = await dtsOf(await assembleWat(ASYNC_RECORD), false);
    expect(dts).toContain('export type Wrapped = { body: ReadableStream<Uint8Array>; done: PromiseLike<number> };');
    expect(dts).toContain(
      'export type WrappedInput = { body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array>; done: number | PromiseLike<number> };',
    );
    expect(dts).toMatch(/take\(w: WrappedInput\): number;/);
    expect(dts).toMatch(/give\(\): Wrapped;/);
    expect(typeErrors({ 'c.d.ts': dts })).toEqual([]);
  });

  it('declares each named type once and refers to it by name; a shared name gets a suffix', async () => {
    const dts = await dtsOf(await assembleWat(TWO_POINTS), false);
    expect(dts).toContain('export type Point = { x: number; y: number };');
    expect(dts).toContain('export type Point2 = { z: number };');
    expect(dts).toMatch(/f\(p: Point\): void;/);
    expect(dts).toMatch(/g\(p: Point2\): void;/);
    expect(dts.match(/export type Point =/g)).toHaveLength(1);
  });

  it('names the records, variants, enums and flags of the value fixtures', async () => {
    const dts = await dtsOf(await assembleWat(readFixture('values-forward.wat')), true);
    const declared = [...dts.matchAll(/^export type (\w+) = /gm)].map((m) => m[1]);
    expect(declared.length).toBeGreaterThan(3);
    for (const name of declared) expect(dts.split(name).length, name).toBeGreaterThan(2);
  });

  it('keeps the WIT names of records an imported interface with a resource defines', async () => {
    // Binding the interface's resource substitutes its types; the copies keep their names.
    const dts = await dtsOf(await assembleWat(readFixture('validation-shim-reexport.wat')), false);
    expect(dts).toContain('export type Instant = { seconds: bigint; nanoseconds: number };');
    expect(dts).toContain('export type Options = { at: Instant | undefined };');
    expect(dts).toMatch(/opts\(o: Options\): void;/);
  });

  it('every fixture gives declarations that type-check, in both output forms', async () => {
    const fixtures = readdirSync(fileURLToPath(new URL('./fixtures/', import.meta.url))).filter((f) => f.endsWith('.wat'));
    const files: Record<string, string> = { 'two-points.d.ts': await dtsOf(await assembleWat(TWO_POINTS), false) };
    for (const f of fixtures) {
      const bytes = await assembleWat(readFixture(f));
      files[`${f}.esm.d.ts`] = await dtsOf(bytes, false);
      files[`${f}.instantiate.d.ts`] = await dtsOf(bytes, true);
    }
    mkdirSync(work, { recursive: true });
    expect(typeErrors(files)).toEqual([]);
  });
});
