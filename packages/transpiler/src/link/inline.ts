import type { Canon, CanonOptions, ComponentAst, CoreModuleInfo, CoreSort, Definition, SortIdx } from '../decode/ast.js';
import { spaceOf } from '../decode/ast.js';
import { NOT_SUPPORTED, WeftError } from '../error.js';
import type { AnyType, ExternDesc, InstanceType, Resource, ValType } from '../types/model.js';
import { nameType, newResource } from '../types/model.js';
import type { TypeScope } from '../types/resolve.js';
import { externDesc, resolveCoreType, resolveTypeDef, resolveValType, typeAt } from '../types/resolve.js';
import { substAny, substFunc } from '../types/subst.js';
import type { Builtin, CanonOpts, CoreDef, CoreInstanceVal, ExportItem, FuncVal, ImportInstance, ModuleRef, Plan } from './plan.js';
import { BUILTIN_NAMES, isThreadSwitch, refName } from './plan.js';

/** A component-level item during linking. */
type Item =
  | { kind: 'func'; func: FuncVal }
  | { kind: 'instance'; instance: InstanceVal }
  | { kind: 'type'; type: AnyType }
  | { kind: 'component'; component: Closure }
  | { kind: 'module'; module: ModuleRef }
  | { kind: 'value' };

interface InstanceVal {
  exports: Map<string, Item>;
}

interface Closure {
  ast: ComponentAst;
  parent: Frame;
}

/** One component instance being evaluated: its index spaces. */
interface Frame extends TypeScope {
  parent?: Frame;
  id: number;
  args?: Map<string, Item>;
  funcs: FuncVal[];
  instanceVals: InstanceVal[];
  components: Closure[];
  coreModules: ModuleRef[];
  coreInstances: CoreInstanceVal[];
  core: Record<Exclude<CoreSort, 'type' | 'module' | 'instance'>, CoreDef[]>;
  exports: Map<string, Item>;
}

/**
 * Symbolically instantiates the component: nested components and component instances are
 * inlined into one flat plan. Each inner instantiation gets its own component-instance id,
 * which the emitted glue turns into its own handle table.
 */
