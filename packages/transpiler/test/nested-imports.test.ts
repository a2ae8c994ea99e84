import { describe, expect, it } from 'vitest';
import { loadWat } from './harness.js';

// The host supplies an instance that itself exports an instance.
const WAT = `(component
  (import "local:test/outer" (instance $outer
    (export "inner" (instance
      (export "double" (func (param "x" u32) (result u32)))))
    (export "offset" (func (result u32)))))
  (alias export $outer "inner" (instance $inner))
  (core func $double (canon lower (func $inner "double")))
  (core func $offset (canon lower (func $outer "offset")))
  (core module $m
    (import "h" "double" (func $double (param i32) (result i32)))
    (import "h" "offset" (func $offset (result i32)))
    (func (export "run") (param i32) (result i32) (i32.add (call $double (local.get 0)) (call $offset))))
  (core instance $i (instantiate $m (with "h" (instance (export "double" (func $double)) (export "offset" (func $offset))))))
  (func (export "run") (param "x" u32) (result u32) (canon lift (core func $i "run"))))`;

describe('imported instances that export instances', () => {
  it('calls a function of a nested instance supplied by the host', async () => {
    const e = await loadWat(WAT, { 'local:test/outer': { inner: { double: (x: number) => x * 2 }, offset: () => 1 } });
    expect(e.run(20)).toBe(41);
  });

  it('names a missing nested instance', async () => {
    await expect(loadWat(WAT, { 'local:test/outer': { offset: () => 1 } })).rejects.toThrow(/missing import: local:test\/outer#inner \(instance\)/);
  });
});

// `type alias = thing` inside an imported instance names the same resource, not a new one.
const ALIASED = `(component
  (import "local:test/things" (instance $t
    (export "thing" (type $thing (sub resource)))
    (export "alias" (type (eq $thing)))
    (export "make" (func (param "n" u32) (result (own $thing))))
    (export "peek" (func (param "t" (borrow $thing)) (result u32)))))
  (core func $make (canon lower (func $t "make")))
  (core func $peek (canon lower (func $t "peek")))
  (alias export $t "thing" (type $thing))
  (core func $drop (canon resource.drop $thing))
  (core module $m
    (import "h" "make" (func $make (param i32) (result i32)))
    (import "h" "peek" (func $peek (param i32) (result i32)))
    (import "h" "drop" (func $drop (param i32)))
    (func (export "round") (param i32) (result i32)
      (local $h i32) (local $v i32)
      (local.set $h (call $make (local.get 0)))
      (local.set $v (call $peek (local.get $h)))
      (call $drop (local.get $h))
      (local.get $v)))
  (core instance $i (instantiate $m (with "h" (instance
    (export "make" (func $make)) (export "peek" (func $peek)) (export "drop" (func $drop))))))
  (func (export "round") (param "n" u32) (result u32) (canon lift (core func $i "round"))))`;

describe('a type alias of an imported resource', () => {
  class Thing {
    constructor(readonly n: number) {}
  }

  it('checks handles against the resource class, not one named after the alias', async () => {
    const good = await loadWat(ALIASED, { 'local:test/things': { Thing, make: (n: number) => new Thing(n), peek: (t: Thing) => t.n } });
    expect(good.round(7)).toBe(7);
    const bad = await loadWat(ALIASED, { 'local:test/things': { Thing, make: (n: number) => ({ n }), peek: (t: Thing) => t.n } });
    expect(() => bad.round(7)).toThrow(/make: return value: expected own<thing>/);
  });
});
