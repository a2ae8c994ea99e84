/**
 * Input of any depth ends in a result or a `WeftError`, never a RangeError from the native
 * stack: nesting that the component model allows without bound (components in components,
 * chains of instantiations) is walked with explicit stacks, and nesting it bounds (value
 * types, as wasmparser does) is refused at the definition that crosses the limit.
 */
import { describe, expect, test } from 'vitest';
import { WeftError, transpile } from '../src/index.js';
import { MAX_TYPE_DECL_DEPTH } from '../src/decode/types.js';
import { MAX_TYPE_DEPTH, MAX_TYPE_SIZE } from '../src/types/resolve.js';
import { assembleWat } from './harness.js';
import { componentTypesNested, componentsNested, instantiationChain } from './deep-inputs.js';

async function importGlue(files: Record<string, Uint8Array>): Promise<Record<string, unknown>> {
  const js = new TextDecoder().decode(files['component.js']);
  return import(`data:text/javascript;base64,${Buffer.from(js).toString('base64')}`);
}

/** A component whose export takes a list nested `depth` deep, each level its own type. */
function nestedListWat(depth: number): string {
  let types = '(type $t1 (list u8))\n';
  for (let i = 2; i <= depth; i++) types += `(type $t${i} (list $t${i - 1}))\n`;
  return `(component
    (core module $m
      (memory (export "mem") 1)
      (func (export "f") (param i32 i32))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) i32.const 0))
    (core instance $i (instantiate $m))
    ${types}
    (func $f (param "x" $t${depth}) (canon lift (core func $i "f") (memory (core memory $i "mem")) (realloc (core func $i "realloc"))))
    (export "f" (func $f)))`;
}

async function rejection(p: Promise<unknown>): Promise<WeftError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WeftError);
  return err as WeftError;
}

describe('deep input', () => {
  test('components nested 10,000 deep transpile', async () => {
    const { files } = await transpile(componentsNested(10_000), { instantiation: 'async' });
    expect(Object.keys(await importGlue(files))).toContain('instantiate');
  });

  test('a chain of 10,000 instantiations transpiles', async () => {
    const { files } = await transpile(instantiationChain(10_000), { instantiation: 'async' });
    expect(Object.keys(await importGlue(files))).toContain('instantiate');
  });

  test(`component types nested more than ${MAX_TYPE_DECL_DEPTH} deep are refused where the limit is crossed`, async () => {
    expect((await transpile(componentTypesNested(MAX_TYPE_DECL_DEPTH, 'component'))).files['component.js']).toBeDefined();
    for (const kind of ['component', 'instance'] as const) {
      const err = await rejection(transpile(componentTypesNested(10_000, kind)));
      expect(err.message).toMatch(/nested more than 100 deep/);
      expect(err.offset).toBeGreaterThan(8);
    }
  });

  test(`value types nest up to ${MAX_TYPE_DEPTH} levels; a list 10,000 deep is refused at the type that crosses it`, async () => {
    // A primitive counts as one level, so 99 lists around a u8 are the deepest allowed.
    const ok = await transpile(await assembleWat(nestedListWat(MAX_TYPE_DEPTH - 1)), { instantiation: 'async' });
    expect(Object.keys(await importGlue(ok.files))).toContain('instantiate');
    const err = await rejection(transpile(await assembleWat(nestedListWat(10_000))));
    expect(err.message).toMatch(/type nesting is too deep: 101 levels, more than the limit of 100/);
  });

  test(`a value type larger than ${MAX_TYPE_SIZE} as a tree is refused`, async () => {
    // Each level is a tuple of two of the previous: small as a graph, 2^n nodes as a tree.
    let types = '(type $t0 (tuple u8 u8))\n';
    for (let i = 1; i < 30; i++) types += `(type $t${i} (tuple $t${i - 1} $t${i - 1}))\n`;
    const err = await rejection(transpile(await assembleWat(`(component ${types} (export "t" (type $t29)))`)));
    expect(err.message).toMatch(/effective type size 1048575 exceeds the limit of 1000000/);
  });
});
