import { WeftError } from '../error.js';
import type {
  Alias,
  CoreExternDesc,
  CoreItemType,
  CoreModuleDecl,
  CoreSort,
  CoreTypeDef,
  CoreValType,
  Decl,
  DefValType,
  ExternType,
  NameAttrs,
  PrimValType,
  Sort,
  TypeDef,
  ValTypeRef,
} from './ast.js';
import { type Reader, hex } from './reader.js';

const PRIMS: Record<number, PrimValType> = {
  0x7f: 'bool',
  0x7e: 's8',
  0x7d: 'u8',
  0x7c: 's16',
  0x7b: 'u16',
  0x7a: 's32',
  0x79: 'u32',
  0x78: 's64',
  0x77: 'u64',
  0x76: 'f32',
  0x75: 'f64',
  0x74: 'char',
  0x73: 'string',
  0x64: 'error-context',
};

const CORE_SORTS: Record<number, CoreSort> = {
  0x00: 'func',
  0x01: 'table',
  0x02: 'memory',
  0x03: 'global',
  0x04: 'tag',
  0x10: 'type',
  0x11: 'module',
  0x12: 'instance',
};

export function coreSort(r: Reader): CoreSort {
  const at = r.pos;
  const b = r.u8('a core sort');
  return CORE_SORTS[b] ?? r.fail(`a core sort (0x00-0x04, 0x10-0x12), found 0x${hex(b)}`, at);
}

export function sort(r: Reader): Sort {
  const at = r.pos;
  const b = r.u8('a sort');
  switch (b) {
    case 0x00:
      return { core: coreSort(r) };
    case 0x01:
      return 'func';
    case 0x02:
      return 'value';
    case 0x03:
      return 'type';
    case 0x04:
      return 'component';
    case 0x05:
      return 'instance';
    default:
      return r.fail(`a sort (0x00-0x05), found 0x${hex(b)}`, at);
  }
}

export function valType(r: Reader): ValTypeRef {
  const at = r.pos;
  const v = r.s33('a value type');
  if (v >= 0) return { kind: 'index', index: v };
  const prim = PRIMS[v & 0x7f];
  if (prim && v >= -0x40) return { kind: 'prim', prim };
  return r.fail(`a value type (primitive opcode or type index), found 0x${hex(r.bytes[at]!)}`, at);
}

function label(r: Reader, what: string): string {
  return r.name(what);
}

export function defValType(r: Reader, op: number, at: number): DefValType {
  const prim = PRIMS[op];
  if (prim) return { kind: 'prim', prim };
  switch (op) {
    case 0x72:
      return { kind: 'record', fields: r.vec((r) => ({ name: label(r, 'a field label'), type: valType(r) }), 'a field count') };
    case 0x71:
      return {
        kind: 'variant',
        cases: r.vec((r) => {
          const name = label(r, 'a case label');
          const type = r.optional(valType, 'a case payload');
          const refines = r.pos;
          if (r.u8('a case terminator') !== 0) r.fail('0x00 after a variant case (refines is not supported)', refines);
          return type ? { name, type } : { name };
        }, 'a case count'),
      };
    case 0x70:
      return { kind: 'list', elem: valType(r) };
    case 0x67:
      return { kind: 'list', elem: valType(r), length: r.u32('a fixed list length') };
    case 0x6f:
      return { kind: 'tuple', types: r.vec(valType, 'a tuple length') };
    case 0x6e:
      return { kind: 'flags', names: r.vec((r) => label(r, 'a flag label'), 'a flag count') };
    case 0x6d:
      return { kind: 'enum', names: r.vec((r) => label(r, 'an enum label'), 'an enum case count') };
    case 0x6b:
      return { kind: 'option', type: valType(r) };
    case 0x6a: {
      const ok = r.optional(valType, 'a result ok type');
      const err = r.optional(valType, 'a result error type');
      return { kind: 'result', ...(ok ? { ok } : {}), ...(err ? { err } : {}) };
    }
    case 0x69:
      return { kind: 'own', index: r.u32('a resource type index') };
    case 0x68:
      return { kind: 'borrow', index: r.u32('a resource type index') };
    case 0x66: {
      const t = r.optional(valType, 'a stream element type');
      return t ? { kind: 'stream', type: t } : { kind: 'stream' };
    }
    case 0x65: {
      const t = r.optional(valType, 'a future payload type');
      return t ? { kind: 'future', type: t } : { kind: 'future' };
    }
    case 0x63:
      return { kind: 'map', key: valType(r), value: valType(r) };
    default:
      return r.fail(`a type definition opcode, found 0x${hex(op)}`, at);
  }
}

