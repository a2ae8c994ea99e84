import { beforeAll, describe, expect, test } from 'vitest';
import { loadWat, readFixture } from './harness.js';

/** A host error carrying the err payload of a `result`, the way host imports signal err. */
class HostError extends Error {
  constructor(readonly payload: unknown) {
    super(`host error: ${String(payload)}`);
  }
}

describe('forwarding: export -> host import with the same signature', () => {
  let exp: any;
  const seen: Record<string, unknown[]> = {};
  const identity = (name: string) => (...args: unknown[]) => {
    (seen[name] ??= []).push(args.length === 1 ? args[0] : args);
    return args[0];
  };
  const host: Record<string, unknown> = {};

  beforeAll(async () => {
    const names = [
      'fwdBool', 'fwdS8', 'fwdU8', 'fwdS16', 'fwdU16', 'fwdS32', 'fwdU32', 'fwdChar', 'fwdS64', 'fwdU64',
      'fwdF32', 'fwdF64', 'fwdString', 'fwdListU8', 'fwdListS8', 'fwdListU16', 'fwdListS16', 'fwdListU32',
      'fwdListS32', 'fwdListU64', 'fwdListS64', 'fwdListF32', 'fwdListF64', 'fwdStrings', 'fwdPeople',
      'fwdRecord', 'fwdTuple', 'fwdVariant', 'fwdEnum', 'fwdOption', 'fwdNestedOption', 'fwdOptionString',
      'fwdFlags', 'fwdWideFlags',
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

