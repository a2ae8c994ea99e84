import { WeftError } from '../error.js';
import type { FuncType, ValType } from './model.js';
import { childTypes } from './model.js';

/**
 * The canonical ABI's layout of values: size and alignment in linear memory, and the core
 * value types a value flattens to. Validation needs it (element-size bound, flat signatures
 * of canon definitions) and so do the lift and lower generators, so it lives with the types.
 */

/** Core wasm value types as the canonical ABI flattens component values. */
export type Flat = 'i32' | 'i64' | 'f32' | 'f64';

export const MAX_FLAT_PARAMS = 16;
export const MAX_FLAT_RESULTS = 1;
export const MAX_FLAT_ASYNC_PARAMS = 4;

/** Does `t` contain a stream, future or error context (a Preview 3 handle)? */
export function hasAsyncValue(t: ValType): boolean {
  if (t.kind === 'stream' || t.kind === 'future' || t.kind === 'error-context') return true;
  return childTypes(t).some(hasAsyncValue);
}

/** A map's entries as they sit in memory. */
export function mapEntry(t: ValType & { kind: 'map' }): ValType {
  return { kind: 'tuple', types: [t.key, t.value] };
}

export function alignTo(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}

export function discriminantSize(cases: number): 1 | 2 | 4 {
  return cases <= 0x100 ? 1 : cases <= 0x10000 ? 2 : 4;
}

export function flagsSize(n: number): number {
  return n <= 8 ? 1 : n <= 16 ? 2 : 4 * Math.ceil(n / 32);
}

/** Cases of option/result/enum as variants, so one code path handles all of them. */
export function variantCases(t: ValType): { name: string; type?: ValType }[] {
  switch (t.kind) {
    case 'variant':
      return t.cases;
    case 'option':
      return [{ name: 'none' }, { name: 'some', type: t.type }];
    case 'result':
      return [t.ok ? { name: 'ok', type: t.ok } : { name: 'ok' }, t.err ? { name: 'err', type: t.err } : { name: 'err' }];
    case 'enum':
      return t.names.map((name) => ({ name }));
    default:
      throw new Error(`not a variant-like type: ${t.kind}`);
  }
}

/** Bytes in a pointer: 4 in 32-bit memories, 8 in 64-bit ones. */
export type PtrSize = 4 | 8;

/** Validation bound on the element size of every defined value type in a 64-bit memory (CanonicalABI.md, Element Size). */
export const MAX_ELEM_SIZE = 2 ** 28;

interface Layout {
  size: number;
  align: number;
}

/**
 * Layouts per pointer size. Pure memoisation, not a fact passed between stages: a layout
 * depends on nothing but the type's structure, which is never mutated once resolved (only its
 * WIT name is set later), and the pointer size, and a miss recomputes the same answer.
 */
const layouts: Record<PtrSize, WeakMap<ValType, Layout>> = { 4: new WeakMap(), 8: new WeakMap() };

function layout(t: ValType, ptr: PtrSize): Layout {
  const known = layouts[ptr].get(t);
  if (known) return known;
  const out = computeLayout(t, ptr);
  layouts[ptr].set(t, out);
  return out;
}

function computeLayout(t: ValType, ptr: PtrSize): Layout {
  switch (t.kind) {
    case 'bool':
    case 's8':
    case 'u8':
      return { size: 1, align: 1 };
    case 's16':
    case 'u16':
      return { size: 2, align: 2 };
    case 's32':
    case 'u32':
    case 'f32':
    case 'char':
    case 'own':
    case 'borrow':
      return { size: 4, align: 4 };
    case 's64':
    case 'u64':
    case 'f64':
      return { size: 8, align: 8 };
    case 'string':
    case 'map':
      return { size: 2 * ptr, align: ptr };
    case 'list': {
      if (t.length === undefined) return { size: 2 * ptr, align: ptr };
      const e = layout(t.elem, ptr);
      return { size: t.length * e.size, align: e.align };
    }
    case 'record':
      return recordLayout(
        t.fields.map((f) => f.type),
        ptr,
      );
    case 'tuple':
      return recordLayout(t.types, ptr);
    case 'flags': {
      const s = flagsSize(t.names.length);
      return { size: s, align: s > 4 ? 4 : s };
    }
    case 'variant':
    case 'option':
    case 'result':
    case 'enum':
      return variantLayout(t, ptr);
    // Streams, futures and error contexts are i32 handles in the ABI.
    case 'stream':
    case 'future':
    case 'error-context':
      return { size: 4, align: 4 };
  }
}

export function alignment(t: ValType, ptr: PtrSize = 4): number {
  return layout(t, ptr).align;
}

