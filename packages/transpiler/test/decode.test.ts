import { describe, expect, it } from 'vitest';
import { WeftError, transpile, inspect } from '../src/index.js';
import { decodeComponent } from '../src/decode/component.js';
import { assembleWat, readFixture } from './harness.js';

const PREAMBLE = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];

function bytes(...parts: number[][]): Uint8Array {
  return new Uint8Array(parts.flat());
}

function section(id: number, body: number[]): number[] {
  if (body.length > 127) throw new Error('test helper only encodes short sections');
  return [id, body.length, ...body];
}

function weftError(fn: () => unknown): WeftError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(WeftError);
    return e as WeftError;
  }
  throw new Error('expected a WeftError');
}

async function weftErrorAsync(p: Promise<unknown>): Promise<WeftError> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof WeftError)) throw e;
    return e;
  }
  throw new Error('expected a WeftError');
}

describe('decoder: malformed input names the byte offset and what was expected', () => {
  it('wrong magic', () => {
    const e = weftError(() => decodeComponent(bytes([0x00, 0x61, 0x73, 0x6e, 0x0d, 0x00, 0x01, 0x00])));
    expect(e.offset).toBe(0);
    expect(e.message).toMatch(/magic/);
  });

  it('a core module where a component is expected', () => {
    const e = weftError(() => decodeComponent(bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00])));
    expect(e.offset).toBe(6);
    expect(e.message).toMatch(/component \(layer 1\), found a core module/);
  });

  it('an unsupported component version', () => {
    const e = weftError(() => decodeComponent(bytes([0x00, 0x61, 0x73, 0x6d, 0x0c, 0x00, 0x01, 0x00])));
    expect(e.offset).toBe(4);
    expect(e.message).toMatch(/version 0x0d, found 0xc/);
  });

  it('empty and truncated preambles', () => {
    expect(weftError(() => decodeComponent(new Uint8Array())).offset).toBe(0);
    const e = weftError(() => decodeComponent(bytes(PREAMBLE.slice(0, 6))));
    expect(e.offset).toBe(6);
    expect(e.message).toMatch(/found end of input/);
  });

  it('an unknown section id', () => {
    const e = weftError(() => decodeComponent(bytes(PREAMBLE, [13, 0])));
    expect(e.offset).toBe(8);
    expect(e.message).toMatch(/section id \(0-12\), found 13/);
  });

  it('a section longer than the input', () => {
    const e = weftError(() => decodeComponent(bytes(PREAMBLE, [7, 10, 0x01])));
    expect(e.offset).toBe(10);
    expect(e.message).toMatch(/section of 10 bytes, but only 1 remain/);
  });

  it('an over-long LEB128', () => {
    const e = weftError(() => decodeComponent(bytes(PREAMBLE, [7, 0xff, 0xff, 0xff, 0xff, 0x7f])));
    expect(e.offset).toBe(9);
    expect(e.message).toMatch(/LEB128 value out of u32 range/);
  });

  it('a bad type opcode', () => {
    // type section: one type, opcode 0x50 is not a component type
    const e = weftError(() => decodeComponent(bytes(PREAMBLE, section(7, [0x01, 0x50]))));
    expect(e.offset).toBe(11);
    expect(e.message).toMatch(/type definition opcode, found 0x50/);
  });

  it('unread bytes at the end of a section', () => {
    const e = weftError(() => decodeComponent(bytes(PREAMBLE, section(7, [0x01, 0x7f, 0x00]))));
    expect(e.offset).toBe(12);
    expect(e.message).toMatch(/end of section 7 \(1 unread bytes\)/);
  });

  it("a core export alias may name its sort as an exact function (0x20); a core instance's export may not", () => {
    const module = [
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00,
      0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b,
    ];
    const instantiate = section(2, [0x01, 0x00, 0x00, 0x00]);
    const aliasAs = (sort: number) => section(6, [0x01, 0x00, sort, 0x01, 0x00, 0x01, 0x66]);
    expect(decodeComponent(bytes(PREAMBLE, section(1, module), instantiate, aliasAs(0x20))).definitions[2]).toMatchObject({
      kind: 'alias',
      alias: { sort: { core: 'func' }, target: { kind: 'core-export', name: 'f' } },
    });
    const exports = section(2, [0x01, 0x01, 0x01, 0x01, 0x66, 0x20, 0x00]);
    expect(weftError(() => decodeComponent(bytes(PREAMBLE, section(1, module), instantiate, aliasAs(0x00), exports))).message).toMatch(/core sort/);
  });

  it('thread built-ins take the immediates wasmparser reads: spawn-ref a type, spawn-indirect a type and a table, available-parallelism none', () => {
    const canon = (...body: number[]) => decodeComponent(bytes(PREAMBLE, section(8, [0x01, ...body]))).definitions[0];
    expect(canon(0x42)).toMatchObject({ kind: 'canon', canon: { kind: 'builtin', name: 'thread.available-parallelism' } });
    expect(canon(0x40, 0x03)).toMatchObject({ canon: { name: 'thread.spawn-ref', coreTypeIndex: 3 } });
    expect(canon(0x41, 0x03, 0x01)).toMatchObject({ canon: { name: 'thread.spawn-indirect', coreTypeIndex: 3, tableIndex: 1 } });
  });

  it('a name that is not UTF-8', () => {
    // import section: one import, plain name of length 1 holding 0xff
    const e = weftError(() => decodeComponent(bytes(PREAMBLE, section(10, [0x01, 0x00, 0x01, 0xff, 0x01, 0x00]))));
    expect(e.offset).toBe(13);
    expect(e.message).toMatch(/valid UTF-8/);
  });

  it('an index out of range is reported by the linker at the definition', async () => {
    // export "f" (func 0) with no functions defined
    const input = bytes(PREAMBLE, section(11, [0x01, 0x00, 0x01, 0x66, 0x01, 0x00, 0x00]));
    const e = await weftErrorAsync(transpile(input));
    // The export entry starts after the section id, size and entry count.
    expect(e.offset).toBe(11);
    expect(e.message).toMatch(/func index 0 out of range/);
  });

  it('a non-Uint8Array input is a TypeError', async () => {
    await expect(transpile('not bytes' as unknown as Uint8Array)).rejects.toThrow(TypeError);
  });
});