function funcType(r: Reader, async: boolean): TypeDef {
  const params = r.vec((r) => ({ name: label(r, 'a parameter label'), type: valType(r) }), 'a parameter count');
  const at = r.pos;
  const tag = r.u8('a result list');
  if (tag === 0x00) return { kind: 'func', async, params, result: valType(r) };
  if (tag === 0x01) {
    const z = r.pos;
    if (r.u8('an empty result list') !== 0) r.fail('0x00 (named results are not part of the component model)', z);
    return { kind: 'func', async, params };
  }
  return r.fail(`a result list (0x00 or 0x01), found 0x${hex(tag)}`, at);
}

export function externType(r: Reader): ExternType {
  const at = r.pos;
  const b = r.u8('an extern type');
  switch (b) {
    case 0x00: {
      const s = r.pos;
      if (r.u8('core module sort') !== 0x11) r.fail('0x11 (core module) after 0x00 in an extern type', s);
      return { kind: 'module', typeIndex: r.u32('a core type index') };
    }
    case 0x01:
      return { kind: 'func', typeIndex: r.u32('a type index') };
    case 0x02: {
      const k = r.pos;
      const t = r.u8('a value bound');
      if (t === 0x00) return { kind: 'value', bound: { kind: 'eq', index: r.u32('a value index') } };
      if (t === 0x01) return { kind: 'value', bound: { kind: 'type', type: valType(r) } };
      return r.fail(`a value bound (0x00 or 0x01), found 0x${hex(t)}`, k);
    }
    case 0x03: {
      const k = r.pos;
      const t = r.u8('a type bound');
      if (t === 0x00) return { kind: 'type', bound: { kind: 'eq', index: r.u32('a type index') } };
      if (t === 0x01) return { kind: 'type', bound: { kind: 'sub-resource' } };
      return r.fail(`a type bound (0x00 or 0x01), found 0x${hex(t)}`, k);
    }
    case 0x04:
      return { kind: 'component', typeIndex: r.u32('a type index') };
    case 0x05:
      return { kind: 'instance', typeIndex: r.u32('a type index') };
    default:
      return r.fail(`an extern type (0x00-0x05), found 0x${hex(b)}`, at);
  }
}

/** `nameattributes`: the name, and the attributes of the attributed form (each kind at most once). */
export function externName(r: Reader): { name: string; attrs?: NameAttrs } {
  const at = r.pos;
  const b = r.u8('an extern name');
  if (b !== 0x00 && b !== 0x01 && b !== 0x02) r.fail(`an extern name prefix (0x00-0x02), found 0x${hex(b)}`, at);
  const name = r.name('an extern name');
  if (b !== 0x02) return { name };
  const attrs: NameAttrs = {};
  const keys = ['implements', 'versionSuffix', 'externalId'] as const;
  r.vec((r) => {
    const k = r.pos;
    const t = r.u8('a name attribute');
    const key = keys[t] ?? r.fail(`a name attribute (0x00-0x02), found 0x${hex(t)}`, k);
    if (attrs[key] !== undefined) r.fail(`at most one ${key} attribute`, k);
    attrs[key] = r.name('a name attribute value');
  }, 'an attribute count');
  return { name, attrs };
}

