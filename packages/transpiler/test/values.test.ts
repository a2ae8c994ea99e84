import { beforeAll, describe, expect, test } from 'vitest';
import assert from 'node:assert';
import { engine, loadWat, readFixture } from './harness.js';

/** A host error carrying the err payload of a `result`, the way host imports signal err. */
class HostError extends Error {
  constructor(readonly payload: unknown) {
    super(`host error: ${String(payload)}`);
  }
}

describe('forwarding: export -> host import with the same signature', () => {
  let exp: any;
  const seen: Record<string, unknown[]> = {};
  const identity =
    (name: string) =>
    (...args: unknown[]) => {
      (seen[name] ??= []).push(args.length === 1 ? args[0] : args);
      return args[0];
    };
  const host: Record<string, unknown> = {};

  beforeAll(async () => {
    const names = [
      'fwdBool',
      'fwdS8',
      'fwdU8',
      'fwdS16',
      'fwdU16',
      'fwdS32',
      'fwdU32',
      'fwdChar',
      'fwdS64',
      'fwdU64',
      'fwdF32',
      'fwdF64',
      'fwdString',
      'fwdListU8',
      'fwdListS8',
      'fwdListU16',
      'fwdListS16',
      'fwdListU32',
      'fwdListS32',
      'fwdListU64',
      'fwdListS64',
      'fwdListF32',
      'fwdListF64',
      'fwdStrings',
      'fwdPeople',
      'fwdRecord',
      'fwdTuple',
      'fwdVariant',
      'fwdEnum',
      'fwdOption',
      'fwdNestedOption',
      'fwdOptionString',
      'fwdFlags',
      'fwdWideFlags',
    ];
    for (const n of names) host[n] = identity(n);
    host.fwdResult = (x: { tag: 'ok' | 'err'; val: unknown }) => {
      (seen.fwdResult ??= []).push(x);
      if (x.tag === 'ok') return x.val;
      throw new HostError(x.val);
    };
    host.fwdUnitResult = (fail: boolean) => {
      (seen.fwdUnitResult ??= []).push(fail);
      if (fail) throw new HostError(undefined);
    };
    host.fwdMany = (...args: unknown[]) => {
      (seen.fwdMany ??= []).push(args);
      const [a, b, c, d, e, f, g, h, i, ...n] = args as [number, number, number, bigint, number, number, string, boolean, string, ...number[]];
      const sum = BigInt(a + b + c) + d + BigInt(Math.trunc(e + f)) + BigInt(n.reduce((x, y) => x + y, 0));
      return [sum, `${g}|${h}|${i}`];
    };
    exp = await loadWat(readFixture('values-forward.wat'), { 'local:test/host': host });
  });

  const roundTrip = (fn: string, value: unknown) => {
    const before = (seen[fn] ?? []).length;
    const out = exp[fn](value);
    expect(seen[fn]).toHaveLength(before + 1);
    return { out, got: seen[fn]![before] };
  };

  test.each([
    ['fwdBool', [true, false]],
    ['fwdS8', [-128, 127, 0, -1]],
    ['fwdU8', [0, 255, 128]],
    ['fwdS16', [-32768, 32767, -1]],
    ['fwdU16', [0, 65535, 32768]],
    ['fwdS32', [-(2 ** 31), 2 ** 31 - 1, -1]],
    ['fwdU32', [0, 2 ** 32 - 1, 2 ** 31]],
    ['fwdS64', [-(2n ** 63n), 2n ** 63n - 1n, -1n]],
    ['fwdU64', [0n, 2n ** 64n - 1n, 2n ** 63n]],
    ['fwdF32', [1.5, -0.25, Infinity, -Infinity, 3.4028234663852886e38]],
    ['fwdF64', [Math.PI, -1e308, 5e-324, Infinity]],
    ['fwdChar', ['a', '\0', 'é', '\u{10FFFF}', '😀', '\uFFFF']],
    ['fwdString', ['', 'hello', 'héllo wörld', '日本語', '😀 astral 𝄞', 'nul\0inside']],
  ] as [string, unknown[]][])('%s round-trips exact values', (fn, values) => {
    for (const v of values) {
      const { out, got } = roundTrip(fn, v);
      expect(got).toStrictEqual(v);
      expect(out).toStrictEqual(v);
    }
  });

  test('f32 parameters are rounded to single precision', () => {
    const { out, got } = roundTrip('fwdF32', 0.1);
    expect(got).toBe(Math.fround(0.1));
    expect(out).toBe(Math.fround(0.1));
  });

  test('-0 keeps its sign through f64', () => {
    expect(Object.is(roundTrip('fwdF64', -0).out, -0)).toBe(true);
  });

  test('NaN crossing the boundary comes out as NaN', () => {
    for (const fn of ['fwdF32', 'fwdF64']) {
      const { out, got } = roundTrip(fn, NaN);
      expect(got).toBeNaN();
      expect(out).toBeNaN();
    }
  });

  test.each([
    ['fwdListU8', Uint8Array, [0, 1, 255]],
    ['fwdListS8', Int8Array, [-128, 0, 127]],
    ['fwdListU16', Uint16Array, [0, 65535, 300]],
    ['fwdListS16', Int16Array, [-32768, 32767, -2]],
    ['fwdListU32', Uint32Array, [0, 2 ** 32 - 1, 7]],
    ['fwdListS32', Int32Array, [-(2 ** 31), 2 ** 31 - 1, 0]],
    ['fwdListU64', BigUint64Array, [0n, 2n ** 64n - 1n, 9n]],
    ['fwdListS64', BigInt64Array, [-(2n ** 63n), 2n ** 63n - 1n, -5n]],
    ['fwdListF32', Float32Array, [1.5, -2.25, Infinity]],
    ['fwdListF64', Float64Array, [Math.E, -0, 1e-300]],
  ] as [string, any, unknown[]][])('%s is a %o both ways', (fn, Ctor, values) => {
    const input = new Ctor(values);
    const { out, got } = roundTrip(fn, input);
    expect(got).toBeInstanceOf(Ctor);
    expect(out).toBeInstanceOf(Ctor);
    expect(Array.from(got as ArrayLike<unknown>)).toEqual(values);
    expect(Array.from(out as ArrayLike<unknown>)).toEqual(values);
    const empty = roundTrip(fn, new Ctor(0));
    expect(empty.out).toBeInstanceOf(Ctor);
    expect((empty.out as ArrayLike<unknown>).length).toBe(0);
  });

  test('list<string>', () => {
    for (const v of [[], ['a'], ['', 'two', 'dré', '😀😀']]) {
      const { out, got } = roundTrip('fwdStrings', v);
      expect(got).toEqual(v);
      expect(out).toEqual(v);
    }
  });

  test('record fields are camelCase, list<record> keeps order', () => {
    const p = { firstName: 'Zoë', age: 250, score: -12.5 };
    const r = roundTrip('fwdRecord', p);
    expect(r.got).toEqual(p);
    expect(r.out).toEqual(p);
    expect(Object.keys(r.out as object).sort()).toEqual(['age', 'firstName', 'score']);
    const people = [p, { firstName: '', age: 0, score: 1e100 }, { firstName: 'Ann', age: 7, score: 0.5 }];
    const l = roundTrip('fwdPeople', people);
    expect(l.got).toEqual(people);
    expect(l.out).toEqual(people);
  });

  test('tuple is a JS array', () => {
    const t = [200, 'tüple', 0.5];
    const r = roundTrip('fwdTuple', t);
    expect(r.got).toEqual(t);
    expect(r.out).toEqual(t);
  });

  test('variant cases with joined flat payloads (none | u32 | f32 | u64 | string)', () => {
    const cases = [
      { tag: 'none' },
      { tag: 'small', val: 4294967295 },
      { tag: 'real', val: -1.5 },
      { tag: 'big', val: 18446744073709551615n },
      { tag: 'text', val: 'varïant 😀' },
      { tag: 'text', val: '' },
    ];
    for (const c of cases) {
      const r = roundTrip('fwdVariant', c);
      expect(r.got).toEqual(c);
      expect(r.out).toEqual(c);
    }
    const nan = roundTrip('fwdVariant', { tag: 'real', val: NaN });
    expect((nan.out as any).tag).toBe('real');
    expect((nan.out as any).val).toBeNaN();
  });

  test('enum cases are their kebab-case names', () => {
    for (const c of ['red', 'green', 'blue-ish']) {
      const r = roundTrip('fwdEnum', c);
      expect(r.got).toBe(c);
      expect(r.out).toBe(c);
    }
  });

  test('option<u32> and option<string>', () => {
    for (const v of [undefined, 0, 4294967295]) {
      const r = roundTrip('fwdOption', v);
      expect(r.got).toBe(v);
      expect(r.out).toBe(v);
    }
    for (const v of [undefined, '', 'söme']) {
      const r = roundTrip('fwdOptionString', v);
      expect(r.got).toBe(v);
      expect(r.out).toBe(v);
    }
  });

  // The option that contains another option is the tagged one, so none and some(none) differ.
  test('option<option<u32>>: the outer option is { tag, val }, the inner is T | undefined', () => {
    for (const v of [{ tag: 'none' }, { tag: 'some', val: undefined }, { tag: 'some', val: 0 }, { tag: 'some', val: 77 }]) {
      const r = roundTrip('fwdNestedOption', v);
      expect(r.got).toEqual(v);
      expect(r.out).toEqual(v);
    }
  });

  test('result<u32, string>: ok returns the value, err is thrown with .payload', () => {
    const ok = roundTrip('fwdResult', { tag: 'ok', val: 42 });
    expect(ok.got).toEqual({ tag: 'ok', val: 42 });
    expect(ok.out).toBe(42);
    let thrown: any;
    try {
      exp.fwdResult({ tag: 'err', val: 'bäd 😀' });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown.constructor.name).toBe('ComponentError');
    expect(thrown.payload).toBe('bäd 😀');
    expect(seen.fwdResult!.at(-1)).toEqual({ tag: 'err', val: 'bäd 😀' });
  });

  test('result without payloads', () => {
    expect(exp.fwdUnitResult(false)).toBeUndefined();
    let thrown: any;
    try {
      exp.fwdUnitResult(true);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown.payload).toBeUndefined();
    expect(seen.fwdUnitResult).toEqual([false, true]);
  });

  test('flags are objects of camelCase booleans', () => {
    for (const v of [
      { read: false, write: false, execAll: false },
      { read: true, write: false, execAll: true },
      { read: true, write: true, execAll: true },
    ]) {
      const r = roundTrip('fwdFlags', v);
      expect(r.got).toEqual(v);
      expect(r.out).toEqual(v);
    }
  });

  test('32 flags use every bit of the i32', () => {
    const all = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`b${i}`, i % 3 === 0 || i === 31]));
    const r = roundTrip('fwdWideFlags', all);
    expect(r.got).toEqual(all);
    expect(r.out).toEqual(all);
  });

  test('more than 16 flat parameters spill to memory; a tuple result returns through a pointer', () => {
    const args = [-5, 65535, 4000000000, 2n ** 60n, 1.5, 2.5, 'spïlled 😀', true, '𝄞', 1, 2, 3, 4, 5, 6, 7, 8];
    const out = exp.fwdMany(...args);
    expect(seen.fwdMany!.at(-1)).toEqual(args);
    const expected = BigInt(-5 + 65535 + 4000000000) + 2n ** 60n + 4n + 36n;
    expect(out).toEqual([expected, 'spïlled 😀|true|𝄞']);
  });
});

