import type {
  Alias,
  Canon,
  CanonOptions,
  ComponentAst,
  CoreFuncSig,
  CoreItemType,
  CoreModuleDecl,
  CoreModuleInfo,
  CoreSort,
  CoreTypeDef,
  CoreValType,
  Decl,
  Definition,
  ExternType,
  SortIdx,
  TypeDef,
} from '../decode/ast.js';
import { spaceOf } from '../decode/ast.js';
import { WeftError } from '../error.js';
import type { AnyType, ComponentType, ExternDesc, FuncType, InstanceType, Resource, ValType } from './model.js';
import { childTypes, newResource } from './model.js';
import type { TypeScope } from './resolve.js';
import { declAlias, externDesc, outerScope, resolveCoreType, resolveTypeDef, resolveValType, typeAt } from './resolve.js';
import type { ExternName } from './validate-names.js';
import { NameSpace } from './validate-names.js';
import { aliasResource, canonResource, DEFAULT_PAGE_SIZE_LOG2, expectSub, itemMismatch, namedVia } from './validate-subtype.js';
import { flatten, MAX_ELEM_SIZE, MAX_FLAT_ASYNC_PARAMS, MAX_FLAT_PARAMS, MAX_FLAT_RESULTS, needsMemory, type PtrSize, size } from './layout.js';
import { substExtern } from './subst.js';

/** A core item's type as far as validation knows it; `type` is absent when unknown. */
/** `item` is the type of a table, memory or global, where known. */
interface CoreExport {
  kind: CoreSort;
  type?: CoreFuncSig;
  item?: CoreItemType;
}
type CoreInstance = Map<string, CoreExport> | undefined;

/** One scope in which imports and exports are named: a component, component type or instance type. */
class Names {
  readonly imports = new NameSpace('import');
  readonly exports = new NameSpace('export');
  /** Types given a name by an import (visible to imports and exports) or by an export. */
  readonly imported = new Set<object>();
  readonly exported = new Set<object>();
  /** Resources by the plain name they were imported or exported under, for annotated names. */
  readonly importedResources = new Map<string, Resource>();
  readonly exportedResources = new Map<string, Resource>();
}

interface State extends TypeScope {
  parent?: State;
  funcs: FuncType[];
  instances: InstanceType[];
  components: ComponentType[];
  coreFuncs: (CoreFuncSig | undefined)[];
  /** Core tables, memories, globals and tags by index, with their types where known. */
  coreItems: Record<'table' | 'memory' | 'global' | 'tag', (CoreItemType | undefined)[]>;
  coreModules: (CoreModuleInfo | undefined)[];
  coreInstances: CoreInstance[];
  values: number;
  names: Names;
  /** Resources defined by this component, for resource.new/rep. */
  ownResources: Set<Resource>;
  /** Resources that are new in each instance of this component: its own and its inner instances'. */
  generated: Set<Resource>;
  imports: Map<string, ExternDesc>;
  exports: Map<string, ExternDesc>;
}

/**
 * Checks the rules of the component model that linking does not already enforce, before
 * any code is generated: every nested component, instantiated or not, is checked. Throws
 * `WeftError` naming the offending definition's byte offset.
 */
export function validate(ast: ComponentAst): void {
  // Components being checked, innermost last: nesting depth costs heap, not native stack.
  const stack: { defs: Definition[]; next: number; s: State }[] = [{ defs: ast.definitions, next: 0, s: newState(undefined) }];
  for (let top = stack[0]; top; top = stack[stack.length - 1]) {
    const def = top.defs[top.next++];
    if (def?.kind === 'component') {
      stack.push({ defs: def.component.definitions, next: 0, s: newState(top.s) });
    } else if (def) {
      define(top.s, def);
    } else {
      stack.pop();
      const type: ComponentType = { kind: 'component', imports: top.s.imports, exports: top.s.exports, generative: top.s.generated };
      stack[stack.length - 1]?.s.components.push(type);
    }
  }
}

function newState(parent: State | undefined): State {
  return {
    types: [],
    coreTypes: [],
    funcs: [],
    instances: [],
    components: [],
    coreFuncs: [],
    coreItems: { table: [], memory: [], global: [], tag: [] },
    coreModules: [],
    coreInstances: [],
    values: 0,
    names: new Names(),
    ownResources: new Set(),
    generated: new Set(),
    imports: new Map(),
    exports: new Map(),
    ...(parent ? { parent } : {}),
  };
}

function at<T>(xs: T[], i: number, what: string, offset: number): T {
  if (i >= xs.length) throw new WeftError(`${what} index ${i} out of range (${xs.length} defined)`, offset);
  return xs[i]!;
}