describe('decoder: robustness', () => {
  it('every truncation of a real component fails with a WeftError, except at section boundaries', async () => {
    const full = await assembleWat(readFixture('values-forward.wat'));
    const boundaries = new Set<number>();
    for (let at = 8; at < full.length; ) {
      boundaries.add(at);
      let size = 0;
      let shift = 0;
      let p = at + 1;
      for (;;) {
        const b = full[p++]!;
        size |= (b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80)) break;
      }
      at = p + size;
    }
    for (let n = 0; n < full.length; n++) {
      if (boundaries.has(n)) {
        expect(() => decodeComponent(full.subarray(0, n))).not.toThrow();
        continue;
      }
      const e = weftError(() => decodeComponent(full.subarray(0, n)));
      expect(e.offset).toBeLessThanOrEqual(n);
    }
  });

  it('byte mutations either transpile or fail with a WeftError', async () => {
    const full = await assembleWat(readFixture('resources-exported.wat'));
    let seed = 0x2545f491;
    const rand = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 2 ** 32;
    };
    let rejected = 0;
    for (let i = 0; i < 400; i++) {
      const m = full.slice();
      for (let k = 0; k < 3; k++) m[Math.floor(rand() * m.length)] = Math.floor(rand() * 256);
      try {
        await transpile(m, { instantiation: 'async', noTypescript: true });
      } catch (e) {
        if (!(e instanceof WeftError)) throw new Error(`mutation ${i} escaped as ${(e as Error).stack}`);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(0);
  });
});

describe('inspect', () => {
  it('describes the world and the core modules', async () => {
    const info = inspect(await assembleWat(readFixture('resources-exported.wat')));
    expect(info.coreModules.length).toBeGreaterThan(0);
    expect(info.coreModules.every((m) => m.size > 8)).toBe(true);
    const names = info.exports.map((e) => e.name);
    expect(names.length).toBeGreaterThan(0);
    const instance = info.exports.find((e) => e.kind === 'instance');
    expect(instance?.items?.some((i) => i.kind === 'resource')).toBe(true);
    expect(instance?.items?.some((i) => i.signature?.startsWith('func('))).toBe(true);
  });
});
