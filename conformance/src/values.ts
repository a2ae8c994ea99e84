/**
 * Component values as written in .wast scripts (`u32.const 5`, `record.const ...`),
 * and their mapping onto weft's JS value conventions (DESIGN.md).
 */
import { isNumericKind, type NumericKind, TYPED_ARRAYS } from '@weft/transpiler';
import { isAtom, isList, show, strText, type SExpr } from './sexpr.js';

export type NumKind = 'u8' | 's8' | 'u16' | 's16' | 'u32' | 's32' | 'u64' | 's64';

/** A float as written: a number, or a NaN pattern the result must match. */
export type FloatPattern = { nan: 'canonical' | 'arithmetic' | 'any' } | { value: number; bits?: bigint };

export type WastValue =
  | { t: 'bool'; v: boolean }
  | { t: NumKind; v: bigint }
  | { t: 'f32' | 'f64'; v: FloatPattern }
  | { t: 'char'; v: string }
  | { t: 'string'; v: string }
  | { t: 'list'; v: WastValue[] }
  | { t: 'record'; v: [string, WastValue][] }
  | { t: 'tuple'; v: WastValue[] }
  | { t: 'variant'; name: string; v?: WastValue }
  | { t: 'enum'; v: string }
  | { t: 'option'; v?: WastValue }
  | { t: 'result'; ok: boolean; v?: WastValue }
  | { t: 'flags'; v: string[] };

export class ValueSyntaxError extends Error {
  override name = 'ValueSyntaxError';
}

const INT_RANGES: Record<NumKind, [bigint, bigint]> = {
  u8: [0n, 0xffn],
  s8: [-0x80n, 0x7fn],
  u16: [0n, 0xffffn],
  s16: [-0x8000n, 0x7fffn],
  u32: [0n, 0xffffffffn],
  s32: [-0x80000000n, 0x7fffffffn],
  u64: [0n, 0xffffffffffffffffn],
  s64: [-0x8000000000000000n, 0x7fffffffffffffffn],
};

/** Integer literal of the text format: decimal or 0x hex, `_` separators, optional sign. */
export function parseIntLiteral(text: string, kind: NumKind): bigint {
  const m = /^([+-]?)(0x[0-9a-fA-F](?:_?[0-9a-fA-F])*|[0-9](?:_?[0-9])*)$/.exec(text);
  if (!m) throw new ValueSyntaxError(`bad ${kind} literal ${text}`);
  let v = BigInt(m[2]!.replaceAll('_', ''));
  if (m[1] === '-') v = -v;
  const [lo, hi] = INT_RANGES[kind];
  if (v < lo || v > hi) throw new ValueSyntaxError(`${kind} literal out of range: ${text}`);
  return v;
}

const F32_MANT = 23;
const F64_MANT = 52;

/** Float literal of the text format, incl. hex floats, `inf`, `nan`, `nan:0x...`, `nan:canonical|arithmetic`. */
export function parseFloatLiteral(text: string, kind: 'f32' | 'f64'): FloatPattern {
  const t = text.replaceAll('_', '');
  const sign = t.startsWith('-') ? -1 : 1;
  const body = t.replace(/^[+-]/, '');
  if (body === 'nan:canonical' || body === 'nan:arithmetic') return { nan: body.slice(4) as 'canonical' | 'arithmetic' };
  if (body === 'nan') return { nan: 'any' };
  if (body.startsWith('nan:0x')) {
    const payload = BigInt(body.slice(4));
    const mantBits = kind === 'f32' ? F32_MANT : F64_MANT;
    const expBits = kind === 'f32' ? 8n : 11n;
    if (payload === 0n || payload >= 1n << BigInt(mantBits)) throw new ValueSyntaxError(`bad NaN payload ${text}`);
    const bits = ((sign < 0 ? 1n : 0n) << BigInt(mantBits + Number(expBits))) | (((1n << expBits) - 1n) << BigInt(mantBits)) | payload;
    return { value: NaN, bits };
  }
  if (body === 'inf') return { value: sign * Infinity };
  let v: number;
  if (/^0x/i.test(body)) {
    const m = /^0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?$/i.exec(body);
    if (!m || (m[1] === '' && !m[2])) throw new ValueSyntaxError(`bad ${kind} literal ${text}`);
    const digits = (m[1] ?? '') + (m[2] ?? '');
    const exp = Number(m[3] ?? '0') - 4 * (m[2]?.length ?? 0);
    v = Number(BigInt('0x' + (digits || '0'))) * 2 ** exp;
  } else {
    if (!/^\d+(\.\d*)?([eE][+-]?\d+)?$/.test(body)) throw new ValueSyntaxError(`bad ${kind} literal ${text}`);
    v = Number(body);
  }
  v *= sign;
  return { value: kind === 'f32' ? Math.fround(v) : v };
}