/** Checks one definition; nested components are walked by `validate` itself. */
function define(s: State, def: Exclude<Definition, { kind: 'component' }>): void {
  const o = def.offset;
  switch (def.kind) {
    case 'core-module': {
      const names = def.info.imports.map((i) => `${i.module}:${i.name}`);
      uniqueCoreImports(names, o);
      s.coreModules.push(def.info);
      return;
    }
    case 'core-instance': {
      const { expr } = def;
      if (expr.kind === 'exports') {
        const m = new Map<string, CoreExport>();
        for (const e of expr.exports) {
          if (m.has(e.name)) throw new WeftError(`duplicate core export name \`${e.name}\``, o);
          m.set(e.name, coreItem(s, e.sort, e.index, o));
        }
        s.coreInstances.push(m);
        return;
      }
      const mod = at(s.coreModules, expr.module, 'core module', o);
      const args = new Map<string, CoreInstance>();
      for (const a of expr.args) {
        if (args.has(a.name)) throw new WeftError(`duplicate module instantiation argument named \`${a.name}\``, o);
        args.set(a.name, at(s.coreInstances, a.instance, 'core instance', o));
      }
      if (!mod) {
        s.coreInstances.push(undefined);
        return;
      }
      for (const imp of mod.imports) {
        if (!args.has(imp.module)) throw new WeftError(`missing module instantiation argument named \`${imp.module}\``, o);
        const inst = args.get(imp.module);
        if (!inst) continue;
        const e = inst.get(imp.name);
        if (!e) throw new WeftError(`module instantiation argument \`${imp.module}\` does not export an item named \`${imp.name}\``, o);
        if (e.kind !== imp.kind)
          throw new WeftError(`module instantiation argument \`${imp.module}\` export \`${imp.name}\` is a ${e.kind}, expected a ${imp.kind}`, o);
        if (imp.type && e.type && !sameSig(imp.type, e.type)) {
          throw new WeftError(
            `type mismatch for export \`${imp.name}\` of module instantiation argument \`${imp.module}\`: expected ${showSig(imp.type)}, found ${showSig(e.type)}`,
            o,
          );
        }
        const mismatch = imp.item && e.item && itemMismatch(e.item, imp.item);
        if (mismatch) throw new WeftError(`type mismatch for export \`${imp.name}\` of module instantiation argument \`${imp.module}\`: ${mismatch}`, o);
      }
      s.coreInstances.push(new Map(mod.exports.map((e) => [e.name, e as CoreExport])));
      return;
    }
    case 'core-type':
      checkCoreType(def.type, o);
      s.coreTypes.push(resolveCoreType(def.type, s, o));
      return;
    case 'instance': {
      const { expr } = def;
      if (expr.kind === 'exports') {
        const names = new Names();
        const exports = new Map<string, ExternDesc>();
        for (const e of expr.exports) {
          const desc = itemDesc(s, e.item, o);
          const parsed = names.exports.add(e.name, e.attrs, desc.kind, o);
          if (parsed.kind !== 'plain' && parsed.kind !== 'interface') annotated(parsed, desc, names.exportedResources, o);
          // The bag's export is a new name for the resource: functions typed with the
          // original do not refer to it (the same rule as a component's exports).
          if (parsed.kind === 'plain' && desc.kind === 'type' && desc.type.kind === 'resource') {
            const alias = rename(desc.type, parsed.label);
            if (alias.kind === 'resource') names.exportedResources.set(parsed.label, alias.resource);
          }
          exports.set(e.name, desc);
        }
        s.instances.push({ kind: 'instance', exports });
        return;
      }
      const ct = at(s.components, expr.component, 'component', o);
      const args = new Map<string, ExternDesc>();
      for (const a of expr.args) {
        if (args.has(a.name)) throw new WeftError(`instantiation argument \`${a.name}\` conflicts with previous argument`, o);
        args.set(a.name, itemDesc(s, a.item, o));
      }
      s.instances.push(instantiate(ct, args, o, s.generated));
      return;
    }
    case 'alias':
      aliasDef(s, def.alias, o);
      return;
    case 'type': {
      if (def.type.kind === 'resource') {
        if (def.type.dtor !== undefined) {
          const sig = at(s.coreFuncs, def.type.dtor, 'core func', o);
          if (sig && !sameSig(sig, { params: ['i32'], results: [] }))
            throw new WeftError(`wrong signature for a destructor: expected (i32) -> (), found ${showSig(sig)}`, o);
        }
        const r = newResource('resource', 'guest');
        s.ownResources.add(r);
        s.generated.add(r);
        s.types.push({ kind: 'resource', resource: r });
        return;
      }
      s.types.push(typeDef(def.type, s, o));
      return;
    }
    case 'canon':
      canonDef(s, def.canon, o);
      return;
    case 'start':
      at(s.funcs, def.func, 'func', o);
      for (const v of def.args) if (v >= s.values) throw new WeftError(`value index ${v} out of range`, o);
      s.values += def.results;
      return;
    case 'import': {
      const { desc: raw, pushType } = externDesc(def.type, def.name, s, o);
      const desc = freshen(raw);
      const parsed = s.names.imports.add(def.name, def.attrs, desc.kind, o);
      const named = name(s.names, 'import', parsed, desc, o, isFresh(def.type));
      s.imports.set(def.name, named);
      pushDesc(s, named, pushType !== undefined);
      return;
    }
    case 'export': {
      let desc = itemDesc(s, def.item, o);
      if (def.type) {
        const ascribed = externDesc(def.type, def.name, s, o).desc;
        expectSub(desc, ascribed, "ascribed type of export is not compatible with the item's type", o);
        desc = ascribed.kind === 'type' ? desc : ascribed;
      }
      const parsed = s.names.exports.add(def.name, def.attrs, desc.kind, o);
      const named = name(s.names, 'export', parsed, desc, o, false);
      s.exports.set(def.name, named);
      pushDesc(s, named, true);
      return;
    }
  }
}

function uniqueCoreImports(names: string[], offset: number): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new WeftError(`duplicate import name \`${n}\` in a core module`, offset);
    seen.add(n);
  }
}

