import { describe, expect, it } from 'vitest';
import { loadWat } from './harness.js';

// count(m: map<string, u32>) -> u32 sums the values; invert(m) -> map<u32, string> is
// forwarded through the host import `local:test/host#invert`.
const WAT = `(component
  (import "local:test/host" (instance $h
    (export "invert" (func (param "m" (map string u32)) (result (map u32 string))))))
  (core module $mem
    (memory (export "mem") 1)
    (global $next (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $r i32)
      (local.set $r (i32.and (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get 2))))
      (global.set $next (i32.add (local.get $r) (local.get 3)))
      (local.get $r)))
  (core instance $mem (instantiate $mem))
  (core func $invert (canon lower (func $h "invert") (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
  (core module $m
    (import "" "mem" (memory 1))
    (import "" "invert" (func $invert (param i32 i32 i32)))
    (func (export "sum") (param $p i32) (param $n i32) (result i32)
      (local $acc i32)
      (block $done (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (i32.load offset=8 (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 12)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
      (local.get $acc))
    (func (export "invert") (param i32 i32) (result i32)
      (call $invert (local.get 0) (local.get 1) (i32.const 16))
      (i32.const 16)))
  (core instance $i (instantiate $m (with "" (instance
    (export "mem" (memory $mem "mem")) (export "invert" (func $invert))))))
  (func (export "count") (param "m" (map string u32)) (result u32)
    (canon lift (core func $i "sum") (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
  (func (export "invert") (param "m" (map string u32)) (result (map u32 string))
    (canon lift (core func $i "invert") (memory (core memory $mem "mem")) (realloc (core func $mem "realloc")))))`;

const host = {
  'local:test/host': {
    invert: (m: Map<string, number>) => new Map([...m].map(([k, v]) => [v, k])),
  },
};

describe('map<K, V>', () => {
  it('takes a JS Map, or [key, value] pairs that keep every entry', async () => {
    const e = await loadWat(WAT, host);
    expect(
      e.count(
        new Map([
          ['a', 1],
          ['b', 41],
        ]),
      ),
    ).toBe(42);
    expect(
      e.count([
        ['a', 1],
        ['a', 2],
      ]),
    ).toBe(3);
    expect(e.count(new Map())).toBe(0);
  });

  it('gives the host and the caller JS Maps both ways', async () => {
    const e = await loadWat(WAT, host);
    const out = e.invert(
      new Map([
        ['x', 1],
        ['y', 2],
      ]),
    );
    expect(out).toBeInstanceOf(Map);
    expect([...out]).toEqual([
      [1, 'x'],
      [2, 'y'],
    ]);
  });

  it('rejects a value that is neither a Map nor pairs, naming the type', async () => {
    const e = await loadWat(WAT, host);
    expect(() => e.count({ a: 1 })).toThrow(/count: parameter m: expected map<string, u32>/);
  });
});