export function inline(ast: ComponentAst): Plan {
  const plan: Plan = {
    modules: [],
    coreInstances: 0,
    steps: [],
    lowerings: [],
    lifts: [],
    imports: new Map(),
    exports: new Map(),
    componentInstances: 0,
    async: false,
    dtors: new Map(),
  };
  const moduleIds = new Map<Uint8Array, number>();
  const runtimeExports: { name: string; kind: CoreSort }[][] = [];
  const importedModules = new Map<string, CoreModuleInfo>();

  function newFrame(parent: Frame | undefined, args: Map<string, Item> | undefined): Frame {
    return {
      id: plan.componentInstances++,
      types: [],
      coreTypes: [],
      funcs: [],
      instanceVals: [],
      components: [],
      coreModules: [],
      coreInstances: [],
      core: { func: [], table: [], memory: [], global: [], tag: [] },
      exports: new Map(),
      ...(parent ? { parent } : {}),
      ...(args ? { args } : {}),
    };
  }

  /**
   * Evaluates the top-level component. An instantiation of an inner component pauses its
   * instantiator's activation until the inner one is done; activations live on an explicit
   * stack, so instantiation chains thousands deep cost heap, not native stack.
   */
  function evaluate(ast: ComponentAst): Frame {
    const root = newFrame(undefined, undefined);
    const stack: { f: Frame; defs: Definition[]; next: number }[] = [{ f: root, defs: ast.definitions, next: 0 }];
    for (let top = stack[0]; top; top = stack[stack.length - 1]) {
      const def = top.defs[top.next++];
      if (!def) {
        stack.pop();
        const instantiator = stack[stack.length - 1];
        if (instantiator) push(instantiator.f, { kind: 'instance', instance: { exports: top.f.exports } });
        continue;
      }
      // Arguments that match no import are allowed and ignored, as the spec says.
      const inner = define(top.f, def);
      if (inner) stack.push({ f: newFrame(inner.closure.parent, inner.args), defs: inner.closure.ast.definitions, next: 0 });
    }
    return root;
  }

  function coreItem(f: Frame, sort: CoreSort, index: number, offset: number): CoreDef {
    if (sort === 'type' || sort === 'module' || sort === 'instance') {
      throw new WeftError(`core ${sort} cannot be used as a core instance export`, offset);
    }
    const d = f.core[sort][index];
    if (!d) throw new WeftError(`core ${sort} index ${index} out of range`, offset);
    return d;
  }

  function item(f: Frame, s: SortIdx, offset: number): Item {
    const space = spaceOf(s.sort);
    const oob = (): never => {
      throw new WeftError(`${space} index ${s.index} out of range`, offset);
    };
    switch (space) {
      case 'func':
        return { kind: 'func', func: f.funcs[s.index] ?? oob() };
      case 'instance':
        return { kind: 'instance', instance: f.instanceVals[s.index] ?? oob() };
      case 'type':
        return { kind: 'type', type: f.types[s.index] ?? oob() };
      case 'component':
        return { kind: 'component', component: f.components[s.index] ?? oob() };
      case 'core module':
        return { kind: 'module', module: f.coreModules[s.index] ?? oob() };
      case 'value':
        return { kind: 'value' };
      default:
        throw new WeftError(`${space} cannot be passed between components`, offset);
    }
  }

  function push(f: Frame, it: Item): void {
    switch (it.kind) {
      case 'func':
        f.funcs.push(it.func);
        break;
      case 'instance':
        f.instanceVals.push(it.instance);
        break;
      case 'type':
        f.types.push(it.type);
        break;
      case 'component':
        f.components.push(it.component);
        break;
      case 'module':
        f.coreModules.push(it.module);
        break;
      case 'value':
        break;
    }
  }

  function kindOfSort(s: SortIdx['sort']): Item['kind'] {
    const space = spaceOf(s);
    return space === 'core module' ? 'module' : (space as Item['kind']);
  }

  /** A built-in's immediates resolved in frame `f` (validation checked their kinds). */
  function builtin(f: Frame, c: Canon & { kind: 'builtin' }, at: number): Builtin {
    const name = c.name as Builtin['name'];
    const flag = !!c.flag;
    const streamType = () => {
      const t = typeAt(f, c.typeIndex!, at);
      if (t.kind !== 'value' || (t.type.kind !== 'stream' && t.type.kind !== 'future')) throw new WeftError(`\`${name}\` requires a stream or future type`, at);
      return t.type as ValType & { kind: 'stream' | 'future' };
    };
    if (isThreadSwitch(name)) return { name, flag };
    switch (name) {
      case 'context.get':
      case 'context.set':
        return { name, index: c.index ?? 0 };
      case 'task.return': {
        const result = c.result && resolveValType(c.result, f, at);
        return { name, ...(result ? { result } : {}), opts: opts(f, c.options ?? {}, 'task.return', at) };
      }
      case 'waitable-set.wait':
      case 'waitable-set.poll':
        return { name, memory: coreItem(f, 'memory', c.memoryIndex!, at), flag };
      case 'subtask.cancel':
      case 'thread.yield':
        return { name, flag };
      case 'thread.index':
      case 'thread.resume-later':
        return { name };
      case 'thread.new-indirect':
        return { name, table: coreItem(f, 'table', c.tableIndex!, at) };
      case 'error-context.new':
      case 'error-context.debug-message':
        return { name, opts: opts(f, c.options ?? {}, 'lower', at) };
      case 'stream.read':
      case 'stream.write':
      case 'future.read':
      case 'future.write':
        return { name, type: streamType(), opts: opts(f, c.options ?? {}, 'lower', at) };
      case 'stream.cancel-read':
      case 'stream.cancel-write':
      case 'future.cancel-read':
      case 'future.cancel-write':
        return { name, type: streamType(), flag };
      case 'stream.new':
      case 'future.new':
      case 'stream.drop-readable':
      case 'stream.drop-writable':
      case 'future.drop-readable':
      case 'future.drop-writable':
        return { name, type: streamType() };
      default:
        return { name };
    }
  }

  function opts(f: Frame, options: CanonOptions, use: 'lift' | 'lower' | 'task.return', offset: number): CanonOpts {
    const out: CanonOpts = { encoding: options.stringEncoding ?? 'utf8' };
    if (options.async) out.async = true;
    if (options.callback !== undefined) out.callback = coreItem(f, 'func', options.callback, offset);
    if (options.async) plan.async = true;
    if (options.memory !== undefined) out.memory = coreItem(f, 'memory', options.memory, offset);
    if (options.realloc !== undefined) out.realloc = coreItem(f, 'func', options.realloc, offset);
    if (options.postReturn !== undefined) {
      if (use !== 'lift') throw new WeftError(`post-return is not allowed on canon ${use}`, offset);
      out.postReturn = coreItem(f, 'func', options.postReturn, offset);
    }
    return out;
  }

  function resource(f: Frame, index: number, offset: number): Resource {
    const t = typeAt(f, index, offset);
    if (t.kind !== 'resource') throw new WeftError(`type index ${index} is not a resource type`, offset);
    return t.resource;
  }

  /**
   * Binds an instance the host supplies: its abstract resources become host resources and its
   * functions host functions, found at `path` inside the top-level import `name`. Nested
   * instances are bound first, so resources they export are substituted in outer signatures.
   */
  function importInstance(
    name: string,
    path: string[],
    type: InstanceType,
    subst: Map<Resource, Resource>,
    offset: number,
  ): { val: InstanceVal; item: ImportInstance } {
    const where = (en: string) => ({ importName: name, ...(path.length ? { path } : {}), exportName: en });
    const item: ImportInstance = { kind: 'instance', funcs: new Map(), resources: new Map(), instances: new Map() };
    const exports = new Map<string, Item>();
    for (const [en, e] of type.exports) {
      if (e.kind === 'instance') {
        const nested = importInstance(name, [...path, en], e.type, subst, offset);
        exports.set(en, { kind: 'instance', instance: nested.val });
        item.instances.set(en, nested.item);
      } else if (e.kind === 'type' && e.type.kind === 'resource' && e.type.resource.origin === 'abstract' && !subst.has(e.type.resource)) {
        // An alias (`type trailers = fields`) names a resource bound already: it is not a new class.
        const host = newResource(en, 'host', { host: where(en) });
        subst.set(e.type.resource, host);
        item.resources.set(en, host);
      }
    }
    const memo = new Map<object, object>();
    for (const [en, e] of type.exports) {
      switch (e.kind) {
        case 'func': {
          const t = substFunc(e.type, subst, memo);
          item.funcs.set(en, t);
          exports.set(en, { kind: 'func', func: { kind: 'import', ref: where(en), type: t } });
          break;
        }
        case 'type':
          exports.set(en, { kind: 'type', type: substAny(e.type, subst, memo) });
          break;
        case 'instance':
          break;
        default:
          throw new WeftError(`imported instance '${name}' exports a ${e.kind} ('${en}'); only functions, types and instances are supported`, offset);
      }
    }
    return { val: { exports }, item };
  }

  function importTop(name: string, desc: ExternDesc, offset: number): Item {
    switch (desc.kind) {
      case 'func': {
        // A world's resource functions (`[constructor]r`, `[method]r.m`, `[static]r.s`) come
        // with the resource's own import `r`: the host supplies them as members of its class.
        if (!name.startsWith('[')) plan.imports.set(name, { kind: 'func', type: desc.type });
        return { kind: 'func', func: { kind: 'import', ref: { importName: name }, type: desc.type } };
      }
      case 'instance': {
        const { val, item } = importInstance(name, [], desc.type, new Map(), offset);
        plan.imports.set(name, item);
        return { kind: 'instance', instance: val };
      }
      case 'module':
        plan.imports.set(name, { kind: 'module' });
        importedModules.set(name, desc.info ?? { imports: [], exports: [] });
        return { kind: 'module', module: { kind: 'import', importName: name } };
      case 'type': {
        if (desc.type.kind === 'resource' && desc.type.resource.origin === 'abstract') {
          const host = newResource(name, 'host', { host: { importName: name } });
          plan.imports.set(name, { kind: 'resource', resource: host });
          return { kind: 'type', type: { kind: 'resource', resource: host } };
        }
        return { kind: 'type', type: desc.type };
      }
      default:
        throw new WeftError(`importing a ${desc.kind} ('${name}') from the host is not supported`, offset);
    }
  }

  /** Evaluates one definition; returns the inner component it instantiates, if it does. */
  function define(f: Frame, def: Definition): { closure: Closure; args: Map<string, Item> } | undefined {
    const at = def.offset;
    switch (def.kind) {
      case 'core-module': {
        let id = moduleIds.get(def.bytes);
        if (id === undefined) {
          id = plan.modules.length;
          plan.modules.push({ bytes: def.bytes, info: def.info });
          moduleIds.set(def.bytes, id);
        }
        f.coreModules.push({ kind: 'static', index: id });
        return;
      }
      case 'core-instance': {
        const { expr } = def;
        if (expr.kind === 'exports') {
          const exports = new Map<string, CoreDef>();
          for (const e of expr.exports) {
            if (exports.has(e.name)) throw new WeftError(`duplicate core export name '${e.name}'`, at);
            exports.set(e.name, coreItem(f, e.sort, e.index, at));
          }
          f.coreInstances.push({ kind: 'synthetic', exports });
          return;
        }
        const module = f.coreModules[expr.module];
        if (module === undefined) throw new WeftError(`core module index ${expr.module} out of range`, at);
        const args = expr.args.map((a) => {
          const inst = f.coreInstances[a.instance];
          if (!inst) throw new WeftError(`core instance index ${a.instance} out of range`, at);
          return { name: a.name, instance: inst };
        });
        const info = module.kind === 'static' ? plan.modules[module.index]!.info : importedModules.get(module.importName)!;
        for (const imp of info.imports) {
          const arg = args.find((a) => a.name === imp.module);
          if (!arg) throw new WeftError(`core module import '${imp.module}' is not supplied by the instantiation`, at);
          const has =
            arg.instance.kind === 'synthetic' ? arg.instance.exports.has(imp.name) : runtimeExports[arg.instance.index]!.some((e) => e.name === imp.name);
          if (!has) throw new WeftError(`core module import '${imp.module}' '${imp.name}' is not exported by the supplied instance`, at);
        }
        const index = plan.coreInstances++;
        runtimeExports.push(info.exports);
        plan.steps.push({ kind: 'instantiate', instance: index, module, args });
        f.coreInstances.push({ kind: 'runtime', index });
        return;
      }
      case 'core-type':
        f.coreTypes.push(resolveCoreType(def.type, f, at));
        return;
      case 'component':
        f.components.push({ ast: def.component, parent: f });
        return;
      case 'instance': {
        const { expr } = def;
        if (expr.kind === 'exports') {
          const exports = new Map<string, Item>();
          for (const e of expr.exports) {
            if (exports.has(e.name)) throw new WeftError(`duplicate instance export name '${e.name}'`, at);
            const it = item(f, e.item, at);
            if (it.kind === 'type') nameType(it.type, e.name);
            exports.set(e.name, it);
          }
          push(f, { kind: 'instance', instance: { exports } });
          return;
        }
        const closure = f.components[expr.component];
        if (!closure) throw new WeftError(`component index ${expr.component} out of range`, at);
        const args = new Map<string, Item>();
        for (const a of expr.args) {
          if (args.has(a.name)) throw new WeftError(`duplicate instantiation argument '${a.name}'`, at);
          args.set(a.name, item(f, a.item, at));
        }
        return { closure, args };
      }
      case 'alias': {
        const { sort, target } = def.alias;
        if (target.kind === 'export') {
          const inst = f.instanceVals[target.instance];
          if (!inst) throw new WeftError(`instance index ${target.instance} out of range`, at);
          const it = inst.exports.get(target.name);
          if (!it) throw new WeftError(`instance ${target.instance} has no export named '${target.name}'`, at);
          if (it.kind !== kindOfSort(sort)) throw new WeftError(`export '${target.name}' is a ${it.kind}, not a ${spaceOf(sort)}`, at);
          push(f, it);
          return;
        }
        if (target.kind === 'core-export') {
          if (typeof sort !== 'object') throw new WeftError('core export aliases must have a core sort', at);
          const inst = f.coreInstances[target.instance];
          if (!inst) throw new WeftError(`core instance index ${target.instance} out of range`, at);
          let d: CoreDef | undefined;
          if (inst.kind === 'synthetic') d = inst.exports.get(target.name);
          else if (runtimeExports[inst.index]!.some((e) => e.name === target.name && e.kind === sort.core)) {
            d = { kind: 'export', instance: inst.index, name: target.name };
          }
          if (!d) throw new WeftError(`core instance ${target.instance} has no ${sort.core} export named '${target.name}'`, at);
          if (sort.core === 'type' || sort.core === 'module' || sort.core === 'instance')
            throw new WeftError(`core ${sort.core} exports are not supported`, at);
          f.core[sort.core].push(d);
          return;
        }
        const space = spaceOf(sort);
        let outer: Frame = f;
        for (let i = 0; i < target.count; i++) {
          if (!outer.parent) throw new WeftError(`outer alias count ${target.count} exceeds the number of enclosing components`, at);
          outer = outer.parent;
        }
        if (space === 'type') {
          push(f, { kind: 'type', type: typeAt(outer, target.index, at) });
        } else if (space === 'core type') {
          const t = outer.coreTypes[target.index];
          if (!t) throw new WeftError(`outer core type index ${target.index} out of range`, at);
          f.coreTypes.push(t);
        } else if (space === 'component' || space === 'core module') {
          push(f, item(outer, { sort, index: target.index }, at));
        } else {
          throw new WeftError(`outer aliases may not refer to ${space} definitions`, at);
        }
        return;
      }
      case 'type': {
        if (def.type.kind === 'resource') {
          const resource = newResource('resource', 'guest', { instance: f.id });
          if (def.type.dtor !== undefined) plan.dtors.set(resource, coreItem(f, 'func', def.type.dtor, at));
          f.types.push({ kind: 'resource', resource });
          return;
        }
        f.types.push(resolveTypeDef(def.type, f, at));
        return;
      }
      case 'canon': {
        const c = def.canon;
        switch (c.kind) {
          case 'lift': {
            const core = coreItem(f, 'func', c.coreFunc, at);
            const t = typeAt(f, c.typeIndex, at);
            if (t.kind !== 'func') throw new WeftError(`canon lift: type index ${c.typeIndex} is not a function type`, at);
            const index = plan.lifts.length;
            plan.lifts.push({ index, core, type: t.type, opts: opts(f, c.options, 'lift', at), instance: f.id, name: '' });
            f.funcs.push({ kind: 'lifted', index, type: t.type });
            return;
          }
          case 'lower': {
            const callee = f.funcs[c.func];
            if (!callee) throw new WeftError(`func index ${c.func} out of range`, at);
            const index = plan.lowerings.length;
            const name = callee.kind === 'import' ? refName(callee.ref) : `lifted function ${callee.index}`;
            plan.lowerings.push({ index, callee, type: callee.type, opts: opts(f, c.options, 'lower', at), instance: f.id, name });
            f.core.func.push({ kind: 'lowered', index });
            return;
          }
          case 'builtin': {
            if (!BUILTIN_NAMES.has(c.name)) {
              f.core.func.push({ kind: 'trap', message: `canon ${c.name} ${NOT_SUPPORTED} (Preview 3 threads)` });
              return;
            }
            plan.async = true;
            f.core.func.push({ kind: 'builtin', builtin: builtin(f, c, at), instance: f.id });
            return;
          }
          default: {
            const r = resource(f, c.typeIndex, at);
            if (r.origin !== 'guest' || r.instance !== f.id) {
              if (c.kind !== 'resource.drop') throw new WeftError(`canon ${c.kind} requires a resource type defined in this component`, at);
            }
            f.core.func.push({ kind: 'resource', op: c.kind.slice(9) as 'new' | 'drop' | 'rep', resource: r, instance: f.id });
            return;
          }
        }
      }
      case 'start':
        throw new WeftError('component start functions and values are not supported', at);
      case 'import': {
        const { desc, pushType } = externDesc(def.type, def.name, f, at);
        let it: Item;
        if (f.args) {
          const arg = f.args.get(def.name);
          if (!arg) throw new WeftError(`missing instantiation argument for import '${def.name}'`, at);
          const want = desc.kind === 'type' ? 'type' : desc.kind;
          if (arg.kind !== want) throw new WeftError(`instantiation argument '${def.name}' is a ${arg.kind}, but the import expects a ${want}`, at);
          it = arg;
        } else {
          it = importTop(def.name, desc, at);
        }
        if (pushType && it.kind === 'type') {
          nameType(it.type, def.name);
          f.types.push(it.type);
        } else push(f, it);
        return;
      }
      case 'export': {
        const it = item(f, def.item, at);
        if (f.exports.has(def.name)) throw new WeftError(`duplicate export name '${def.name}'`, at);
        if (it.kind === 'type') nameType(it.type, def.name);
        if (it.kind === 'type' && it.type.kind === 'resource' && it.type.resource.origin === 'guest' && it.type.resource.name === 'resource') {
          it.type.resource.name = def.name;
        }
        f.exports.set(def.name, it);
        push(f, it);
        return;
      }
    }
  }

  const top = evaluate(ast);
  for (const [name, it] of top.exports) {
    const e = exportItem(it, name, ast.offset);
    if (e) plan.exports.set(name, e);
  }
  nameLifts(plan);
  return plan;
}