function checkCoreType(t: CoreTypeDef, offset: number): void {
  if (t.kind !== 'module') return;
  let types = 0;
  const exports = new Set<string>();
  const imports: string[] = [];
  const desc = (d: Extract<CoreModuleDecl, { kind: 'import' | 'export' }>['desc']) => {
    if ((d.kind === 'func' || d.kind === 'tag') && d.typeIndex >= types)
      throw new WeftError(`type index out of bounds: ${d.typeIndex} in a core module type`, offset);
    if (d.kind === 'memory') {
      // A memory spans at most the whole 32- or 64-bit address space.
      const max = 1n << BigInt((d.memory64 ? 64 : 32) - (d.pageSizeLog2 ?? DEFAULT_PAGE_SIZE_LOG2));
      if (d.min > max || (d.max !== undefined && d.max > max)) throw new WeftError(`memory size must be at most ${max} pages`, offset);
      if (d.max !== undefined && d.max < d.min) throw new WeftError('memory size minimum must not be greater than maximum', offset);
    }
  };
  for (const d of t.decls) {
    switch (d.kind) {
      case 'type':
        checkCoreType(d.type, offset);
        types++;
        break;
      case 'alias':
        types++;
        break;
      case 'import':
        desc(d.desc);
        imports.push(`${d.module}:${d.name}`);
        break;
      case 'export':
        desc(d.desc);
        if (exports.has(d.name)) throw new WeftError(`export name \`${d.name}\` already defined in a core module type`, offset);
        exports.add(d.name);
        break;
    }
  }
  uniqueCoreImports(imports, offset);
}

function coreItem(s: State, sort: CoreSort, index: number, offset: number): CoreExport {
  switch (sort) {
    case 'func': {
      const type = at(s.coreFuncs, index, 'core func', offset);
      return type ? { kind: 'func', type } : { kind: 'func' };
    }
    case 'table':
    case 'memory':
    case 'global':
    case 'tag': {
      const items = s.coreItems[sort];
      if (index >= items.length) throw new WeftError(`core ${sort} index ${index} out of range`, offset);
      const item = items[index];
      return item ? { kind: sort, item } : { kind: sort };
    }
    default:
      throw new WeftError(`core ${sort} cannot be exported from a core instance`, offset);
  }
}

function itemDesc(s: State, item: SortIdx, offset: number): ExternDesc {
  const space = spaceOf(item.sort);
  const i = item.index;
  switch (space) {
    case 'func':
      return { kind: 'func', type: at(s.funcs, i, 'func', offset) };
    case 'instance':
      return { kind: 'instance', type: at(s.instances, i, 'instance', offset) };
    case 'component':
      return { kind: 'component', type: at(s.components, i, 'component', offset) };
    case 'type':
      return { kind: 'type', type: typeAt(s, i, offset) };
    case 'value':
      if (i >= s.values) throw new WeftError(`value index ${i} out of range`, offset);
      return { kind: 'value' };
    case 'core module': {
      const info = at(s.coreModules, i, 'core module', offset);
      return info ? { kind: 'module', info } : { kind: 'module' };
    }
    default:
      throw new WeftError(`a ${space} cannot be imported, exported or passed between components`, offset);
  }
}

function pushDesc(s: State, d: ExternDesc, pushType: boolean): void {
  switch (d.kind) {
    case 'func':
      s.funcs.push(d.type);
      break;
    case 'instance':
      s.instances.push(d.type);
      break;
    case 'component':
      s.components.push(d.type);
      break;
    case 'type':
      if (pushType) s.types.push(d.type);
      break;
    case 'module':
      s.coreModules.push(d.info);
      break;
    case 'value':
      s.values++;
      break;
  }
}

function aliasDef(s: State, alias: Alias, o: number): void {
  const { sort, target } = alias;
  const space = spaceOf(sort);
  if (target.kind === 'export') {
    const inst = at(s.instances, target.instance, 'instance', o);
    const e = inst.exports.get(target.name);
    if (!e) throw new WeftError(`instance ${target.instance} has no export named \`${target.name}\``, o);
    const kind = space === 'core module' ? 'module' : space;
    if (e.kind !== kind) throw new WeftError(`export \`${target.name}\` is a ${e.kind}, not a ${space}`, o);
    pushDesc(s, e, true);
    return;
  }
  if (target.kind === 'core-export') {
    const inst = at(s.coreInstances, target.instance, 'core instance', o);
    if (typeof sort !== 'object') throw new WeftError('core export aliases must have a core sort', o);
    const e = inst?.get(target.name);
    if (inst && !e) throw new WeftError(`core instance ${target.instance} has no export named \`${target.name}\``, o);
    if (e && e.kind !== sort.core) throw new WeftError(`core export \`${target.name}\` is a ${e.kind}, not a ${sort.core}`, o);
    switch (sort.core) {
      case 'func':
        s.coreFuncs.push(e?.type);
        break;
      case 'table':
      case 'memory':
      case 'global':
      case 'tag':
        s.coreItems[sort.core].push(e?.item);
        break;
      default:
        throw new WeftError(`core ${sort.core} exports cannot be aliased`, o);
    }
    return;
  }
  const outer = outerScope(s, target.count, o) as State;
  switch (space) {
    case 'type': {
      const t = typeAt(outer, target.index, o);
      if (target.count > 0) noOuterResources(t, outer, o);
      s.types.push(t);
      return;
    }
    case 'core type': {
      const t = outer.coreTypes[target.index];
      if (!t) throw new WeftError(`outer core type index ${target.index} out of range`, o);
      s.coreTypes.push(t);
      return;
    }
    case 'component':
      s.components.push(at(outer.components, target.index, 'component', o));
      return;
    case 'core module':
      s.coreModules.push(at(outer.coreModules, target.index, 'core module', o));
      return;
    default:
      throw new WeftError(`outer aliases may not refer to ${space} definitions`, o);
  }
}

