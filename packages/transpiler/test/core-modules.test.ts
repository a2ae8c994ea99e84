import { describe, expect, it } from 'vitest';
import { loadWat } from './harness.js';

const IMPORTS_MODULE = `(component
  (import "m" (core module $M (export "seven" (func (result i32)))))
  (core instance $i (instantiate $M))
  (func (export "seven") (result u32) (canon lift (core func $i "seven"))))`;

const EXPORTS_MODULE = `(component
  (core module $M (func (export "nine") (result i32) (i32.const 9)))
  (export "m" (core module $M)))`;

// (module (func (export "seven") (result i32) i32.const 7))
const SEVEN = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x09, 0x01, 0x05, 0x73, 0x65, 0x76,
  0x65, 0x6e, 0x00, 0x00, 0x0a, 0x06, 0x01, 0x04, 0x00, 0x41, 0x07, 0x0b,
]);

describe('core modules crossing the component boundary', () => {
  it('instantiates a core module the host supplies as a WebAssembly.Module', async () => {
    const e = await loadWat(IMPORTS_MODULE, { m: new WebAssembly.Module(SEVEN) });
    expect(e.seven()).toBe(7);
  });

  it('refuses an import that is not a WebAssembly.Module', async () => {
    await expect(loadWat(IMPORTS_MODULE, { m: SEVEN })).rejects.toThrow(/import m: expected a WebAssembly.Module/);
  });

  it('exports a core module to the host as a WebAssembly.Module', async () => {
    const e = await loadWat(EXPORTS_MODULE);
    expect(e.m).toBeInstanceOf(WebAssembly.Module);
    const inst = await WebAssembly.instantiate(e.m);
    expect((inst.exports.nine as () => number)()).toBe(9);
  });
});