function exportItem(it: Item, name: string, offset: number): ExportItem | undefined {
  switch (it.kind) {
    case 'func':
      return { kind: 'func', func: it.func };
    case 'instance': {
      const exports = new Map<string, ExportItem>();
      for (const [n, sub] of it.instance.exports) {
        const e = exportItem(sub, n, offset);
        if (e) exports.set(n, e);
      }
      return { kind: 'instance', exports };
    }
    case 'type':
      if (it.type.kind === 'resource') {
        if (it.type.resource.name === 'resource') it.type.resource.name = name;
        return { kind: 'resource', resource: it.type.resource };
      }
      return undefined;
    case 'module':
      return { kind: 'module', module: it.module };
    case 'component':
      throw new WeftError(`exporting a component ('${name}') is not supported`, offset);
    case 'value':
      return undefined;
  }
}

/** Gives each lift the export path it is reachable under, for error messages. */
function nameLifts(plan: Plan): void {
  const visit = (m: Map<string, ExportItem>, prefix: string) => {
    for (const [n, e] of m) {
      if (e.kind === 'func' && e.func.kind === 'lifted') {
        const lift = plan.lifts[e.func.index]!;
        if (!lift.name) lift.name = prefix + n;
      } else if (e.kind === 'instance') visit(e.exports, `${prefix}${n}#`);
    }
  };
  visit(plan.exports, '');
  for (const l of plan.lifts) if (!l.name) l.name = `lifted function ${l.index}`;
}