function crossesComponent(scope: TypeScope, count: number): boolean {
  let x: TypeScope | undefined = scope;
  for (let i = 0; i < count && x; i++, x = x.parent) if ('ownResources' in x) return true;
  return false;
}

/** Outer aliases may not capture resources that enclosing components define (they are per-instance). */
function noOuterResources(t: AnyType, outer: State, o: number): void {
  const seen = new Set<object>();
  const check = (r: Resource) => {
    for (let s: State | undefined = outer; s; s = s.parent as State | undefined) {
      if (s.ownResources?.has(canonResource(r)))
        throw new WeftError('outer alias refers to a type that transitively refers to resources defined in an enclosing component', o);
    }
  };
  const val = (v: ValType): void => {
    if (seen.has(v)) return;
    seen.add(v);
    forEachChild(v, val, check);
  };
  const any = (a: AnyType): void => {
    switch (a.kind) {
      case 'resource':
        check(a.resource);
        break;
      case 'value':
        val(a.type);
        break;
      case 'func':
        a.type.params.forEach((p) => val(p.type));
        if (a.type.result) val(a.type.result);
        break;
      case 'instance':
        a.exports.forEach(ext);
        break;
      case 'component':
        a.imports.forEach(ext);
        a.exports.forEach(ext);
        break;
      default:
        break;
    }
  };
  const ext = (d: ExternDesc): void => {
    if (d.kind === 'func') any({ kind: 'func', type: d.type });
    else if (d.kind === 'type' || d.kind === 'instance' || d.kind === 'component') any(d.type);
  };
  any(t);
}

function forEachChild(v: ValType, val: (v: ValType) => void, res: (r: Resource) => void): void {
  if (v.kind === 'own' || v.kind === 'borrow') res(v.resource);
  else childTypes(v).forEach(val);
}

/** Instantiates a component type: arguments must be subtypes of the imports, with imported resources substituted. */
function instantiate(ct: ComponentType, args: Map<string, ExternDesc>, o: number, generated: Set<Resource>): InstanceType {
  const subst = new Map<Resource, Resource>();
  for (const r of ct.generative ?? []) {
    const fresh = newResource(r.name, 'guest');
    subst.set(r, fresh);
    generated.add(fresh);
  }
  // Imported value types bound to their arguments so far. Each substitution starts from these
  // alone: a shared cache would remember an import's own type as unchanged while checking it,
  // before it is bound, and later exports would keep referring to the inner, unnamed type.
  const bound = new Map<object, object>();
  const substitute = (d: ExternDesc): ExternDesc => substExtern(d, withAliases(subst), new Map(bound));
  for (const [name, want] of ct.imports) {
    const arg = args.get(name);
    if (!arg) throw new WeftError(`missing import named \`${name}\``, o);
    if (want.kind === 'type' && want.type.kind === 'resource' && arg.kind === 'type' && arg.type.kind === 'resource') {
      const w = canonResource(want.type.resource);
      if (w.origin === 'abstract' && !subst.has(w)) {
        subst.set(w, arg.type.resource);
        continue;
      }
    }
    if (want.kind === 'instance' && arg.kind === 'instance') bindInstanceResources(want.type, arg.type, subst);
    expectSub(arg, substitute(want), `type mismatch in import \`${name}\``, o);
    bindValueTypes(want, arg, bound);
  }
  freshExportedResources(ct.exports, subst, generated);
  const all = withAliases(subst);
  const memo = new Map(bound);
  const exports = new Map<string, ExternDesc>();
  for (const [n, d] of ct.exports) exports.set(n, substExtern(d, all, memo));
  return { kind: 'instance', exports };
}

/** An imported named value type stands for the argument's type in the instance's exports. */
function bindValueTypes(want: ExternDesc, arg: ExternDesc, bound: Map<object, object>): void {
  if (want.kind === 'type' && want.type.kind === 'value' && arg.kind === 'type' && arg.type.kind === 'value') {
    if (!bound.has(want.type.type)) bound.set(want.type.type, arg.type.type);
  } else if (want.kind === 'instance' && arg.kind === 'instance') {
    for (const [n, d] of want.type.exports) {
      const g = arg.type.exports.get(n);
      if (g) bindValueTypes(d, g, bound);
    }
  }
}

function bindInstanceResources(want: InstanceType, got: InstanceType, subst: Map<Resource, Resource>): void {
  for (const [n, d] of want.exports) {
    const g = got.exports.get(n);
    if (d.kind === 'type' && d.type.kind === 'resource' && g?.kind === 'type' && g.type.kind === 'resource') {
      const w = canonResource(d.type.resource);
      if (w.origin === 'abstract' && !subst.has(w)) subst.set(w, g.type.resource);
    } else if (d.kind === 'instance' && g?.kind === 'instance') bindInstanceResources(d.type, g.type, subst);
  }
}

function freshExportedResources(exports: Map<string, ExternDesc>, subst: Map<Resource, Resource>, generated: Set<Resource>): void {
  for (const [n, d] of exports) {
    if (d.kind === 'type' && d.type.kind === 'resource') {
      const r = canonResource(d.type.resource);
      if (r.origin === 'abstract' && !subst.has(r)) {
        const fresh = newResource(n, 'guest');
        subst.set(r, fresh);
        generated.add(fresh);
      }
    } else if (d.kind === 'instance') freshExportedResources(d.type.exports, subst, generated);
  }
}

/** Every known alias of a substituted resource maps to its replacement too. */
function withAliases(subst: Map<Resource, Resource>): Map<Resource, Resource> {
  const out = new Map(subst);
  for (const [k, v] of subst) for (const a of k.aliases ?? []) out.set(a, v);
  return out;
}

