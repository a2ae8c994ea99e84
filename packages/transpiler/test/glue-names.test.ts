import { describe, expect, it } from 'vitest';
import { transpile } from '../src/index.js';
import { assembleWat, instantiateComponent, readFixture } from './harness.js';

// Two interfaces export a `greet`, the world exports `range` (also the name of a helper the
// glue calls inside `instantiate`), and the guest imports the host's `greet`.
const WAT = `(component
  (import "local:test/host" (instance $h (export "greet" (func (param "x" u32) (result u32)))))
  (core func $greet (canon lower (func $h "greet")))
  (core module $m
    (import "h" "greet" (func $greet (param i32) (result i32)))
    (memory (export "mem") 1)
    (data (i32.const 8) "\\2a\\00\\00\\00\\07\\00\\00\\00")
    (func (export "a-greet") (param i32) (result i32) (call $greet (local.get 0)))
    (func (export "b-greet") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
    (func (export "range") (result i32) (i32.const 8)))
  (core instance $i (instantiate $m (with "h" (instance (export "greet" (func $greet))))))
  (alias core export $i "mem" (core memory $mem))
  (func $ag (param "x" u32) (result u32) (canon lift (core func $i "a-greet")))
  (func $bg (param "x" u32) (result u32) (canon lift (core func $i "b-greet")))
  (instance $a (export "greet" (func $ag)))
  (instance $b (export "greet" (func $bg)))
  (export "local:test/a" (instance $a))
  (export "local:test/b" (instance $b))
  (func (export "range") (result (tuple u32 u32)) (canon lift (core func $i "range") (memory $mem))))`;

const text = (files: Record<string, Uint8Array>) => new TextDecoder().decode(files['component.js']);

describe('names in the generated glue', () => {
  it('say what they hold, and collisions with each other or a helper get a suffix', async () => {
    const bytes = await assembleWat(WAT);
    const js = text((await transpile(bytes, { instantiation: 'async' })).files);
    expect(js).toContain('// export local:test/a#greet: func(x: u32) -> u32\n  function $greet(a0) {');
    expect(js).toContain('// export local:test/b#greet: func(x: u32) -> u32\n  function $greet_2(a0) {');
    expect(js).toContain('// export range: func() -> tuple<u32, u32>\n  function $range_2() {');
    expect(js).toContain('// import local:test/host#greet: func(x: u32) -> u32\n  function $lower_greet(a0) {');
    expect(js).toContain('$mem0 = $e0.mem;');
    expect(js).toContain('function $mem0_view() {');
    // The lift really calls the helper it would have shadowed.
    const e = await instantiateComponent(bytes, { 'local:test/host': { greet: (x: number) => x + 1 } });
    expect(e.range()).toEqual([42, 7]);
    expect(e.a.greet(1)).toBe(2);
    expect(e.b.greet(5)).toBe(10);
  });

  it('guest resources: the class and its canonical functions are named after the resource', async () => {
    const js = text((await transpile(await assembleWat(readFixture('resources-exported.wat')), { instantiation: 'async' })).files);
    expect(js).toContain('const $Thing = class Thing {');
    expect(js).toMatch(/function \$Thing_new\(rep\) \{ if \(\$st\[0\] === 3 \/\* MAY_NOT_LEAVE \*\/\)/);
    expect(js).toContain('// export local:test/things#[method]thing.get: func(self: borrow<thing>) -> u32\n  function $Thing_get(a0) {');
  });

  it('instance states are numbers named in comments, and --minify drops the comments', async () => {
    const bytes = await assembleWat(WAT);
    const js = text((await transpile(bytes, { instantiation: 'async' })).files);
    expect(js).toContain('if ($st[0] !== 0 /* IDLE */) $enterErr($st[0]);');
    expect(js).toContain('$st[0] = 1 /* RUNNING */;');
    expect(js).toContain('$st[0] = 2 /* POISONED */;');
    const min = text((await transpile(bytes, { instantiation: 'async', minify: true })).files);
    expect(min).not.toMatch(/IDLE|RUNNING|POISONED|\/\/ export|\/\/ import/);
  });
});
