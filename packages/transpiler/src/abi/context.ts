import type { Code } from '../js/code.js';
import type { HelperName } from '../js/helpers.js';
import type { Resource, ValType } from '../types/model.js';
import type { Flat } from '../types/layout.js';
import { isNumericKind, TYPED_ARRAYS } from '../js/typed-arrays.js';

/** What generated lift/lower code needs to know about a resource type. */
export interface ResourceJs {
  /** Numeric tag stored in handle-table entries. */
  id: number;
  /** JS identifier of the class (guest wrapper class, or the host's imported class). */
  cls: string;
  guest: boolean;
  /** Guest only: component instance that defines it. */
  definer?: number;
  /** Guest only: JS identifier of the destructor, if it has one. */
  dtor?: string;
}

/** Everything the per-type code generators need from the function being emitted. */
export interface AbiCtx {
  code: Code;
  helper(name: HelperName): string;
  /** Module-level constant holding `expr`; returns its identifier. */
  constant(expr: string): string;
  /** A module-level constant holding the string `s`, shared by every use (error texts). */
  text(s: string): string;
  /**
   * Arguments naming a value's place for error messages: `where` is `<function>: <path>`, passed
   * as two shared string constants so messages cost a few bytes per check site.
   */
  where(where: string): string;
  /**
   * Identifier of a function returning a current DataView of the memory (throws a WeftError
   * naming the function if there is none). Helpers that call realloc take this getter.
   */
  mem(): string;
  /** Expression yielding a current DataView of the memory; stale once guest code runs. */
  view(): string;
  realloc(): string;
  encoding: 'utf8' | 'utf16' | 'latin1+utf16';
  /** Component instance on the guest side of this crossing. */
  instance: number;
  /** Handle table identifier of that instance. */
  table: string;
  resource(r: Resource): ResourceJs;
  /** Statements to run after the callee returns (ends borrow lends). */
  after: string[];
  /** How many generated blocks (loops, cases) enclose the current code; names bound there die with the block. */
  nested: number;
  /** Identifier of an array, declared at the top of the call, collecting what ends with the call. */
  ending(): string;
  /**
   * Lift maps as arrays of [key, value] pairs instead of a JS Map: set where the value only
   * passes through to another component, which must see every entry, duplicates included.
   */
  mapsAsPairs?: boolean;
  /** Identifier of this call's borrow scope `{ n }`, created on first use. */
  borrowScope(): string;
  /**
   * Preview 3: a constant naming the element type of a stream or future (the spec compares
   * them when an end moves or is copied through), and the instance record `$i<k>` of the
   * guest side, whose handle table holds the ends.
   */
  asyncType(t: ValType & { kind: 'stream' | 'future' }): string;
}

/**
 * A string equal for two value types exactly when the canonical ABI treats them as the same
 * type (structural; resources by their tag).
 */
export function typeKey(t: ValType | undefined, resourceId: (r: Resource) => number): string {
  if (!t) return '_';
  const k = (x: ValType | undefined) => typeKey(x, resourceId);
  switch (t.kind) {
    case 'record':
      return `record{${t.fields.map((f) => `${f.name}:${k(f.type)}`).join(',')}}`;
    case 'variant':
      return `variant{${t.cases.map((c) => `${c.name}:${k(c.type)}`).join(',')}}`;
    case 'list':
      return `list<${k(t.elem)}${t.length === undefined ? '' : `,${t.length}`}>`;
    case 'tuple':
      return `tuple<${t.types.map(k).join(',')}>`;
    case 'flags':
    case 'enum':
      return `${t.kind}{${t.names.join(',')}}`;
    case 'option':
      return `option<${k(t.type)}>`;
    case 'result':
      return `result<${k(t.ok)},${k(t.err)}>`;
    case 'own':
    case 'borrow':
      return `${t.kind}#${resourceId(t.resource)}`;
    case 'map':
      return `map<${k(t.key)},${k(t.value)}>`;
    case 'stream':
    case 'future':
      return `${t.kind}<${k(t.elem)}>`;
    default:
      return t.kind;
  }
}

/** The name of the typed array a list of `t` is in JavaScript, if `t` is numeric. */
export function typedArrayFor(t: ValType): string | undefined {
  return isNumericKind(t.kind) ? TYPED_ARRAYS[t.kind].name : undefined;
}

/** An option whose payload is itself an option uses the tagged `{ tag, val }` form. */
export function optionIsTagged(t: ValType & { kind: 'option' }): boolean {
  return t.type.kind === 'option';
}

export function typeName(t: ValType): string {
  if (t.name) return t.name;
  switch (t.kind) {
    case 'list':
      return t.length === undefined ? `list<${typeName(t.elem)}>` : `list<${typeName(t.elem)}, ${t.length}>`;
    case 'option':
      return `option<${typeName(t.type)}>`;
    case 'map':
      return `map<${typeName(t.key)}, ${typeName(t.value)}>`;
    case 'result':
      return `result<${t.ok ? typeName(t.ok) : '_'}, ${t.err ? typeName(t.err) : '_'}>`;
    case 'tuple':
      return `tuple<${t.types.map(typeName).join(', ')}>`;
    case 'own':
      return `own<${t.resource.name}>`;
    case 'borrow':
      return `borrow<${t.resource.name}>`;
    case 'record':
      return 'record';
    case 'variant':
      return 'variant';
    case 'enum':
      return `enum { ${t.names.join(', ')} }`;
    case 'flags':
      return 'flags';
    default:
      return t.kind;
  }
}

export const ZERO: Record<Flat, string> = { i32: '0', i64: '0n', f32: '0', f64: '0' };

/** Converts a flat value of core type `have` into the joined slot type `want` (lowering variants). */
export function widen(ctx: AbiCtx, expr: string, have: Flat, want: Flat): string {
  if (have === want) return expr;
  if (have === 'f32' && want === 'i32') return `${ctx.helper('$f32ToI32')}(${expr})`;
  if (have === 'i32' && want === 'i64') return `BigInt(${expr} >>> 0)`;
  if (have === 'f32' && want === 'i64') return `BigInt(${ctx.helper('$f32ToI32')}(${expr}) >>> 0)`;
  if (have === 'f64' && want === 'i64') return ctx.helper('$f64ToI64') + `(${expr})`;
  throw new Error(`cannot join ${have} into ${want}`);
}

/** Converts a joined slot value of core type `have` back into the case's core type `want` (lifting variants). */
export function narrow(ctx: AbiCtx, expr: string, have: Flat, want: Flat): string {
  if (have === want) return expr;
  if (have === 'i32' && want === 'f32') return `${ctx.helper('$i32ToF32')}(${expr})`;
  if (have === 'i64' && want === 'i32') return `Number(BigInt.asIntN(32, ${expr}))`;
  if (have === 'i64' && want === 'f32') return `${ctx.helper('$i32ToF32')}(Number(BigInt.asIntN(32, ${expr})))`;
  if (have === 'i64' && want === 'f64') return `${ctx.helper('$i64ToF64')}(${expr})`;
  throw new Error(`cannot narrow ${have} into ${want}`);
}