/** Core sort 0x20, an exact function (the custom-descriptors proposal): allowed only as the sort of a core export alias. */
const CORE_EXACT_FUNC = 0x20;

export function alias(r: Reader): Alias {
  const b = r.bytes;
  const exactFunc = b[r.pos] === 0x00 && b[r.pos + 1] === CORE_EXACT_FUNC && b[r.pos + 2] === 0x01 && r.pos + 2 < r.end;
  if (exactFunc) r.pos += 2;
  const s: Sort = exactFunc ? { core: 'func' } : sort(r);
  const at = r.pos;
  const tag = r.u8('an alias target');
  switch (tag) {
    case 0x00:
      return { sort: s, target: { kind: 'export', instance: r.u32('an instance index'), name: r.name('an export name') } };
    case 0x01:
      return { sort: s, target: { kind: 'core-export', instance: r.u32('a core instance index'), name: r.name('an export name') } };
    case 0x02:
      return { sort: s, target: { kind: 'outer', count: r.u32('an outer count'), index: r.u32('an outer index') } };
    default:
      return r.fail(`an alias target (0x00-0x02), found 0x${hex(tag)}`, at);
  }
}

function decls(r: Reader, allowImports: boolean, depth: number): Decl[] {
  return r.vec((r) => {
    const offset = r.pos;
    const b = r.u8('a declarator');
    switch (b) {
      case 0x00:
        return { kind: 'core-type', type: coreType(r), offset };
      case 0x01:
        return { kind: 'type', type: typeDef(r, depth + 1), offset };
      case 0x02:
        return { kind: 'alias', alias: alias(r), offset };
      case 0x03:
        if (!allowImports) break;
        return { kind: 'import', ...externName(r), type: externType(r), offset };
      case 0x04:
        return { kind: 'export', ...externName(r), type: externType(r), offset };
    }
    return r.fail(`a ${allowImports ? 'component' : 'instance'} declarator, found 0x${hex(b)}`, offset);
  }, 'a declarator count');
}

/**
 * How deep component and instance types may be declared inside each other. The spec sets no
 * limit; real components nest a few levels, and a bound keeps every walk over declarations
 * (here and in validation) far from the native stack's end.
 */
export const MAX_TYPE_DECL_DEPTH = 100;

/** `depth` counts the component and instance types this definition is declared inside. */
export function typeDef(r: Reader, depth = 0): TypeDef {
  const at = r.pos;
  const op = r.u8('a type definition');
  if ((op === 0x41 || op === 0x42) && depth >= MAX_TYPE_DECL_DEPTH) {
    throw new WeftError(`component and instance types are nested more than ${MAX_TYPE_DECL_DEPTH} deep`, at);
  }
  switch (op) {
    case 0x40:
      return funcType(r, false);
    case 0x43:
      return funcType(r, true);
    case 0x41:
      return { kind: 'component', decls: decls(r, true, depth) };
    case 0x42:
      return { kind: 'instance', decls: decls(r, false, depth) };
    case 0x3f: {
      const k = r.pos;
      const rep = r.u8('a resource representation');
      if (rep !== 0x7f) r.fail(`i32 (0x7f) as resource representation, found 0x${hex(rep)}`, k);
      const dtor = r.optional((r) => r.u32('a destructor function index'), 'a destructor');
      return dtor === undefined ? { kind: 'resource', rep: 'i32' } : { kind: 'resource', rep: 'i32', dtor };
    }
    default:
      return { kind: 'defval', def: defValType(r, op, at) };
  }
}

const CORE_VAL: Record<number, CoreValType> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128' };

