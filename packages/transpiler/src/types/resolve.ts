import type { Alias, CoreExternDesc, CoreFuncSig, CoreModuleInfo, CoreTypeDef, Decl, DefValType, ExternType, TypeDef, ValTypeRef } from '../decode/ast.js';
import { WeftError } from '../error.js';
import type { AnyType, ComponentType, ExternDesc, FuncType, InstanceType, ValType } from './model.js';
import { childTypes, nameType, newResource } from './model.js';
import { isKebab } from './validate-names.js';

/** A type index space with lexical parents, for outer aliases. */
export interface TypeScope {
  types: AnyType[];
  coreTypes: AnyType[];
  parent?: TypeScope;
  /** Instances imported inside a component type, for export aliases of their types. */
  instances?: InstanceType[];
}

export function typeAt(scope: TypeScope, index: number, offset: number): AnyType {
  const t = scope.types[index];
  if (!t) throw new WeftError(`type index ${index} out of range (${scope.types.length} types defined)`, offset);
  return t;
}

export function resolveValType(ref: ValTypeRef, scope: TypeScope, offset: number): ValType {
  if (ref.kind === 'prim') {
    return { kind: ref.prim };
  }
  const t = typeAt(scope, ref.index, offset);
  if (t.kind !== 'value') throw new WeftError(`type index ${ref.index} refers to a ${t.kind} type where a value type is required`, offset);
  return t.type;
}

function resourceAt(scope: TypeScope, index: number, offset: number) {
  const t = typeAt(scope, index, offset);
  if (t.kind !== 'resource') throw new WeftError(`type index ${index} refers to a ${t.kind} type where a resource type is required`, offset);
  return t.resource;
}

function unique(names: string[], what: string, offset: number): void {
  const seen = new Set<string>();
  for (const n of names) {
    const k = n.toLowerCase();
    if (seen.has(k)) throw new WeftError(`duplicate ${what} name '${n}'`, offset);
    seen.add(k);
  }
}

export function checkLabel(name: string, what: string, offset: number): void {
  if (!isKebab(name)) throw new WeftError(`${what} '${name}' is not a valid kebab-case label`, offset);
}

/**
 * The largest value type, counted as a tree (a type used twice counts twice), that a
 * component may define: wasmparser's limit. It also bounds every walk over a type.
 */
export const MAX_TYPE_SIZE = 1_000_000;
/** The deepest nesting of value types a component may define (a primitive is 1 deep), as in wasmparser. */
export const MAX_TYPE_DEPTH = 100;

interface Measure {
  size: number;
  depth: number;
}

/**
 * Size and depth of each defined value type. Pure memoisation, not a fact passed between
 * stages: a type's measure depends on nothing but its structure, which is never mutated once
 * defined (only its WIT name is set later), and a miss recomputes the same answer.
 */
const measures = new WeakMap<ValType, Measure>();

/** Measures `t` from its children's measures; children were measured when they were defined. */
function measure(t: ValType): Measure {
  const known = measures.get(t);
  if (known) return known;
  let size = 1;
  let depth = 0;
  for (const c of childTypes(t)) {
    const m = measure(c);
    size += m.size;
    depth = Math.max(depth, m.depth);
  }
  const m = { size, depth: depth + 1 };
  measures.set(t, m);
  return m;
}

/** Resolves a defined value type, refusing one past the size and depth limits. */
export function resolveDefVal(def: DefValType, scope: TypeScope, offset: number): ValType {
  const t = buildDefVal(def, scope, offset);
  const { size, depth } = measure(t);
  if (depth > MAX_TYPE_DEPTH) throw new WeftError(`type nesting is too deep: ${depth} levels, more than the limit of ${MAX_TYPE_DEPTH}`, offset);
  if (size > MAX_TYPE_SIZE) throw new WeftError(`effective type size ${size} exceeds the limit of ${MAX_TYPE_SIZE}`, offset);
  return t;
}