/** A new identity for a type named by an import or export (see `canonResource`). */
function rename(t: AnyType, name: string): AnyType {
  if (t.kind === 'resource') {
    const r = newResource(name, t.resource.origin);
    aliasResource(t.resource, r);
    return { kind: 'resource', resource: r };
  }
  if (t.kind === 'value' && NAMED.test(t.type.kind)) return { kind: 'value', type: { ...t.type, renamedFrom: t.type } };
  return t;
}

/**
 * Registers an import or export in its scope: checks external visibility of the types it
 * uses and the rules of annotated names; returns its description with named types renamed.
 */
function name(names: Names, dir: 'import' | 'export', parsed: ExternName, desc: ExternDesc, o: number, fresh: boolean, deferVisibility = false): ExternDesc {
  const has = dir === 'import' ? (x: object) => names.imported.has(x) : (x: object) => names.imported.has(x) || names.exported.has(x);
  const visible = (x: Resource | ValType) => namedVia(x, has);
  const set = dir === 'import' ? names.imported : names.exported;
  const resources = dir === 'import' ? names.importedResources : names.exportedResources;
  if (!deferVisibility) checkVisible(desc, visible, dir, o);
  if (parsed.kind !== 'plain' && parsed.kind !== 'interface') annotated(parsed, desc, resources, o);
  if (desc.kind === 'type') {
    const t = fresh ? desc.type : rename(desc.type, parsed.kind === 'plain' ? parsed.label : '');
    if (t.kind === 'resource') {
      set.add(t.resource);
      if (parsed.kind === 'plain') resources.set(parsed.label, t.resource);
    } else if (t.kind === 'value') set.add(t.type);
    return { kind: 'type', type: t };
  }
  if (desc.kind === 'instance') markInstance(desc.type, set);
  return desc;
}

/** A `(sub resource)` import or export declares a new resource: it needs no new identity. */
function isFresh(t: ExternType): boolean {
  return t.kind === 'type' && t.bound.kind === 'sub-resource';
}

function markInstance(t: InstanceType, set: Set<object>): void {
  for (const d of t.exports.values()) markExport(d, set);
}

/** The types an instance export names: a type export's type, and a nested instance's types. */
function markExport(d: ExternDesc, set: Set<object>): void {
  if (d.kind === 'type') {
    if (d.type.kind === 'resource') set.add(d.type.resource);
    else if (d.type.kind === 'value') set.add(d.type.type);
  } else if (d.kind === 'instance') markInstance(d.type, set);
}

const NAMED = /^(record|variant|enum|flags)$/;

function checkVisible(desc: ExternDesc, visible: (x: Resource | ValType) => boolean, dir: string, o: number): void {
  const bad = (what: string, kind: string): never => {
    throw new WeftError(`${what} not valid to be used as ${dir}: it uses a ${kind} type that is not itself ${dir}ed`, o);
  };
  const seen = new Set<object>();
  /** A visible named type was checked when it was named: its contents need no second look. */
  const val = (v: ValType, what: string, vis: (x: Resource | ValType) => boolean): void => {
    if (NAMED.test(v.kind)) {
      if (!vis(v)) bad(what, v.kind);
      return;
    }
    if (seen.has(v)) return;
    seen.add(v);
    children(v, what, vis);
  };
  const children = (v: ValType, what: string, vis: (x: Resource | ValType) => boolean) => {
    forEachChild(
      v,
      (c) => val(c, what, vis),
      (r) => {
        if (!vis(r)) bad(what, 'resource');
      },
    );
  };
  const func = (f: FuncType, what: string, vis: (x: Resource | ValType) => boolean) => {
    f.params.forEach((p) => val(p.type, what, vis));
    if (f.result) val(f.result, what, vis);
  };
  /** An instance's exports name types in order: an export may only use the types named before it. */
  const instance = (t: InstanceType, what: string, outer: (x: Resource | ValType) => boolean) => {
    const local = new Set<object>();
    const vis = (x: Resource | ValType) => namedVia(x, (y) => local.has(y)) || outer(x);
    for (const d of t.exports.values()) {
      if (d.kind === 'func') func(d.type, what, vis);
      else if (d.kind === 'type' && d.type.kind === 'value') children(d.type.type, what, vis);
      else if (d.kind === 'instance') instance(d.type, what, vis);
      markExport(d, local);
    }
  };
  switch (desc.kind) {
    case 'func':
      func(desc.type, 'func', visible);
      break;
    case 'instance':
      instance(desc.type, 'instance', visible);
      break;
    case 'type':
      switch (desc.type.kind) {
        case 'value':
          children(desc.type.type, 'type', visible);
          break;
        case 'func':
          func(desc.type.type, 'type', visible);
          break;
        case 'instance':
          instance(desc.type, 'type', visible);
          break;
        default:
          break;
      }
      break;
    default:
      break;
  }
}

