/**
 * Type-directed values for the differential run. fast-check generates a plain description
 * of a value from its WIT type (seeded, so runs repeat); `materialize` turns the description
 * into the JS value one engine receives, creating resources through that engine's own
 * classes. Each engine gets its own copy, so neither can see what the other did to it.
 */
import fc from 'fast-check';
import type { FuncType, Resource, ValType } from '../../src/types/model.js';
import { camelCase } from '../../src/js/names.js';
import { isNumericKind, TYPED_ARRAYS } from '../../src/js/typed-arrays.js';

/** Stands for a resource instance until an engine makes one. */
export interface ResourceSeed {
  resourceSeed: number;
  resource: Resource;
}

const MAX_LIST = 6;

const scalar: Partial<Record<ValType['kind'], fc.Arbitrary<unknown>>> = {
  bool: fc.boolean(),
  u8: fc.integer({ min: 0, max: 255 }),
  s8: fc.integer({ min: -128, max: 127 }),
  u16: fc.integer({ min: 0, max: 65535 }),
  s16: fc.integer({ min: -32768, max: 32767 }),
  u32: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  s32: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  u64: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  s64: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  // f32 values come as any double: lowering rounds them.
  f32: fc.double(),
  f64: fc.double(),
  char: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  string: fc.string({ unit: 'binary', maxLength: 12 }),
};

/**
 * How generated values are written. `canonical`: as the engines lift them. `loose`: the other
 * spellings jco's glue accepts from JS and host code uses: plain arrays for numeric lists,
 * `val: undefined` on cases without a payload, `null` for none, flags with only the set ones,
 * records without their optional fields. `wrong`: now and then a value that is not of its
 * type at all (a number for a u64, 300 for a u8, an unknown enum case, null for a record).
 */
export type Spelling = 'canonical' | 'loose' | 'wrong';
export const spellings: readonly Spelling[] = ['canonical', 'loose', 'wrong'];

/** Values of the wrong JS type or out of range, per WIT type. */
const wrongScalar: Partial<Record<ValType['kind'], unknown[]>> = {
  bool: [1, 'true'],
  u8: [256, -1, 1.5, '7', 7n],
  s8: [128, -129, 0.5, '7'],
  u16: [65536, -1, 7n],
  s16: [32768, NaN],
  u32: [2 ** 32, -1, 2.5, '7', 7n],
  s32: [2 ** 31, 1e10, Infinity],
  u64: [7, -1n, 2n ** 64n, '7'],
  s64: [7, 2n ** 63n, 1.5],
  f32: ['1.5', 1n, null],
  f64: ['1.5', 1n, undefined],
  char: ['', 'ab', '\ud800', 65],
  string: [42, null, '\udc00x'],
};

/** A value that is wrong for any non-scalar type. */
const wrongComposite = fc.constantFrom(null, 42, 'text', true);

/** With `undefined` as a possible value, so the key may be present and undefined, or absent. */
function maybeVal(loose: boolean, tag: string): fc.Arbitrary<unknown> {
  return loose ? fc.constantFrom({ tag }, { tag, val: undefined }) : fc.constant({ tag });
}

/** The generated JS value of `t` (resources as ResourceSeed). */
export function arbitrary(t: ValType, spelling: Spelling = 'canonical'): fc.Arbitrary<unknown> {
  const right = rightly(t, spelling);
  if (spelling !== 'wrong' || t.kind === 'option') return right;
  const wrong = wrongScalar[t.kind];
  return fc.oneof({ arbitrary: right, weight: 5 }, { arbitrary: wrong ? fc.constantFrom(...wrong) : wrongComposite, weight: 1 });
}