function buildDefVal(def: DefValType, scope: TypeScope, offset: number): ValType {
  const v = (r: ValTypeRef) => resolveValType(r, scope, offset);
  switch (def.kind) {
    case 'prim':
      return v(def);
    case 'record':
      if (def.fields.length === 0) throw new WeftError('record type must have at least one field', offset);
      def.fields.forEach((f) => checkLabel(f.name, 'record field', offset));
      unique(
        def.fields.map((f) => f.name),
        'record field',
        offset,
      );
      return { kind: 'record', fields: def.fields.map((f) => ({ name: f.name, type: v(f.type) })) };
    case 'variant':
      if (def.cases.length === 0) throw new WeftError('variant type must have at least one case', offset);
      def.cases.forEach((c) => checkLabel(c.name, 'variant case', offset));
      unique(
        def.cases.map((c) => c.name),
        'variant case',
        offset,
      );
      return { kind: 'variant', cases: def.cases.map((c) => (c.type ? { name: c.name, type: v(c.type) } : { name: c.name })) };
    case 'list':
      if (def.length === 0) throw new WeftError('fixed-length list must have a length greater than 0', offset);
      return def.length === undefined ? { kind: 'list', elem: v(def.elem) } : { kind: 'list', elem: v(def.elem), length: def.length };
    case 'tuple':
      if (def.types.length === 0) throw new WeftError('tuple type must have at least one element', offset);
      return { kind: 'tuple', types: def.types.map(v) };
    case 'flags':
      if (def.names.length === 0) throw new WeftError('flags type must have at least one flag', offset);
      if (def.names.length > 32) throw new WeftError(`flags type has ${def.names.length} flags, more than the maximum of 32`, offset);
      def.names.forEach((n) => checkLabel(n, 'flag', offset));
      unique(def.names, 'flag', offset);
      return { kind: 'flags', names: def.names };
    case 'enum':
      if (def.names.length === 0) throw new WeftError('enum type must have at least one case', offset);
      def.names.forEach((n) => checkLabel(n, 'enum case', offset));
      unique(def.names, 'enum case', offset);
      return { kind: 'enum', names: def.names };
    case 'option':
      return { kind: 'option', type: v(def.type) };
    case 'result': {
      const out: ValType = { kind: 'result' };
      if (def.ok) out.ok = v(def.ok);
      if (def.err) out.err = v(def.err);
      return out;
    }
    case 'own':
      return { kind: 'own', resource: resourceAt(scope, def.index, offset) };
    case 'borrow':
      return { kind: 'borrow', resource: resourceAt(scope, def.index, offset) };
    case 'stream':
    case 'future':
      return def.type ? { kind: def.kind, elem: v(def.type) } : { kind: def.kind };
    case 'map':
      return { kind: 'map', key: v(def.key), value: v(def.value) };
  }
}

function containsBorrow(t: ValType): boolean {
  switch (t.kind) {
    case 'borrow':
      return true;
    case 'record':
      return t.fields.some((f) => containsBorrow(f.type));
    case 'variant':
      return t.cases.some((c) => c.type !== undefined && containsBorrow(c.type));
    case 'list':
      return containsBorrow(t.elem);
    case 'tuple':
      return t.types.some(containsBorrow);
    case 'option':
      return containsBorrow(t.type);
    case 'result':
      return (t.ok !== undefined && containsBorrow(t.ok)) || (t.err !== undefined && containsBorrow(t.err));
    default:
      return false;
  }
}

export function resolveTypeDef(def: TypeDef, scope: TypeScope, offset: number): AnyType {
  switch (def.kind) {
    case 'defval':
      return { kind: 'value', type: resolveDefVal(def.def, scope, offset) };
    case 'func': {
      def.params.forEach((p) => checkLabel(p.name, 'parameter', offset));
      unique(
        def.params.map((p) => p.name),
        'parameter',
        offset,
      );
      const type: FuncType = { params: def.params.map((p) => ({ name: p.name, type: resolveValType(p.type, scope, offset) })) };
      if (def.async) type.async = true;
      if (def.result) {
        type.result = resolveValType(def.result, scope, offset);
        if (containsBorrow(type.result)) throw new WeftError('function result type must not contain a borrow handle', offset);
      }
      return { kind: 'func', type };
    }
    case 'instance':
      return resolveDecls(def.decls, scope, false);
    case 'component':
      return resolveDecls(def.decls, scope, true);
    case 'resource':
      throw new WeftError('resource types may only be defined directly in a component', offset);
  }
}

/**
 * Resolves a core type. A module type becomes the imports and exports it declares, each with
 * its function signature or table, memory or global type where the declaration gives one.
 */
export function resolveCoreType(def: CoreTypeDef, scope: TypeScope, offset: number): AnyType {
  if (def.kind === 'func') return { kind: 'core-func', params: def.params, results: def.results };
  if (def.kind === 'gc') return { kind: 'core-gc' };
  const sigs: (CoreFuncSig | undefined)[] = [];
  const info: CoreModuleInfo = { imports: [], exports: [] };
  const known = (d: CoreExternDesc) => {
    if (d.kind === 'tag') return { kind: d.kind };
    if (d.kind !== 'func') return { kind: d.kind, item: d };
    const type = sigs[d.typeIndex];
    return type ? { kind: d.kind, type } : { kind: d.kind };
  };
  for (const d of def.decls) {
    switch (d.kind) {
      case 'type':
        sigs.push(d.type.kind === 'func' ? { params: d.type.params, results: d.type.results } : undefined);
        break;
      case 'alias': {
        // Count 1 is the enclosing component (or type); the alias must name one of its core types that is not a module type.
        let x: TypeScope | undefined = scope;
        for (let i = 1; i < d.count && x; i++) x = x.parent;
        const a = x?.coreTypes[d.index];
        if (!x || d.count === 0) throw new WeftError(`outer alias count ${d.count} in a core module type is out of range`, offset);
        if (!a) throw new WeftError(`outer core type index ${d.index} out of range (${x.coreTypes.length} defined)`, offset);
        if (a.kind === 'core-module') throw new WeftError(`outer core type index ${d.index} is a module type, not a function type`, offset);
        sigs.push(a.kind === 'core-func' ? { params: a.params, results: a.results } : undefined);
        break;
      }
      case 'import':
        info.imports.push({ module: d.module, name: d.name, ...known(d.desc) });
        break;
      case 'export':
        info.exports.push({ name: d.name, ...known(d.desc) });
        break;
    }
  }
  return { kind: 'core-module', info };
}