function annotated(n: Exclude<ExternName, { kind: 'plain' | 'interface' }>, desc: ExternDesc, resources: Map<string, Resource>, o: number): void {
  if (desc.kind !== 'func') throw new WeftError(`\`${n.kind}\` annotated name refers to a ${desc.kind}, which is not a func`, o);
  const f = desc.type;
  const r = resources.get(n.resource);
  if (!r) {
    if (n.kind === 'static') throw new WeftError(`static resource name \`${n.resource}\` is not known in this context`, o);
  }
  const nameOf = (res: Resource) => {
    for (const [k, v] of resources) if (v === res) return k;
    return undefined;
  };
  const expectRes = (res: Resource) => {
    const got = nameOf(res);
    if (got === undefined) throw new WeftError('resource used in function does not have a name in this context', o);
    if (got !== n.resource) throw new WeftError(`function does not match expected resource name \`${got}\``, o);
  };
  if (n.kind === 'constructor') {
    if (f.async) throw new WeftError('constructor function cannot be async', o);
    if (!f.result) throw new WeftError(`\`[constructor]${n.resource}\` function should return one value`, o);
    let t = f.result;
    if (t.kind === 'result' && t.ok) t = t.ok;
    if (t.kind !== 'own') throw new WeftError('function should return `(own $T)` or `(result (own $T))`', o);
    expectRes(t.resource);
  } else if (n.kind === 'method') {
    const p = f.params[0];
    if (!p) throw new WeftError('method should have at least one argument', o);
    if (p.name !== 'self') throw new WeftError('method should have a first argument called `self`', o);
    if (p.type.kind !== 'borrow') throw new WeftError('method should take a first argument of `(borrow $T)`', o);
    expectRes(p.type.resource);
  }
}

function typeDef(def: TypeDef, s: TypeScope, o: number): AnyType {
  if (def.kind === 'defval' && def.def.kind === 'stream' && def.def.type && resolveValType(def.def.type, s, o).kind === 'char') {
    throw new WeftError('`stream<char>` is not valid', o);
  }
  if (def.kind === 'defval') {
    const t = resolveTypeDef(def, s, o);
    // The bound is on the larger of the two layouts, a 64-bit memory's.
    if (t.kind === 'value' && size(t.type, 8) >= MAX_ELEM_SIZE) {
      throw new WeftError(`value type exceeds maximum byte size: its element size is ${size(t.type, 8)} bytes, the limit is ${MAX_ELEM_SIZE - 1}`, o);
    }
    return t;
  }
  if (def.kind === 'instance' || def.kind === 'component') return decls(def.decls, s, def.kind === 'component');
  return resolveTypeDef(def, s, o);
}

/** A component or instance type: resolved, with the same naming rules as a component. */
function decls(ds: Decl[], parent: TypeScope, isComponent: boolean): InstanceType | ComponentType {
  const scope: TypeScope = { types: [], coreTypes: [], parent, instances: [] };
  const names = new Names();
  const declared = new Set<Resource>();
  const imports = new Map<string, ExternDesc>();
  const exports = new Map<string, ExternDesc>();
  for (const d of ds) {
    switch (d.kind) {
      case 'core-type':
        checkCoreType(d.type, d.offset);
        scope.coreTypes.push(resolveCoreType(d.type, scope, d.offset));
        break;
      case 'type': {
        if (d.type.kind === 'resource') throw new WeftError('resource types may only be defined directly in a component', d.offset);
        scope.types.push(typeDef(d.type, scope, d.offset));
        break;
      }
      case 'alias': {
        const { alias } = d;
        if (alias.target.kind === 'outer' && alias.sort === 'type') {
          const target = outerScope(scope, alias.target.count, d.offset);
          const t = typeAt(target, alias.target.index, d.offset);
          if (crossesComponent(scope, alias.target.count)) noOuterResources(t, target as State, d.offset);
          names.imported.add(t.kind === 'resource' ? t.resource : t.kind === 'value' ? t.type : t);
          if (t.kind === 'resource') names.imported.add(canonResource(t.resource));
        }
        declAlias(alias, scope, d.offset);
        break;
      }
      case 'import':
      case 'export': {
        const { desc: raw, pushType } = externDesc(d.type, d.name, scope, d.offset);
        const desc = freshen(raw);
        if (isFresh(d.type) && desc.kind === 'type' && desc.type.kind === 'resource') declared.add(desc.type.resource);
        const space = d.kind === 'import' ? names.imports : names.exports;
        const parsed = space.add(d.name, d.attrs, desc.kind, d.offset);
        const named = name(names, d.kind, parsed, desc, d.offset, isFresh(d.type), !isComponent);
        (d.kind === 'import' ? imports : exports).set(d.name, named);
        if (pushType && named.kind === 'type') scope.types.push(named.type);
        if (named.kind === 'instance') scope.instances!.push(named.type);
        break;
      }
    }
  }
  if (isComponent) return { kind: 'component', imports, exports };
  return { kind: 'instance', exports, declared };
}

function freshen(d: ExternDesc): ExternDesc {
  if (d.kind !== 'instance') return d;
  const subst = new Map<Resource, Resource>();
  const collect = (t: InstanceType) => {
    for (const r of t.declared ?? []) subst.set(r, newResource(r.name, 'abstract'));
    for (const e of t.exports.values()) if (e.kind === 'instance') collect(e.type);
  };
  collect(d.type);
  if (subst.size === 0) return d;
  return substExtern(d, withAliases(subst), new Map());
}