export function coreValType(r: Reader): CoreValType {
  const at = r.pos;
  const b = r.u8('a core value type');
  const t = CORE_VAL[b];
  if (t) return t;
  if (b >= 0x69 && b <= 0x74) return 'ref';
  if (b === SHARED) {
    r.u8('an abstract heap type');
    return 'ref';
  }
  if (b === 0x63 || b === 0x64) {
    // A heap type: a type index, an abstract type, `shared` and an abstract type, or `exact` and a type index.
    const h = r.s33('a heap type');
    if (h === SHARED - 0x80) r.u8('an abstract heap type');
    else if (h === EXACT - 0x80) r.u32('a type index');
    return 'ref';
  }
  return r.fail(`a core value type, found 0x${hex(b)}`, at);
}

/** Limits flags: 0x01 has a maximum, 0x02 shared, 0x04 64-bit; 0x08 (memories only) a custom page size follows. */
function limits(r: Reader, memory: boolean): { min: bigint; max?: bigint; is64: boolean; shared: boolean; pageSizeLog2?: number } {
  const at = r.pos;
  const flags = r.u8('limits flags');
  const top = memory ? 0x0f : 0x07;
  if (flags > top) r.fail(`limits flags (0x00-0x0${top.toString(16)}), found 0x${hex(flags)}`, at);
  const is64 = (flags & 0x04) !== 0;
  const shared = (flags & 0x02) !== 0;
  const read = () => (is64 ? BigInt.asUintN(64, BigInt(r.s64('a 64-bit limit'))) : BigInt(r.u32('a limit')));
  const min = read();
  const out = flags & 0x01 ? { min, max: read(), is64, shared } : { min, is64, shared };
  return flags & 0x08 ? { ...out, pageSizeLog2: r.u32('a page size') } : out;
}

export function tableType(r: Reader): Extract<CoreItemType, { kind: 'table' }> {
  const elem = coreValType(r);
  const { min, max, is64, shared } = limits(r, false);
  return max === undefined ? { kind: 'table', elem, min, table64: is64, shared } : { kind: 'table', elem, min, max, table64: is64, shared };
}

export function memoryType(r: Reader): Extract<CoreItemType, { kind: 'memory' }> {
  const { min, max, is64, shared, pageSizeLog2 } = limits(r, true);
  const t: Extract<CoreItemType, { kind: 'memory' }> =
    max === undefined ? { kind: 'memory', min, memory64: is64, shared } : { kind: 'memory', min, max, memory64: is64, shared };
  return pageSizeLog2 === undefined ? t : { ...t, pageSizeLog2 };
}

export function globalType(r: Reader): Extract<CoreItemType, { kind: 'global' }> {
  const type = coreValType(r);
  const m = r.pos;
  // 0x01 mutable, 0x02 shared (the shared-everything-threads proposal).
  const flags = r.u8('global flags');
  if (flags > 0x03) r.fail(`global flags (0x00-0x03), found 0x${hex(flags)}`, m);
  return { kind: 'global', type, mutable: (flags & 0x01) !== 0, shared: (flags & 0x02) !== 0 };
}

export function coreExternDesc(r: Reader): CoreExternDesc {
  const at = r.pos;
  const b = r.u8('a core import kind');
  switch (b) {
    case 0x00:
      return { kind: 'func', typeIndex: r.u32('a core type index') };
    case 0x01:
      return tableType(r);
    case 0x02:
      return memoryType(r);
    case 0x03:
      return globalType(r);
    case 0x04: {
      r.u8('a tag attribute');
      return { kind: 'tag', typeIndex: r.u32('a core type index') };
    }
    default:
      return r.fail(`a core extern kind (0x00-0x04), found 0x${hex(b)}`, at);
  }
}

/** The prefixes of the shared-everything-threads (`shared`) and custom-descriptors (`exact`, `describes`, `descriptor`) proposals. */
const SHARED = 0x65;
const EXACT = 0x62;
const DESCRIBES = 0x4c;
const DESCRIPTOR = 0x4d;

/**
 * A GC composite type (func, struct, array or continuation), after its optional `shared`,
 * `describes` and `descriptor` prefixes; only function types matter to linking.
 */