function atomOf(e: SExpr | undefined, what: string): string {
  if (!isAtom(e)) throw new ValueSyntaxError(`expected ${what}, found ${e ? show(e) : 'nothing'}`);
  return e.value;
}

function stringOf(e: SExpr | undefined, what: string): string {
  if (e?.kind !== 'string') throw new ValueSyntaxError(`expected ${what} string, found ${e ? show(e) : 'nothing'}`);
  return strText(e);
}

/**
 * A payload written either parenthesised `(u32.const 1)` or bare `u32.const 1`
 * (record fields use the bare form); `rest` is everything after the name.
 */
function payload(rest: SExpr[], ctx: string): WastValue | undefined {
  if (rest.length === 0) return undefined;
  if (rest.length === 1 && isList(rest[0])) return parseValue(rest[0]);
  if (isAtom(rest[0])) return parseValueItems(rest);
  throw new ValueSyntaxError(`bad payload in ${ctx}`);
}

/** Parses a parenthesised component value, e.g. `(u32.const 5)`. */
export function parseValue(e: SExpr): WastValue {
  if (!isList(e)) throw new ValueSyntaxError(`expected a value, found ${show(e)}`);
  return parseValueItems(e.items);
}

function parseValueItems(items: SExpr[]): WastValue {
  const head = atomOf(items[0], 'a value keyword');
  const args = items.slice(1);
  const exactly = (k: number) => {
    if (args.length !== k) throw new ValueSyntaxError(`${head} takes ${k} operand(s), found ${args.length}`);
  };
  switch (head) {
    case 'bool.const': {
      exactly(1);
      const a = atomOf(args[0], 'true or false');
      if (a !== 'true' && a !== 'false') throw new ValueSyntaxError(`bad bool ${a}`);
      return { t: 'bool', v: a === 'true' };
    }
    case 'u8.const':
    case 's8.const':
    case 'u16.const':
    case 's16.const':
    case 'u32.const':
    case 's32.const':
    case 'u64.const':
    case 's64.const': {
      exactly(1);
      const kind = head.slice(0, -6) as NumKind;
      return { t: kind, v: parseIntLiteral(atomOf(args[0], 'an integer'), kind) };
    }
    case 'f32.const':
    case 'f64.const': {
      exactly(1);
      const kind = head.slice(0, 3) as 'f32' | 'f64';
      return { t: kind, v: parseFloatLiteral(atomOf(args[0], 'a float'), kind) };
    }
    case 'char.const': {
      exactly(1);
      const s = stringOf(args[0], 'char');
      if ([...s].length !== 1) throw new ValueSyntaxError(`char.const needs exactly one character, found ${JSON.stringify(s)}`);
      return { t: 'char', v: s };
    }
    case 'str.const':
      exactly(1);
      return { t: 'string', v: stringOf(args[0], 'str.const') };
    case 'list.const':
      return { t: 'list', v: args.map(parseValue) };
    case 'tuple.const':
      return { t: 'tuple', v: args.map(parseValue) };
    case 'record.const':
      return {
        t: 'record',
        v: args.map((f) => {
          if (!isList(f, 'field')) throw new ValueSyntaxError(`expected (field "name" value), found ${show(f)}`);
          const name = stringOf(f.items[1], 'field name');
          const v = payload(f.items.slice(2), `field ${name}`);
          if (!v) throw new ValueSyntaxError(`field ${name} has no value`);
          return [name, v] as [string, WastValue];
        }),
      };
    case 'variant.const': {
      const name = stringOf(args[0], 'case name');
      const v = payload(args.slice(1), `variant case ${name}`);
      return v ? { t: 'variant', name, v } : { t: 'variant', name };
    }
    case 'enum.const':
      exactly(1);
      return { t: 'enum', v: stringOf(args[0], 'enum case') };
    case 'option.none':
      exactly(0);
      return { t: 'option' };
    case 'option.some': {
      const v = payload(args, 'option.some');
      if (!v) throw new ValueSyntaxError('option.some needs a value');
      return { t: 'option', v };
    }
    case 'result.ok':
    case 'result.err': {
      const v = payload(args, head);
      const ok = head === 'result.ok';
      return v ? { t: 'result', ok, v } : { t: 'result', ok };
    }
    case 'flags.const':
      return { t: 'flags', v: args.map((a) => stringOf(a, 'flag name')) };
    default:
      throw new ValueSyntaxError(`unknown value form ${head}`);
  }
}