export function outerScope(scope: TypeScope, count: number, offset: number): TypeScope {
  let s: TypeScope | undefined = scope;
  for (let i = 0; i < count && s; i++) s = s.parent;
  if (!s) throw new WeftError(`outer alias count ${count} exceeds the number of enclosing scopes`, offset);
  return s;
}

export function externDesc(ext: ExternType, name: string, scope: TypeScope, offset: number): { desc: ExternDesc; pushType?: AnyType } {
  switch (ext.kind) {
    case 'func': {
      const t = typeAt(scope, ext.typeIndex, offset);
      if (t.kind !== 'func') throw new WeftError(`type index ${ext.typeIndex} is not a function type`, offset);
      return { desc: { kind: 'func', type: t.type } };
    }
    case 'instance': {
      const t = typeAt(scope, ext.typeIndex, offset);
      if (t.kind !== 'instance') throw new WeftError(`type index ${ext.typeIndex} is not an instance type`, offset);
      return { desc: { kind: 'instance', type: t } };
    }
    case 'component': {
      const t = typeAt(scope, ext.typeIndex, offset);
      if (t.kind !== 'component') throw new WeftError(`type index ${ext.typeIndex} is not a component type`, offset);
      return { desc: { kind: 'component', type: t } };
    }
    case 'module': {
      const t = scope.coreTypes[ext.typeIndex];
      if (!t || t.kind !== 'core-module') throw new WeftError(`core type index ${ext.typeIndex} is not a module type`, offset);
      return { desc: { kind: 'module', info: t.info } };
    }
    case 'value':
      return { desc: { kind: 'value' } };
    case 'type': {
      const t: AnyType = ext.bound.kind === 'eq' ? typeAt(scope, ext.bound.index, offset) : { kind: 'resource', resource: newResource(name, 'abstract') };
      return { desc: { kind: 'type', type: t }, pushType: t };
    }
  }
}

/**
 * Applies an alias inside a component or instance type declaration: `outer` aliases of types
 * and core types, `export` aliases of an imported instance's types and instances. Returns the
 * type an outer type alias brought in, for callers that track where types come from.
 */
export function declAlias(alias: Alias, scope: TypeScope, offset: number): AnyType | undefined {
  if (alias.target.kind === 'outer') {
    const target = outerScope(scope, alias.target.count, offset);
    if (alias.sort === 'type') {
      const t = typeAt(target, alias.target.index, offset);
      scope.types.push(t);
      return t;
    }
    if (typeof alias.sort === 'object' && alias.sort.core === 'type') {
      const t = target.coreTypes[alias.target.index];
      if (!t) throw new WeftError(`outer core type index ${alias.target.index} out of range`, offset);
      scope.coreTypes.push(t);
      return undefined;
    }
    throw new WeftError('outer aliases in type declarations may only refer to types', offset);
  }
  if (alias.target.kind === 'export' && (alias.sort === 'type' || alias.sort === 'instance')) {
    const e = scope.instances![alias.target.instance]?.exports.get(alias.target.name);
    if (!e || e.kind !== alias.sort) throw new WeftError(`instance ${alias.target.instance} has no ${alias.sort} export '${alias.target.name}'`, offset);
    if (e.kind === 'type') scope.types.push(e.type);
    else if (e.kind === 'instance') scope.instances!.push(e.type);
    return undefined;
  }
  throw new WeftError('aliases in type declarations may only refer to types or instances', offset);
}

function resolveDecls(decls: Decl[], parent: TypeScope, isComponent: boolean): InstanceType | ComponentType {
  const scope: TypeScope = { types: [], coreTypes: [], parent, instances: [] };
  const imports = new Map<string, ExternDesc>();
  const exports = new Map<string, ExternDesc>();
  for (const d of decls) {
    switch (d.kind) {
      case 'core-type':
        scope.coreTypes.push(resolveCoreType(d.type, scope, d.offset));
        break;
      case 'type':
        scope.types.push(resolveTypeDef(d.type, scope, d.offset));
        break;
      case 'alias':
        declAlias(d.alias, scope, d.offset);
        break;
      case 'import':
      case 'export': {
        const map = d.kind === 'import' ? imports : exports;
        if (map.has(d.name)) throw new WeftError(`duplicate ${d.kind} name '${d.name}'`, d.offset);
        const { desc, pushType } = externDesc(d.type, d.name, scope, d.offset);
        map.set(d.name, desc);
        if (pushType) {
          nameType(pushType, d.name);
          scope.types.push(pushType);
        }
        if (desc.kind === 'instance') scope.instances!.push(desc.type);
        break;
      }
    }
  }
  return isComponent ? { kind: 'component', imports, exports } : { kind: 'instance', exports };
}