function canonDef(s: State, c: Canon, o: number): void {
  switch (c.kind) {
    case 'lift': {
      const core = at(s.coreFuncs, c.coreFunc, 'core func', o);
      const t = typeAt(s, c.typeIndex, o);
      if (t.kind !== 'func') throw new WeftError(`canon lift: type index ${c.typeIndex} is not a function type`, o);
      const want = options(s, c.options, t.type, 'lift', o);
      if (core) {
        if (!sameTypes(core.params, want.params))
          throw new WeftError(`lowered parameter types \`[${want.params}]\` do not match parameter types \`[${core.params}]\` of the core function`, o);
        if (!sameTypes(core.results, want.results))
          throw new WeftError(`lowered result types \`[${want.results}]\` do not match result types \`[${core.results}]\` of the core function`, o);
      }
      s.funcs.push(t.type);
      return;
    }
    case 'lower': {
      const f = at(s.funcs, c.func, 'func', o);
      s.coreFuncs.push(options(s, c.options, f, 'lower', o));
      return;
    }
    case 'resource.new':
    case 'resource.drop':
    case 'resource.rep': {
      const t = typeAt(s, c.typeIndex, o);
      if (t.kind !== 'resource') throw new WeftError(`canon ${c.kind}: type index ${c.typeIndex} is not a resource type`, o);
      if (c.kind !== 'resource.drop' && !s.ownResources.has(canonResource(t.resource))) {
        throw new WeftError(`canon ${c.kind} requires a resource type defined in this component`, o);
      }
      s.coreFuncs.push(
        c.kind === 'resource.new'
          ? { params: ['i32'], results: ['i32'] }
          : c.kind === 'resource.rep'
            ? { params: ['i32'], results: ['i32'] }
            : { params: ['i32'], results: [] },
      );
      return;
    }
    case 'builtin': {
      if (c.name === 'task.return') {
        // task.return lowers a function taking the result: its options are a lower's, less these.
        if (c.options?.realloc !== undefined) throw new WeftError('cannot specify `realloc` option on `task.return`', o);
        if (c.options?.async) throw new WeftError('cannot specify `async` option on `task.return`', o);
        const result = c.result && resolveValType(c.result, s, o);
        s.coreFuncs.push(options(s, c.options ?? {}, { params: result ? [{ name: 'v', type: result }] : [] }, 'lower', o));
        return;
      }
      // Slot 1 belongs to the threading proposal's second context slot.
      if ((c.name === 'context.get' || c.name === 'context.set') && c.index !== undefined && c.index > 1) {
        throw new WeftError(`\`${c.name}\` immediate must be zero or one: ${c.index}`, o);
      }
      if (c.typeIndex !== undefined) {
        const family = c.name.slice(0, c.name.indexOf('.'));
        const t = typeAt(s, c.typeIndex, o);
        if (t.kind !== 'value' || t.type.kind !== family) throw new WeftError(`\`${c.name}\` requires a ${family} type`, o);
      }
      if (c.coreTypeIndex !== undefined) {
        const t = s.coreTypes[c.coreTypeIndex];
        if (!t) throw new WeftError(`core type index ${c.coreTypeIndex} out of range (${s.coreTypes.length} defined)`, o);
        if (c.name === 'thread.new-indirect' && (t.kind !== 'core-func' || t.params.join() !== 'i32' || t.results.length > 0)) {
          throw new WeftError('`thread.new-indirect` needs a core function type taking one i32 and returning nothing', o);
        }
      }
      if (c.tableIndex !== undefined && c.tableIndex >= s.coreItems.table.length) throw new WeftError(`core table index ${c.tableIndex} out of range`, o);
      if (c.memoryIndex !== undefined) {
        // waitable-set.wait and .poll take the set and a pointer into this memory.
        if (c.memoryIndex >= s.coreItems.memory.length) throw new WeftError(`core memory index ${c.memoryIndex} out of range`, o);
        const mem = s.coreItems.memory[c.memoryIndex];
        s.coreFuncs.push(mem?.kind === 'memory' ? { params: ['i32', mem.memory64 ? 'i64' : 'i32'], results: ['i32'] } : undefined);
        return;
      }
      s.coreFuncs.push(BUILTIN_SIGNATURES[c.name]);
      return;
    }
  }
}

/** The core signatures of the built-ins whose signature depends on no option or type (with 32-bit memories). */
const BUILTIN_SIGNATURES: Record<string, CoreFuncSig> = (() => {
  const sig = (params: CoreValType[], results: CoreValType[]): CoreFuncSig => ({ params, results });
  const out: Record<string, CoreFuncSig> = {
    'task.cancel': sig([], []),
    'backpressure.inc': sig([], []),
    'backpressure.dec': sig([], []),
    'subtask.drop': sig(['i32'], []),
    'subtask.cancel': sig(['i32'], ['i32']),
    'context.get': sig([], ['i32']),
    'context.set': sig(['i32'], []),
    'error-context.drop': sig(['i32'], []),
    'waitable-set.new': sig([], ['i32']),
    'waitable-set.drop': sig(['i32'], []),
    'waitable.join': sig(['i32', 'i32'], []),
    'error-context.new': sig(['i32', 'i32'], ['i32']),
    'error-context.debug-message': sig(['i32', 'i32'], []),
    'thread.index': sig([], ['i32']),
    'thread.yield': sig([], ['i32']),
    'thread.new-indirect': sig(['i32', 'i32'], ['i32']),
    'thread.resume-later': sig(['i32'], []),
    'thread.suspend': sig([], ['i32']),
    'thread.available-parallelism': sig([], ['i32']),
    'thread.suspend-then-resume': sig(['i32'], ['i32']),
    'thread.yield-then-resume': sig(['i32'], ['i32']),
    'thread.suspend-then-promote': sig(['i32'], ['i32']),
    'thread.yield-then-promote': sig(['i32'], ['i32']),
    'stream.read': sig(['i32', 'i32', 'i32'], ['i32']),
    'stream.write': sig(['i32', 'i32', 'i32'], ['i32']),
    'future.read': sig(['i32', 'i32'], ['i32']),
    'future.write': sig(['i32', 'i32'], ['i32']),
  };
  for (const family of ['stream', 'future']) {
    out[`${family}.new`] = sig([], ['i64']);
    out[`${family}.cancel-read`] = sig(['i32'], ['i32']);
    out[`${family}.cancel-write`] = sig(['i32'], ['i32']);
    out[`${family}.drop-readable`] = sig(['i32'], []);
    out[`${family}.drop-writable`] = sig(['i32'], []);
  }
  return out;
})();

