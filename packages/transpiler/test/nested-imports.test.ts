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