function compType(r: Reader, first: number, firstAt: number): CoreTypeDef {
  let op = first;
  let at = firstAt;
  const next = () => {
    at = r.pos;
    op = r.u8('a composite type');
  };
  if (op === SHARED) next();
  if (op === DESCRIBES) {
    r.u32('a described type index');
    next();
  }
  if (op === DESCRIPTOR) {
    r.u32('a descriptor type index');
    next();
  }
  if (op === 0x60) return { kind: 'func', params: r.vec(coreValType, 'a parameter count'), results: r.vec(coreValType, 'a result count') };
  if (op === 0x5d) {
    r.u32("a continuation's function type index");
    return { kind: 'gc' };
  }
  const field = (r: Reader) => {
    const s = r.peek();
    if (s === 0x78 || s === 0x77) r.u8();
    else coreValType(r);
    const m = r.pos;
    if (r.u8('a field mutability') > 1) r.fail('a field mutability (0x00 or 0x01)', m);
  };
  if (op === 0x5f) {
    r.vec(field, 'a field count');
    return { kind: 'gc' };
  }
  if (op === 0x5e) {
    field(r);
    return { kind: 'gc' };
  }
  return r.fail(`a core composite type (0x60 func, 0x5f struct, 0x5e array, 0x5d cont), found 0x${hex(op)}`, at);
}

/** `sub final? supertypes* comptype`, after its 0x50 (non-final) or 0x4f (final) opcode. */
function subType(r: Reader): CoreTypeDef {
  r.vec((r) => r.u32('a supertype index'), 'a supertype count');
  const at = r.pos;
  return compType(r, r.u8('a composite type'), at);
}

/** `inModuleType`: inside a module type's declarations 0x50 is a GC `sub`, not another module type. */
export function coreType(r: Reader, inModuleType = false): CoreTypeDef {
  const at = r.pos;
  const op = r.u8('a core type');
  if (inModuleType && op === 0x50) return subType(r);
  // A bare 0x50 here is a module type; GC subtypes come prefixed (0x00 0x50) or final (0x4f).
  if (op === 0x00) {
    const s = r.pos;
    if (r.u8('a subtype opcode') !== 0x50) r.fail('0x50 (sub) after a 0x00 core type prefix', s);
    return subType(r);
  }
  if (op === 0x4f) return subType(r);
  if (op === 0x4e) {
    const group = r.vec((r) => {
      const s = r.pos;
      const o = r.u8('a subtype');
      return o === 0x50 || o === 0x4f ? subType(r) : compType(r, o, s);
    }, 'a recursion group size');
    return group.length === 1 ? group[0]! : { kind: 'gc' };
  }
  if (op === 0x60 || op === 0x5f || op === 0x5e || op === 0x5d || op === SHARED || op === DESCRIBES || op === DESCRIPTOR) return compType(r, op, at);
  if (op === 0x50) {
    const decls = r.vec((r): CoreModuleDecl => {
      const d = r.pos;
      const b = r.u8('a module declarator');
      switch (b) {
        case 0x00:
          return { kind: 'import', module: r.name('an import module name'), name: r.name('an import name'), desc: coreExternDesc(r) };
        case 0x01:
          return { kind: 'type', type: coreType(r, true) };
        case 0x02: {
          const s = r.pos;
          if (r.u8('an alias sort') !== 0x10 || r.u8('an outer alias tag') !== 0x01) r.fail('0x10 0x01 (outer type alias)', s);
          return { kind: 'alias', count: r.u32('an outer count'), index: r.u32('an outer index') };
        }
        case 0x03:
          return { kind: 'export', name: r.name('an export name'), desc: coreExternDesc(r) };
        default:
          return r.fail(`a module declarator (0x00-0x03), found 0x${hex(b)}`, d);
      }
    }, 'a declarator count');
    return { kind: 'module', decls };
  }
  return r.fail(`a core type (0x60 func or 0x50 module), found 0x${hex(op)}`, at);
}