describe('import returning result: what the host throws becomes the err payload', () => {
  test('a thrown non-Error value is itself the payload', async () => {
    const exp = await loadWat(readFixture('values-forward.wat'), {
      'local:test/host': new Proxy(
        {},
        {
          get: (_t, key) =>
            key === 'fwdResult'
              ? () => {
                  throw 'plain string';
                }
              : () => undefined,
        },
      ),
    });
    let thrown: any;
    try {
      exp.fwdResult({ tag: 'ok', val: 1 });
    } catch (e) {
      thrown = e;
    }
    expect(thrown.payload).toBe('plain string');
  });
});

describe('constant: results laid out by hand per the canonical ABI', () => {
  let exp: any;
  beforeAll(async () => {
    exp = (await loadWat(readFixture('values-constant.wat'))).constant;
  });

  const flags12 = (...set: number[]) => Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}`, set.includes(i)]));
  const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

  test('utf-8 string through a return pointer', () => {
    expect(exp.getString()).toBe('héllo 😀');
  });

  test('record { u8, u64, u16, string, bool }: fields at 0, 8, 16, 20, 28', () => {
    expect(exp.getRecord()).toEqual({ a: 0xfe, b: 0x8000000000000001n, c: 0xbeef, d: 'dé', e: true });
  });

  test('tuple<u8, f64, u8, u16>: elements at 0, 8, 16, 18', () => {
    expect(exp.getTuple()).toEqual([7, -2.5, 9, 65534]);
  });

  test('a record nested in a record is aligned as a whole', () => {
    expect(exp.getOuter()).toEqual({ tag: 0x11, inner: { x: 0x2233, y: 0x4455667788990011n }, tail: 0x99 });
  });

  test('list<list<u16>>', () => {
    const [a, b] = exp.getLists();
    expect(a).toBeInstanceOf(Uint16Array);
    expect(Array.from(a)).toEqual([7, 65535]);
    expect(b).toBeInstanceOf(Uint16Array);
    expect(b.length).toBe(0);
  });

  test('list<variant>: u8 discriminant, payload at the max case alignment', () => {
    expect(exp.getVariants()).toEqual([
      { tag: 'none' },
      { tag: 'small', val: 4294967295 },
      { tag: 'real', val: 0.75 },
      { tag: 'big', val: 0xfedcba9876543210n },
      { tag: 'text', val: 'vär' },
    ]);
  });

  test('an enum of 300 cases has a u16 discriminant', () => {
    expect(exp.getBigEnum()).toEqual(['c0', 'c255', 'c256', 'c299']);
  });

  test('list<option<u64>>', () => {
    expect(exp.getOptions()).toEqual([undefined, 2n ** 64n - 1n, 0n]);
  });

  test('option<option<u32>> in memory', () => {
    expect(exp.getNested(0)).toEqual({ tag: 'none' });
    const someNone = exp.getNested(1);
    expect(someNone.tag).toBe('some');
    expect(someNone.val).toBeUndefined();
    expect(exp.getNested(2)).toEqual({ tag: 'some', val: 7 });
  });

  test('list<result<string, u8>> inside a list is { tag, val }', () => {
    expect(exp.getResults()).toEqual([
      { tag: 'ok', val: 'ok!' },
      { tag: 'err', val: 200 },
    ]);
  });

  test('12 flags take two bytes', () => {
    expect(exp.getFlags()).toEqual([flags12(0, 11), flags12(...Array.from({ length: 12 }, (_, i) => i)), flags12()]);
  });

  test('20 flags take four bytes, both ways', () => {
    const flags20 = (...set: number[]) => Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`g${i}`, set.includes(i)]));
    expect(exp.getFlags20()).toEqual([flags20(0, 19), flags20(...Array.from({ length: 20 }, (_, i) => i))]);
    expect(Array.from(exp.rawFlags20([flags20(1, 19), flags20()]))).toEqual([0x02, 0x00, 0x08, 0x00, 0, 0, 0, 0]);
  });

  test('list<char>, list<bool>, list<string>', () => {
    expect(exp.getChars()).toEqual(['a', '😀', '\u{10FFFF}', '\0']);
    expect(exp.getBools()).toEqual([false, true, true, false]);
    expect(exp.getStrings()).toEqual(['one', '', '𝄞']);
  });

  test('numeric lists are typed arrays viewing the right bytes', () => {
    const s16 = exp.getS16s();
    expect(s16).toBeInstanceOf(Int16Array);
    expect(Array.from(s16)).toEqual([-1, 32767, -32768]);
    const f64 = exp.getF64s();
    expect(f64).toBeInstanceOf(Float64Array);
    expect(f64[0]).toBe(1.25);
    expect(Object.is(f64[1], -0)).toBe(true);
    expect(f64[2]).toBeNaN();
  });

  test('non-canonical NaN bit patterns come out as NaN', () => {
    expect(exp.getF32Nan()).toBeNaN();
    expect(exp.getF64Nan()).toBeNaN();
  });

  test('32- and 64-bit integers are reinterpreted from their core bits', () => {
    expect(exp.getU32Max()).toBe(4294967295);
    expect(exp.getU64Max()).toBe(2n ** 64n - 1n);
    expect(exp.getS64Min()).toBe(-(2n ** 63n));
  });

  // jco traps on narrow results outside the type's range; lift_flat_signed/unsigned wrap.
  test.skipIf(engine === 'jco')('narrow integers use only the low bits of the i32 (definitions.py wraps)', () => {
    expect(exp.getS8Wrapped()).toBe(127);
    expect(exp.getS8Neg()).toBe(-1);
    expect(exp.getU8Wrapped()).toBe(254);
    expect(exp.getS16Neg()).toBe(-32768);
    expect(exp.getU16Wrapped()).toBe(65535);
  });

  test('lowered list<record> has the spec layout', () => {
    const raw: Uint8Array = exp.rawRecords([
      { a: 1, b: 2n, c: 3, d: 'xy', e: true },
      { a: 255, b: 2n ** 64n - 1n, c: 65535, d: '', e: false },
    ]);
    expect(raw).toBeInstanceOf(Uint8Array);
    expect(raw.length).toBe(64);
    const v = view(raw);
    expect([v.getUint8(0), v.getBigUint64(8, true), v.getUint16(16, true), v.getUint32(24, true), v.getUint8(28)]).toEqual([1, 2n, 3, 2, 1]);
    expect(v.getUint32(20, true)).not.toBe(0);
    expect([v.getUint8(32), v.getBigUint64(40, true), v.getUint16(48, true), v.getUint32(56, true), v.getUint8(60)]).toEqual([
      255,
      2n ** 64n - 1n,
      65535,
      0,
      0,
    ]);
  });

  test('lowered list<variant> stores payloads at offset 8 with their own representation', () => {
    const raw: Uint8Array = exp.rawVariants([
      { tag: 'small', val: 5 },
      { tag: 'big', val: 2n ** 63n },
      { tag: 'real', val: 1.5 },
      { tag: 'none' },
      { tag: 'text', val: 'ab' },
    ]);
    const v = view(raw);
    expect(raw.length).toBe(80);
    expect([v.getUint8(0), v.getUint32(8, true)]).toEqual([1, 5]);
    expect([v.getUint8(16), v.getBigUint64(24, true)]).toEqual([3, 2n ** 63n]);
    expect([v.getUint8(32), v.getFloat32(40, true)]).toEqual([2, 1.5]);
    expect(v.getUint8(48)).toBe(0);
    expect([v.getUint8(64), v.getUint32(76, true)]).toEqual([4, 2]);
  });

  test('lowered enum of 300 cases writes u16 discriminants', () => {
    const raw: Uint8Array = exp.rawBigEnum(['c1', 'c299', 'c256']);
    expect(Array.from(raw)).toEqual([1, 0, 43, 1, 0, 1]);
  });

  test('lowered list<option<u64>> and list<result<u32, u8>>', () => {
    const o = view(exp.rawOptions([undefined, 5n]));
    expect([o.getUint8(0), o.getUint8(16), o.getBigUint64(24, true)]).toEqual([0, 1, 5n]);
    const r = view(
      exp.rawResults([
        { tag: 'ok', val: 0xdeadbeef },
        { tag: 'err', val: 9 },
      ]),
    );
    expect(r.byteLength).toBe(16);
    expect([r.getUint8(0), r.getUint32(4, true), r.getUint8(8), r.getUint8(12)]).toEqual([0, 0xdeadbeef, 1, 9]);
  });

  test('lowered flags, tuples and chars', () => {
    expect(Array.from(exp.rawFlags([flags12(0, 11), flags12(9)]))).toEqual([0x01, 0x08, 0x00, 0x02]);
    const t = view(exp.rawTuples([[7, -2.5, 9, 65534]]));
    expect([t.getUint8(0), t.getFloat64(8, true), t.getUint8(16), t.getUint16(18, true)]).toEqual([7, -2.5, 9, 65534]);
    const c = view(exp.rawChars(['a', '😀']));
    expect([c.getUint32(0, true), c.getUint32(4, true)]).toEqual([0x61, 0x1f600]);
  });

  test('17 flat parameters are stored as a tuple in memory', () => {
    const n = Array.from({ length: 14 }, (_, i) => 100 + i);
    const v = view(exp.rawSpilled(1, 2n ** 64n - 1n, 0x1234, ...n));
    expect(v.byteLength).toBe(76);
    expect([v.getUint8(0), v.getBigUint64(8, true), v.getUint16(16, true)]).toEqual([1, 2n ** 64n - 1n, 0x1234]);
    expect(Array.from({ length: 14 }, (_, i) => v.getUint32(20 + 4 * i, true))).toEqual(n);
  });

  test('lowering allocates lists and spilled parameters with realloc(0, 0, align, size)', () => {
    exp.rawOptions([undefined, 1n, 2n]);
    expect(exp.lastRealloc()).toEqual([0, 0, 8, 48]);
    exp.rawBigEnum(['c1', 'c2', 'c3']);
    expect(exp.lastRealloc()).toEqual([0, 0, 2, 6]);
    exp.rawTuples([[1, 2, 3, 4]]);
    expect(exp.lastRealloc()).toEqual([0, 0, 8, 24]);
    exp.rawSpilled(1, 2n, 3, ...Array.from({ length: 14 }, (_, i) => i));
    expect(exp.lastRealloc()).toEqual([0, 0, 8, 80]);
  });

  test('post-return runs once after each call that declares it', () => {
    const before = exp.postReturnCount();
    expect(exp.getCounted()).toBe('counted');
    expect(exp.postReturnCount()).toBe(before + 1);
    expect(exp.getCounted()).toBe('counted');
    expect(exp.getString()).toBe('héllo 😀');
    expect(exp.postReturnCount()).toBe(before + 2);
  });

  test('post-return receives the core results of the call (here the return pointer)', () => {
    exp.getCounted();
    expect(exp.lastPostReturnArg()).toBe(exp.countedPtr());
  });

  test('a variant parameter arrives in its joined flat form, unused slots zero', () => {
    const f32bits = (x: number) => BigInt(new Uint32Array(new Float32Array([x]).buffer)[0]!);
    expect(exp.flatNum({ tag: 'none' })).toEqual([0, 0n, 0]);
    expect(exp.flatNum({ tag: 'small', val: 0xffffffff })).toEqual([1, 0xffffffffn, 0]);
    expect(exp.flatNum({ tag: 'real', val: 0.75 })).toEqual([2, f32bits(0.75), 0]);
    expect(exp.flatNum({ tag: 'big', val: 2n ** 64n - 1n })).toEqual([3, 2n ** 64n - 1n, 0]);
    const [disc, ptr, len] = exp.flatNum({ tag: 'text', val: 'ab' });
    expect([disc, len]).toEqual([4, 2]);
    expect(ptr).not.toBe(0n);
  });

  test('f64 and s64 share an i64 slot; an f32 keeps its own slot when no integer joins it', () => {
    const f64bits = (x: number) => new BigUint64Array(new Float64Array([x]).buffer)[0]!;
    expect(exp.flatWide({ tag: 'a', val: 1.5 })).toEqual([0, f64bits(1.5), 0]);
    expect(exp.flatWide({ tag: 'b', val: [200, 2.5] })).toEqual([1, 200n, 2.5]);
    expect(exp.flatWide({ tag: 'c', val: -1n })).toEqual([2, 2n ** 64n - 1n, 0]);
  });
});

describe('constant: hand-laid guest values passed to host imports, host results in guest memory', () => {
  let exp: any;
  const got: Record<string, unknown[]> = {};
  const record =
    (name: string) =>
    (...args: unknown[]) =>
      void (got[name] ??= []).push(args.length === 1 ? args[0] : args);
  let giveRecord: unknown;
  let giveVariant: unknown;
  beforeAll(async () => {
    exp = await loadWat(readFixture('values-import-constant.wat'), {
      'local:test/give': {
        takeRecords: record('records'),
        takeVariants: record('variants'),
        takeSpilled: record('spilled'),
        takeNested: record('nested'),
        takeNum: record('num'),
        giveRecord: () => giveRecord,
        giveVariant: () => giveVariant,
      },
    });
  });
  const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

  test('list<record> read from guest memory', () => {
    exp.sendRecords();
    expect(got.records).toEqual([
      [
        { a: 0xfe, b: 2n ** 64n - 1n, c: 0xbeef, d: 'dé', e: true },
        { a: 1, b: 2n, c: 3, d: '', e: false },
      ],
    ]);
  });

  test('list<variant> read from guest memory', () => {
    exp.sendVariants();
    expect(got.variants).toEqual([
      [{ tag: 'none' }, { tag: 'small', val: 4294967295 }, { tag: 'real', val: 0.75 }, { tag: 'big', val: 0xfedcba9876543210n }, { tag: 'text', val: 'vär' }],
    ]);
  });

  test('17 parameters read from the spilled tuple', () => {
    exp.sendSpilled();
    expect(got.spilled).toEqual([[0x81, 2n ** 63n, 0xfffe, ...Array.from({ length: 14 }, (_, i) => 1000 + i)]]);
  });

  test('option<option<u32>> from its flat form', () => {
    for (const i of [0, 1, 2]) exp.sendNested(i);
    expect(got.nested).toEqual([{ tag: 'none' }, { tag: 'some', val: undefined }, { tag: 'some', val: 7 }]);
  });

  test('a variant from its joined flat form [i32, i64, i32]', () => {
    for (const i of [0, 1, 2, 3, 4]) exp.sendNum(i);
    expect(got.num).toEqual([
      { tag: 'none' },
      { tag: 'small', val: 4294967295 },
      { tag: 'real', val: 0.75 },
      { tag: 'big', val: 0xfedcba9876543210n },
      { tag: 'text', val: 'vär' },
    ]);
  });

  test('a host record result is stored through the return pointer with the spec layout', () => {
    giveRecord = { a: 7, b: 2n ** 64n - 2n, c: 0x1234, d: 'xyz', e: true };
    const v = view(exp.fetchRecord());
    expect([v.getUint8(0), v.getBigUint64(8, true), v.getUint16(16, true), v.getUint32(24, true), v.getUint8(28)]).toEqual([7, 2n ** 64n - 2n, 0x1234, 3, 1]);
  });

  test('a host variant result is stored with its payload at offset 8', () => {
    giveVariant = { tag: 'real', val: -0.5 };
    let v = view(exp.fetchVariant());
    expect([v.getUint8(0), v.getFloat32(8, true)]).toEqual([2, -0.5]);
    giveVariant = { tag: 'big', val: 2n ** 64n - 1n };
    v = view(exp.fetchVariant());
    expect([v.getUint8(0), v.getBigUint64(8, true)]).toEqual([3, 2n ** 64n - 1n]);
    giveVariant = { tag: 'text', val: 'ab' };
    v = view(exp.fetchVariant());
    expect([v.getUint8(0), v.getUint32(12, true)]).toEqual([4, 2]);
  });
});

// Binary.md allows at most 32 flags (`0 < |l*| <= 32`); wasm-tools' text parser still emits more,
// so the limit is the transpiler's to enforce.
test('a flags type with more than 32 flags is rejected at transpile time', async () => {
  const names = Array.from({ length: 40 }, (_, i) => `"f${i}"`).join(' ');
  const text = `(component
    (type $f (flags ${names}))
    (core module $m (func (export "f") (result i32) (i32.const 0)))
    (core instance $i (instantiate $m))
    (func $f (result $f) (canon lift (core func $i "f")))
    (instance $x (export "f40" (type $f)) (export "get" (func $f)))
    (export "local:test/wide" (instance $x)))`;
  await expect(loadWat(text)).rejects.toThrow(/flags/i);
});

describe('lowering while the guest grows its memory', () => {
  let exp: any;
  const seen: unknown[] = [];
  beforeAll(async () => {
    const echo = (x: unknown) => (seen.push(x), x);
    exp = await loadWat(readFixture('values-grow.wat'), {
      'local:test/host': { bytes: echo, strings: echo, nested: echo, pairs: echo },
    });
  });

  test('a list<u8> bigger than the initial memory, both ways', () => {
    const big = new Uint8Array(300_000).map((_, i) => (i * 7) & 0xff);
    const out = exp.bytes(big);
    expect(out).toBeInstanceOf(Uint8Array);
    expect(out.length).toBe(big.length);
    expect(Buffer.compare(out, big)).toBe(0);
    expect(Buffer.compare(seen.at(-1) as Uint8Array, big)).toBe(0);
  });

  test('many strings, each allocated separately while memory grows', () => {
    const strings = Array.from({ length: 3000 }, (_, i) => `${i}:${'é'.repeat(i % 40)}😀`);
    expect(exp.strings(strings)).toEqual(strings);
    expect(seen.at(-1)).toEqual(strings);
  });

  test('nested lists and tuples with strings', () => {
    const nested = Array.from({ length: 200 }, (_, i) => Array.from({ length: i % 7 }, (_, j) => `${i}.${j}${'x'.repeat(300)}`));
    expect(exp.nested(nested)).toEqual(nested);
    const pairs = Array.from({ length: 2000 }, (_, i) => [`k${i}${'y'.repeat(50)}`, BigInt(i) * 2n ** 40n] as [string, bigint]);
    expect(exp.pairs(pairs)).toEqual(pairs);
  });
});

describe('shapes: cases without payloads, optional record fields, variant-like values in lists', () => {
  // Host code compares with assert.deepStrictEqual, which tells a missing key from one set to undefined.
  const received: Record<string, unknown[]> = {};
  const echo = (name: string) => (x: unknown) => {
    (received[name] ??= []).push(x);
    if (x !== null && typeof x === 'object' && 'tag' in x && (name === 'fwdUnitOk' || name === 'fwdUnitErr' || name === 'fwdEmptyResult')) {
      const r = x as { tag: string; val: unknown };
      if (r.tag === 'err') throw new HostError(r.val);
      return r.val;
    }
    return x;
  };
  let exp: any;
  beforeAll(async () => {
    const names = [
      'fwdUnitOk',
      'fwdUnitErr',
      'fwdEmptyResult',
      'fwdOptionalFields',
      'fwdOptionResult',
      'fwdListResults',
      'fwdListOptions',
      'fwdListNestedOptions',
      'fwdListVariants',
      'fwdListEnums',
      'fwdListFlags',
      'fwdListTuples',
    ];
    exp = await loadWat(readFixture('values-shapes.wat'), { 'local:test/host': Object.fromEntries(names.map((n) => [n, echo(n)])) });
  });

  test('a result case without a payload reaches the host as { tag, val: undefined }', () => {
    expect(exp.fwdUnitOk({ tag: 'ok', val: undefined })).toBeUndefined();
    assert.deepStrictEqual(received.fwdUnitOk!.at(-1), { tag: 'ok', val: undefined });
    expect(() => exp.fwdUnitErr({ tag: 'err', val: undefined })).toThrow(/see error.payload/);
    assert.deepStrictEqual(received.fwdUnitErr!.at(-1), { tag: 'err', val: undefined });
    exp.fwdEmptyResult({ tag: 'ok' });
    assert.deepStrictEqual(received.fwdEmptyResult!.at(-1), { tag: 'ok', val: undefined });
  });

  test('results nested in options and lists carry val both ways', () => {
    const inOption = { tag: 'ok', val: undefined };
    assert.deepStrictEqual(exp.fwdOptionResult(inOption), inOption);
    assert.deepStrictEqual(received.fwdOptionResult!.at(-1), inOption);
    const list = [
      { tag: 'ok', val: undefined },
      { tag: 'err', val: 7 },
    ];
    assert.deepStrictEqual(exp.fwdListResults(list), list);
    assert.deepStrictEqual(received.fwdListResults!.at(-1), list);
  });

  test('a variant case without a payload and a nested none have no val key', () => {
    const list = [{ tag: 'none' }, { tag: 'small', val: 3 }];
    assert.deepStrictEqual(exp.fwdListVariants(list), list);
    assert.deepStrictEqual(received.fwdListVariants!.at(-1), list);
    const nested = [{ tag: 'none' }, { tag: 'some', val: undefined }, { tag: 'some', val: 5 }];
    assert.deepStrictEqual(exp.fwdListNestedOptions(nested), nested);
    assert.deepStrictEqual(received.fwdListNestedOptions!.at(-1), nested);
  });

  test('an absent optional record field is present as undefined', () => {
    const r = { count: undefined, label: undefined, tag: 1 };
    assert.deepStrictEqual(exp.fwdOptionalFields({ tag: 1 }), r);
    assert.deepStrictEqual(received.fwdOptionalFields!.at(-1), r);
  });
});