/** kebab-case -> camelCase, the convention for fields, flags and functions. */
export function camelCase(name: string): string {
  return name
    .split('-')
    .map((w, i) => (i === 0 ? w.toLowerCase() : w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()))
    .join('');
}

type TypedArrayCtor = (typeof TYPED_ARRAYS)[NumericKind];

/** The typed array a numeric list maps to, judged from its (uniform) elements. */
function typedArrayFor(items: WastValue[]): TypedArrayCtor | undefined {
  const t = items[0]?.t;
  if (!t || !isNumericKind(t) || !items.every((i) => i.t === t)) return undefined;
  return TYPED_ARRAYS[t];
}

/** An empty typed array for a numeric list element type. */
export function emptyTypedArray(elem: NumKind | 'f32' | 'f64'): unknown {
  return new (TYPED_ARRAYS[elem] as new (n: number) => unknown)(0);
}

function floatValue(p: FloatPattern, kind: 'f32' | 'f64'): number {
  if ('nan' in p) return NaN;
  if (p.bits !== undefined) {
    const view = new DataView(new ArrayBuffer(8));
    if (kind === 'f32') {
      view.setUint32(0, Number(p.bits));
      return view.getFloat32(0);
    }
    view.setBigUint64(0, p.bits);
    return view.getFloat64(0);
  }
  return p.value;
}

/** True when an option's payload is itself an option: jco/weft then use `{ tag, val }` for the outer one. */
function isNestedOption(v: WastValue | undefined): boolean {
  return v?.t === 'option';
}

/** Converts a script value to the JS value passed to an exported function. */
export function toJs(v: WastValue): unknown {
  switch (v.t) {
    case 'bool':
      return v.v;
    case 'u8':
    case 's8':
    case 'u16':
    case 's16':
    case 'u32':
    case 's32':
      return Number(v.v);
    case 'u64':
    case 's64':
      return v.v;
    case 'f32':
    case 'f64':
      return floatValue(v.v, v.t);
    case 'char':
    case 'string':
      return v.v;
    case 'list': {
      const ctor = typedArrayFor(v.v);
      if (ctor) return (ctor as { from(a: unknown[]): unknown }).from(v.v.map(toJs));
      return v.v.map(toJs);
    }
    case 'tuple':
      return v.v.map(toJs);
    case 'record':
      return Object.fromEntries(v.v.map(([k, x]) => [camelCase(k), toJs(x)]));
    case 'variant':
      return v.v ? { tag: v.name, val: toJs(v.v) } : { tag: v.name };
    case 'enum':
      return v.v;
    case 'option':
      if (isNestedOption(v.v)) return { tag: 'some', val: toJs(v.v!) };
      return v.v ? toJs(v.v) : undefined;
    case 'result':
      return { tag: v.ok ? 'ok' : 'err', val: v.v ? toJs(v.v) : undefined };
    case 'flags':
      return Object.fromEntries(v.v.map((f) => [camelCase(f), true]));
  }
}

function describe(x: unknown): string {
  if (typeof x === 'bigint') return `${x}n`;
  if (Object.is(x, -0)) return '-0';
  if (typeof x === 'string') return JSON.stringify(x);
  if (ArrayBuffer.isView(x)) return `${x.constructor.name}[${Array.from(x as unknown as ArrayLike<unknown>, describe).join(', ')}]`;
  if (Array.isArray(x)) return `[${x.map(describe).join(', ')}]`;
  if (x && typeof x === 'object') {
    return `{ ${Object.entries(x)
      .map(([k, val]) => `${k}: ${describe(val)}`)
      .join(', ')} }`;
  }
  return String(x);
}

function floatMatches(actual: number, p: FloatPattern): boolean {
  if ('nan' in p || p.bits !== undefined) return Number.isNaN(actual);
  return Object.is(actual, p.value);
}

/**
 * Checks a JS value returned by an export against the expected script value;
 * returns undefined when it matches, else what differs.
 */