/**
 * Checks a lift's or lower's canonical options against the function type and returns the core
 * signature it has (the canonical ABI's flattening, sync or async).
 */
function options(s: State, opts: CanonOptions, f: FuncType, dir: 'lift' | 'lower', o: number): CoreFuncSig {
  if (opts.async && !f.async) throw new WeftError('the `async` canonical option requires an async function type', o);
  if (opts.callback !== undefined && !opts.async) throw new WeftError('canonical option `callback` requires `async`', o);
  if (opts.callback !== undefined && dir === 'lower') throw new WeftError('canonical option `callback` cannot be specified for lowerings', o);
  if (opts.postReturn !== undefined && dir === 'lower') throw new WeftError('canonical option `post-return` cannot be specified for lowerings', o);
  if (opts.postReturn !== undefined && opts.async) throw new WeftError('canonical option `post-return` cannot be specified for an async function', o);
  if (opts.memory !== undefined && opts.memory >= s.coreItems.memory.length) throw new WeftError(`core memory index ${opts.memory} out of range`, o);
  const mem = opts.memory === undefined ? undefined : s.coreItems.memory[opts.memory];
  if (mem?.kind === 'memory' && mem.shared) throw new WeftError('canonical option `memory` must be an unshared memory', o);
  const realloc = opts.realloc === undefined ? undefined : { sig: at(s.coreFuncs, opts.realloc, 'core func', o) };
  const post = opts.postReturn === undefined ? undefined : { sig: at(s.coreFuncs, opts.postReturn, 'core func', o) };
  const callback = opts.callback === undefined ? undefined : { sig: at(s.coreFuncs, opts.callback, 'core func', o) };
  if (realloc && opts.memory === undefined) throw new WeftError('canonical option `realloc` requires `memory` to also be specified', o);
  if (realloc?.sig && !sameSig(realloc.sig, { params: ['i32', 'i32', 'i32', 'i32'], results: ['i32'] })) {
    throw new WeftError(`canonical option \`realloc\` uses a core function with an incorrect signature: ${showSig(realloc.sig)}`, o);
  }
  // The callback's results are left to the engine: only its parameters are fixed.
  if (callback?.sig && !sameTypes(callback.sig.params, ['i32', 'i32', 'i32']) && !sameTypes(callback.sig.params, ['i32'])) {
    throw new WeftError(`canonical option \`callback\` uses a core function with an incorrect signature: ${showSig(callback.sig)}`, o);
  }
  const { sig, memory, realloc: needRealloc } = coreSignature(f, dir, opts, mem?.kind === 'memory' && mem.memory64 ? 8 : 4);
  if (post?.sig && !sameSig(post.sig, { params: sig.results, results: [] })) {
    throw new WeftError(`canonical option \`post-return\` uses a core function with an incorrect signature: ${showSig(post.sig)}`, o);
  }
  if ((memory || needRealloc) && opts.memory === undefined) throw new WeftError('canonical option `memory` is required', o);
  if (needRealloc && !realloc) throw new WeftError('canonical option `realloc` is required', o);
  return sig;
}

/**
 * The core signature of a lifted or lowered function and whether it needs `memory` and
 * `realloc`. Async lowers take at most MAX_FLAT_ASYNC_PARAMS flat parameters, return a status
 * and write a result through a pointer; async lifts return their result through `task.return`
 * and return a status only when they have a callback.
 */
function coreSignature(f: FuncType, dir: 'lift' | 'lower', opts: CanonOptions, ptr: PtrSize): { sig: CoreFuncSig; memory: boolean; realloc: boolean } {
  const pointer: CoreValType = ptr === 8 ? 'i64' : 'i32';
  let params: CoreValType[] = f.params.flatMap((p) => flatten(p.type, ptr));
  let results: CoreValType[] = [];
  const pointers = f.params.some((p) => needsMemory(p.type));
  let memory = dir === 'lower' && pointers;
  let realloc = dir === 'lift' && pointers;
  if (params.length > (dir === 'lower' && opts.async ? MAX_FLAT_ASYNC_PARAMS : MAX_FLAT_PARAMS)) {
    params = [pointer];
    memory = true;
    if (dir === 'lift') realloc = true;
  }
  if (f.result && dir === 'lower' && needsMemory(f.result)) realloc = true;
  if (!opts.async) {
    const flat = f.result ? flatten(f.result, ptr) : [];
    if (flat.length <= MAX_FLAT_RESULTS) results = flat;
    else if (dir === 'lower') {
      params = [...params, pointer];
      memory = true;
    } else {
      results = [pointer];
      memory = true;
    }
  } else if (dir === 'lower') {
    if (f.result) {
      params = [...params, pointer];
      memory = true;
    }
    results = ['i32'];
  } else {
    if (f.result && (flatten(f.result, ptr).length > MAX_FLAT_PARAMS || needsMemory(f.result))) memory = true;
    if (opts.callback !== undefined) results = ['i32'];
  }
  return { sig: { params, results }, memory, realloc };
}

function sameTypes(a: CoreValType[], b: CoreValType[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

function sameSig(a: CoreFuncSig, b: CoreFuncSig): boolean {
  return sameTypes(a.params, b.params) && sameTypes(a.results, b.results);
}

function showSig(s: CoreFuncSig): string {
  return `(${s.params.join(' ')}) -> (${s.results.join(' ')})`;
}