export function size(t: ValType, ptr: PtrSize = 4): number {
  return layout(t, ptr).size;
}

export function recordLayout(types: ValType[], ptr: PtrSize = 4): { offsets: number[]; size: number; align: number } {
  let s = 0;
  let align = 1;
  const offsets: number[] = [];
  for (const t of types) {
    const l = layout(t, ptr);
    s = alignTo(s, l.align);
    offsets.push(s);
    s += l.size;
    align = Math.max(align, l.align);
  }
  return { offsets, size: alignTo(s, align), align };
}

export function variantLayout(t: ValType, ptr: PtrSize = 4): { discSize: 1 | 2 | 4; payloadOffset: number; size: number; align: number } {
  const cases = variantCases(t);
  const discSize = discriminantSize(cases.length);
  let maxCaseAlign = 1;
  let maxCaseSize = 0;
  for (const c of cases) {
    if (!c.type) continue;
    const l = layout(c.type, ptr);
    maxCaseAlign = Math.max(maxCaseAlign, l.align);
    maxCaseSize = Math.max(maxCaseSize, l.size);
  }
  const payloadOffset = alignTo(discSize, maxCaseAlign);
  const align = Math.max(discSize, maxCaseAlign);
  return { discSize, payloadOffset, size: alignTo(payloadOffset + maxCaseSize, align), align };
}

function join(a: Flat, b: Flat): Flat {
  if (a === b) return a;
  if ((a === 'i32' && b === 'f32') || (a === 'f32' && b === 'i32')) return 'i32';
  return 'i64';
}

/** The core values `t` flattens to; pointers and lengths are i64 with a 64-bit memory (`ptr` 8). */
export function flatten(t: ValType, ptr: PtrSize = 4): Flat[] {
  const f = (x: ValType) => flatten(x, ptr);
  switch (t.kind) {
    case 'bool':
    case 's8':
    case 'u8':
    case 's16':
    case 'u16':
    case 's32':
    case 'u32':
    case 'char':
    case 'own':
    case 'borrow':
    case 'enum':
    case 'stream':
    case 'future':
    case 'error-context':
      return ['i32'];
    case 's64':
    case 'u64':
      return ['i64'];
    case 'f32':
      return ['f32'];
    case 'f64':
      return ['f64'];
    case 'string':
    case 'map':
      return ptr === 8 ? ['i64', 'i64'] : ['i32', 'i32'];
    case 'list':
      if (t.length === undefined) return ptr === 8 ? ['i64', 'i64'] : ['i32', 'i32'];
      // Past MAX_FLAT_PARAMS values only the count matters (the value goes through memory),
      // so a huge fixed-length list is not expanded.
      return Array.from({ length: Math.min(t.length, MAX_FLAT_PARAMS + 1) }, () => f(t.elem)).flat();
    case 'record':
      return t.fields.flatMap((field) => f(field.type));
    case 'tuple':
      return t.types.flatMap(f);
    case 'flags':
      return Array.from({ length: Math.ceil(t.names.length / 32) }, () => 'i32' as const);
    case 'variant':
    case 'option':
    case 'result': {
      const payload: Flat[] = [];
      for (const c of variantCases(t)) {
        if (!c.type) continue;
        f(c.type).forEach((x, i) => {
          payload[i] = i < payload.length ? join(payload[i]!, x) : x;
        });
      }
      return ['i32', ...payload];
    }
  }
}

/** How a function's parameters and result cross the core boundary. */
export interface FlatSignature {
  params: Flat[];
  /** Parameters do not fit in MAX_FLAT_PARAMS: they travel as a tuple in memory behind one pointer. */
  paramsInMemory: boolean;
  results: Flat[];
  /** The result does not fit in MAX_FLAT_RESULTS: it travels in memory behind a pointer. */
  resultInMemory: boolean;
}

export function flatSignature(f: FuncType): FlatSignature {
  const params = f.params.flatMap((p) => flatten(p.type));
  const results = f.result ? flatten(f.result) : [];
  return {
    params,
    paramsInMemory: params.length > MAX_FLAT_PARAMS,
    results,
    resultInMemory: results.length > MAX_FLAT_RESULTS,
  };
}

/** True when a value of this type can only be lowered or lifted with linear memory. */
export function needsMemory(t: ValType): boolean {
  switch (t.kind) {
    case 'string':
    case 'map':
      return true;
    case 'list':
      return t.length === undefined || needsMemory(t.elem);
    case 'record':
      return t.fields.some((f) => needsMemory(f.type));
    case 'tuple':
      return t.types.some(needsMemory);
    case 'variant':
    case 'option':
    case 'result':
      return variantCases(t).some((c) => c.type !== undefined && needsMemory(c.type));
    default:
      return false;
  }
}