export function mismatch(actual: unknown, expected: WastValue, path = 'result'): string | undefined {
  const fail = (want: string) => `${path}: expected ${want}, got ${describe(actual)}`;
  switch (expected.t) {
    case 'bool':
      return actual === expected.v ? undefined : fail(String(expected.v));
    case 'u8':
    case 's8':
    case 'u16':
    case 's16':
    case 'u32':
    case 's32':
      return typeof actual === 'number' && actual === Number(expected.v) ? undefined : fail(`${expected.v} (${expected.t} number)`);
    case 'u64':
    case 's64':
      return typeof actual === 'bigint' && actual === expected.v ? undefined : fail(`${expected.v}n (${expected.t} bigint)`);
    case 'f32':
    case 'f64':
      return typeof actual === 'number' && floatMatches(actual, expected.v)
        ? undefined
        : fail(`${describe(floatValue(expected.v, expected.t))} (${expected.t})`);
    case 'char':
    case 'string':
    case 'enum':
      return actual === expected.v ? undefined : fail(JSON.stringify(expected.v));
    case 'list': {
      const ctor = typedArrayFor(expected.v);
      if (ctor && !(actual instanceof ctor)) return fail(`a ${ctor.name}`);
      const emptyOk = expected.v.length === 0 && (Array.isArray(actual) || ArrayBuffer.isView(actual));
      if (!ctor && !Array.isArray(actual) && !emptyOk) return fail('an array');
      const arr = Array.from(actual as ArrayLike<unknown>);
      if (arr.length !== expected.v.length) return fail(`${expected.v.length} elements`);
      for (let i = 0; i < arr.length; i++) {
        const m = mismatch(arr[i], expected.v[i]!, `${path}[${i}]`);
        if (m) return m;
      }
      return undefined;
    }
    case 'tuple': {
      if (!Array.isArray(actual) || actual.length !== expected.v.length) return fail(`a ${expected.v.length}-tuple array`);
      for (let i = 0; i < actual.length; i++) {
        const m = mismatch(actual[i], expected.v[i]!, `${path}[${i}]`);
        if (m) return m;
      }
      return undefined;
    }
    case 'record': {
      if (!actual || typeof actual !== 'object') return fail('a record object');
      for (const [k, v] of expected.v) {
        const key = camelCase(k);
        if (!(key in actual)) return fail(`a field ${key}`);
        const m = mismatch((actual as Record<string, unknown>)[key], v, `${path}.${key}`);
        if (m) return m;
      }
      return undefined;
    }
    case 'variant': {
      if (!actual || typeof actual !== 'object' || (actual as { tag?: unknown }).tag !== expected.name)
        return fail(`{ tag: ${JSON.stringify(expected.name)} }`);
      const val = (actual as { val?: unknown }).val;
      if (!expected.v) return val === undefined ? undefined : fail('no payload');
      return mismatch(val, expected.v, `${path}.val`);
    }
    case 'option': {
      if (isNestedOption(expected.v)) {
        if (!actual || typeof actual !== 'object' || (actual as { tag?: unknown }).tag !== 'some') return fail("{ tag: 'some' }");
        return mismatch((actual as { val?: unknown }).val, expected.v!, `${path}.val`);
      }
      if (!expected.v) {
        const nestedNone = actual && typeof actual === 'object' && (actual as { tag?: unknown }).tag === 'none';
        return actual === undefined || actual === null || nestedNone ? undefined : fail('none (undefined)');
      }
      return mismatch(actual, expected.v, path);
    }
    case 'result': {
      const tag = expected.ok ? 'ok' : 'err';
      if (!actual || typeof actual !== 'object' || (actual as { tag?: unknown }).tag !== tag) return fail(`{ tag: '${tag}' }`);
      const val = (actual as { val?: unknown }).val;
      if (!expected.v) return val === undefined ? undefined : fail('no payload');
      return mismatch(val, expected.v, `${path}.val`);
    }
    case 'flags': {
      if (!actual || typeof actual !== 'object') return fail('a flags object');
      const want = new Set(expected.v.map(camelCase));
      for (const k of want) if ((actual as Record<string, unknown>)[k] !== true) return fail(`flag ${k} set`);
      for (const [k, set] of Object.entries(actual)) if (set && !want.has(k)) return fail(`flag ${k} clear`);
      return undefined;
    }
  }
}

export { describe as describeJs };