/** A value of `t` (its parts spelt as asked). */
function rightly(t: ValType, spelling: Spelling): fc.Arbitrary<unknown> {
  const s = scalar[t.kind];
  if (s) return s;
  const loose = spelling !== 'canonical';
  const arb = (x: ValType) => arbitrary(x, spelling);
  switch (t.kind) {
    case 'list': {
      if (t.length !== undefined) return fc.array(arb(t.elem), { minLength: t.length, maxLength: t.length });
      const typed: { new (a: ArrayLike<any>): ArrayBufferView } | undefined = isNumericKind(t.elem.kind) ? TYPED_ARRAYS[t.elem.kind] : undefined;
      const elems = fc.array(arb(t.elem), { maxLength: MAX_LIST });
      if (!typed) return elems;
      const typedArrays = fc.array(arbitrary(t.elem), { maxLength: MAX_LIST }).map((a) => new typed(a as ArrayLike<number>));
      return loose ? fc.oneof(typedArrays, elems) : typedArrays;
    }
    case 'map':
      return fc.array(fc.tuple(arb(t.key), arb(t.value)), { maxLength: MAX_LIST }).map((es) => new Map(es));
    case 'record': {
      const optional = t.fields.filter((f) => f.type.kind === 'option').map((f) => camelCase(f.name));
      return fc.record(
        Object.fromEntries(t.fields.map((f) => [camelCase(f.name), arb(f.type)])),
        loose ? { requiredKeys: t.fields.map((f) => camelCase(f.name)).filter((k) => !optional.includes(k)) } : {},
      );
    }
    case 'tuple':
      return fc.tuple(...t.types.map(arb));
    case 'flags': {
      const all = fc.record(Object.fromEntries(t.names.map((n) => [camelCase(n), fc.boolean()])));
      return loose ? all.map((o) => Object.fromEntries(Object.entries(o).filter(([, b]) => b))) : all;
    }
    case 'enum':
      return fc.constantFrom(...t.names);
    case 'option':
      // A nested option is tagged, so `none` of the inner one stays distinct from the outer one.
      if (t.type.kind === 'option')
        return fc.oneof(
          maybeVal(loose, 'none'),
          arb(t.type).map((val) => ({ tag: 'some', val })),
        );
      return loose ? fc.oneof(fc.constant(null), fc.option(arb(t.type), { nil: undefined })) : fc.option(arb(t.type), { nil: undefined });
    case 'result': {
      const side = (tag: string, p: ValType | undefined) =>
        p ? arb(p).map((val) => ({ tag, val })) : loose ? maybeVal(true, tag) : fc.constant({ tag, val: undefined });
      return fc.oneof(side('ok', t.ok), side('err', t.err));
    }
    case 'variant':
      return fc.oneof(...t.cases.map((c) => (c.type ? arb(c.type).map((val) => ({ tag: c.name, val })) : maybeVal(loose, c.name))));
    case 'own':
    case 'borrow':
      return fc.nat().map((resourceSeed): ResourceSeed => ({ resourceSeed, resource: t.resource }));
    default:
      throw new Error(`no generator for ${t.kind}`);
  }
}

/** `n` argument lists for `f`, the same for every run with the same seed. */
export function argumentLists(f: FuncType, seed: number, n: number, spelling: Spelling = 'canonical'): unknown[][] {
  return fc.sample(fc.tuple(...f.params.map((p) => arbitrary(p.type, spelling))), { seed, numRuns: n });
}

const POOL = 64;
const pools: Record<Spelling, WeakMap<ValType, unknown[]>> = { canonical: new WeakMap(), loose: new WeakMap(), wrong: new WeakMap() };

/**
 * One value of `t` for a seed (a host import's answer), from a pool sampled once per type:
 * sampling afresh for each of thousands of host calls would dominate the run.
 */
export function valueFor(t: ValType, seed: number, spelling: Spelling): unknown {
  let pool = pools[spelling].get(t);
  if (!pool) pools[spelling].set(t, (pool = fc.sample(arbitrary(t, spelling), { seed: POOL, numRuns: POOL })));
  return pool[seed % POOL];
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object';
const isSeed = (v: unknown): v is ResourceSeed => isObject(v) && 'resourceSeed' in v;

/**
 * Copies a generated value for one engine, making its resources with `make`. Absent keys stay
 * absent, and a value not shaped like its type (a `wrong` one) is passed as it is.
 */
export function materialize(t: ValType, v: unknown, make: (r: ResourceSeed) => unknown): unknown {
  const m = (x: ValType, y: unknown) => materialize(x, y, make);
  switch (t.kind) {
    case 'own':
    case 'borrow':
      return isSeed(v) ? make(v) : v;
    case 'list':
      if (ArrayBuffer.isView(v)) return (v as unknown as { slice(): unknown }).slice();
      return Array.isArray(v) ? v.map((x) => m(t.elem, x)) : v;
    case 'map':
      return v instanceof Map ? new Map([...v].map(([k, x]) => [m(t.key, k), m(t.value, x)])) : v;
    case 'record':
      if (!isObject(v)) return v;
      return Object.fromEntries(t.fields.filter((f) => camelCase(f.name) in v).map((f) => [camelCase(f.name), m(f.type, v[camelCase(f.name)])]));
    case 'tuple':
      return Array.isArray(v) ? t.types.map((x, i) => m(x, v[i])) : v;
    case 'flags':
      return isObject(v) ? { ...v } : v;
    case 'option':
      if (t.type.kind !== 'option') return v === undefined || v === null ? v : m(t.type, v);
      return isObject(v) && v.tag === 'some' ? { tag: 'some', val: m(t.type, v.val) } : isObject(v) ? { ...v } : v;
    case 'result':
    case 'variant': {
      if (!isObject(v)) return v;
      const payload = t.kind === 'result' ? (v.tag === 'ok' ? t.ok : v.tag === 'err' ? t.err : undefined) : t.cases.find((k) => k.name === v.tag)?.type;
      return payload ? { tag: v.tag, val: m(payload, v.val) } : { ...v };
    }
    default:
      return v;
  }
}
