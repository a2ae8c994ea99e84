import type { AbiCtx, ResourceJs } from '../abi/context.js';
import type { Flat } from '../types/layout.js';
import { alignment, flatSignature, flatten, MAX_FLAT_ASYNC_PARAMS, MAX_FLAT_PARAMS, recordLayout, size, unsupportedCall } from '../types/layout.js';
import { FlatReader, liftFlat, liftMem } from '../abi/lift.js';
import { lowerFlat, lowerMem, lowerResultMem } from '../abi/lower.js';
import { WeftError } from '../error.js';
import type { CanonOpts, CoreDef, CoreInstanceVal, ExportItem, FuncVal, Lift, Lowering, ModuleRef, Plan } from '../link/plan.js';
import type { Resource } from '../types/model.js';
import { Code } from '../js/code.js';
import { HELPER_NAMES, Helpers, instanceState } from '../js/helpers.js';
import { refName } from '../link/inline.js';
import { camelCase, exportShortName, key, parseFuncName, pascalCase, prop, str, unversioned } from '../js/names.js';
import { witFunc } from './wit.js';

/** The keys an import may be given under in the import object: as named, and unversioned. */
function importNames(importName: string): string {
  return JSON.stringify([...new Set([importName, unversioned(importName)])]);
}

/**
 * Names the glue writes by pattern or fixed spelling, at module level or in `instantiate`;
 * generated names never take them (nor a helper's), so nothing is shadowed.
 */
const FIXED_NAMES = /^\$(?:[eahik]\d+|ctx\d+|x_\d+|st|mods|cores|bp|task|tail|queued|files|load|exports|init|none|b64)$/;

/** A readable name for a WIT function: `ns:pkg/iface#do-it` -> `doIt`, `[method]r.get` -> `R_get`. */
function funcHint(name: string): string {
  const fn = parseFuncName(name.slice(name.lastIndexOf('#') + 1));
  if (fn.kind === 'free') return fn.name;
  return `${pascalCase(fn.resource)}_${fn.kind === 'constructor' ? 'constructor' : fn.name}`;
}

/** A line comment naming a function; the names in it were validated (kebab case), so fit on one line. */
function comment(text: string): string {
  return `// ${text}\n`;
}

interface CallState {
  top: Code;
  usedRealloc: boolean;
  scope?: string;
  /** Array of lent handles (or [handle, wrapper] pairs) lifted inside loops. */
  ending?: string;
}

export interface GlueOptions {
  /** File name the plan's module `i` is loaded from. */
  moduleFile(i: number): string;
  instantiation: 'async' | 'sync';
  namespacedExports: boolean;
  /** Read imported values on first use (see `importValue`); otherwise once, while instantiating. */
  lazyImports: boolean;
  /**
   * The core modules are JavaScript (`--js`): module `i` is the function `$cores[i]` at module
   * level, called with an import object and returning an export object, and `instantiate`
   * takes only the imports.
   */
  jsCores?: boolean;
  /**
   * The async modes: imports for which `suspends` says so may return a promise and suspend
   * the guest; exports return promises, queued so that one instance never runs two
   * suspended calls at once. Under `jspi` the engine suspends (WebAssembly.Suspending and
   * WebAssembly.promising); under `asyncify` the core instances in `instrumented` were
   * rewritten to unwind and rewind their stack, and the glue drives that.
   */
  async?: AsyncGlue;
}

export type AsyncGlue =
  | { mode: 'jspi'; suspends(l: Lowering): boolean }
  | {
      mode: 'asyncify';
      suspends(l: Lowering): boolean;
      /** Core instances running asyncify-rewritten code -> the memory export they unwind into. */
      instrumented: Map<number, { instance: number; name: string }>;
      /** Bytes each instrumented instance may borrow from its memory while its stack unwinds. */
      unwindBytes(instance: number): number;
    };

/**
 * Writes `instantiate(getCoreModule, imports, instantiateCore)` for a plan: per-instance
 * state, one trampoline per lowering, one wrapper per lift, resource classes, and the
 * instantiation sequence. Module-level helpers are collected in `helpers`.
 */
export class GlueWriter {
  readonly helpers = new Helpers();
  private readonly constants: string[] = [];
  private readonly decls: string[] = [];
  private readonly fns: string[] = [];
  /** Assignments to run right after core instance `i` is created. */
  private readonly afterInstance = new Map<number, string[]>();
  private readonly coreRefs = new Map<string, string>();
  private readonly memories = new Map<string, { mem: string; view: string }>();
  private readonly tables = new Set<number>();
  private readonly resources = new Map<Resource, ResourceJs>();
  /** Generated helper functions by what they do, so each is emitted once. */
  private readonly generated = new Map<string, string>();
  private readonly liftNames = new Map<number, string>();
  private readonly importRefs = new Map<string, string>();
  private readonly usesState = new Set<number>();
  /** Names given so far (see `name`). */
  private readonly taken = new Set<string>();
  private backpressure = false;
  private tasks = false;
  private queue = false;

  constructor(
    private readonly plan: Plan,
    private readonly opts: GlueOptions,
  ) {}

  /**
   * A fresh `$` name saying what it holds: `hint` made an identifier, with `_2`, `_3`, ...
   * added in order of first use when taken. The `$` keeps it from shadowing JS globals.
   */
  private name(hint: string): string {
    const base = `$${hint.replace(/\W+/g, '_')}`;
    let name = base;
    for (let n = 2; this.taken.has(name) || HELPER_NAMES.has(name) || FIXED_NAMES.test(name); n++) name = `${base}_${n}`;
    this.taken.add(name);
    return name;
  }

  /** The function generated for `key`, written by `write(name)` on first use. */
  private once(key: string, hint: string, write: (name: string) => string): string {
    let name = this.generated.get(key);
    if (!name) {
      name = this.name(hint);
      this.generated.set(key, name);
      this.fns.push(write(name));
    }
    return name;
  }

  private readonly constantNames = new Map<string, string>();

  /** A module-level constant for `expr`; identical expressions share one. */
  constant(expr: string): string {
    let name = this.constantNames.get(expr);
    if (!name) {
      name = `$k${this.constants.length}`;
      this.constants.push(`const ${name} = ${expr};`);
      this.constantNames.set(expr, name);
    }
    return name;
  }

  text(s: string): string {
    return this.constant(str(s));
  }

  /** Module-level code: helpers and constants. */
  moduleCode(): string {
    return [this.helpers.render(), ...this.constants].filter(Boolean).join('\n');
  }

  // ---- core items ---------------------------------------------------------

  private after(instance: number, line: string): void {
    let list = this.afterInstance.get(instance);
    if (!list) this.afterInstance.set(instance, (list = []));
    list.push(line);
  }

  /** A JS expression for a core item, valid once the instances it needs exist. */
  private core(def: CoreDef): string {
    switch (def.kind) {
      case 'lowered': {
        const l = this.plan.lowerings[def.index]!;
        const name = this.lowering(l);
        if (!this.suspends(l)) return name;
        if (this.opts.async?.mode === 'asyncify') {
          // While unwinding, the core caller gets a dummy result of its own type.
          const zero = this.loweredResult(l) === 'i64' ? '0n' : '0';
          return this.once(`suspending:${name}`, `${name.slice(1)}_suspending`, (s) => `const ${s} = ${this.helpers.use('$asyImport')}(${name}, ${zero});`);
        }
        return this.once(`suspending:${name}`, `${name.slice(1)}_suspending`, (s) => `const ${s} = new WebAssembly.Suspending(${name});`);
      }
      case 'resource':
        return this.resourceFn(def.op, def.resource, def.instance);
      case 'context': {
        const slot = `$ctx${def.instance}[${def.index}]`;
        return this.once(`ctx:${def.op}:${def.index}:${def.instance}`, `context_${def.op}${def.index}`, (name) =>
          def.op === 'get' ? `function ${name}() { return ${slot}; }` : `function ${name}(v) { ${slot} = v; }`,
        );
      }
      case 'task-return':
        return this.taskReturn(def);
      case 'backpressure': {
        const counter = `$bp[${def.instance}]`;
        this.backpressure = true;
        return this.once(`bp:${def.op}:${def.instance}`, `backpressure_${def.op}`, (name) =>
          def.op === 'inc'
            ? `function ${name}() { if (${counter} === 0xffff) ${this.helpers.use('$trap')}('backpressure counter overflow'); ${counter}++; }`
            : `function ${name}() { if (${counter} === 0) ${this.helpers.use('$trap')}('backpressure counter underflow'); ${counter}--; }`,
        );
      }
      case 'trap': {
        const name = this.name('nyi');
        this.fns.push(`function ${name}() { ${this.helpers.use('$trap')}(${str(def.message)}); }`);
        return name;
      }
      case 'export': {
        const k = `${def.instance}:${def.name}`;
        let name = this.coreRefs.get(k);
        if (!name) {
          name = this.name(`${def.name}${def.instance}`);
          this.coreRefs.set(k, name);
          this.decls.push(`let ${name};`);
          this.after(def.instance, `${name} = ${prop(`$e${def.instance}`, def.name)};`);
        }
        return name;
      }
    }
  }

  private memory(def: CoreDef, fn: string): { mem: string; view: string } {
    if (def.kind !== 'export') throw new WeftError(`${fn}: the memory option must name a core memory export`);
    const k = `${def.instance}:${def.name}`;
    let m = this.memories.get(k);
    if (!m) {
      const mem = this.core(def);
      const view = this.name(`${mem.slice(1)}_view`);
      const b = this.name(`${mem.slice(1)}_buffer`);
      const d = this.name(`${mem.slice(1)}_dataView`);
      // Growing a (non-shared) memory detaches its old buffer, so a view stays valid
      // while its buffer has a length: no need to read the slow `memory.buffer` per access.
      this.decls.push(
        `let ${b} = new ArrayBuffer(0), ${d};`,
        `function ${view}() { if (${b}.byteLength === 0) ${d} = new DataView(${b} = ${mem}.buffer); return ${d}; }`,
      );
      m = { mem: view, view: `${view}()` };
      this.memories.set(k, m);
    }
    return m;
  }

  private table(instance: number): string {
    if (!this.tables.has(instance)) {
      this.tables.add(instance);
      this.decls.push(`const $h${instance} = new ${this.helpers.use('$Table')}();`);
    }
    return `$h${instance}`;
  }

  // ---- resources ----------------------------------------------------------

  private resource(r: Resource): ResourceJs {
    let js = this.resources.get(r);
    if (js) return js;
    // Tags are numbered in order of first use, so identical input gives identical glue.
    const id = this.resources.size + 1;
    if (r.origin === 'guest') {
      js = { id, cls: this.name(pascalCase(r.name)), guest: true, definer: r.instance! };
      this.resources.set(r, js);
      if (r.dtor) js.dtor = this.core(r.dtor as CoreDef);
    } else if (r.origin === 'host') {
      const { importName, path, exportName } = r.host!;
      const mod = this.importInstance(importName, path);
      js = { id, cls: this.importValue(pascalCase(r.name), exportName ? prop(mod, pascalCase(exportName)) : prop(mod, 'default')), guest: false };
      this.resources.set(r, js);
    } else {
      throw new WeftError(`resource type '${r.name}' is abstract: it was never bound to a host or guest resource`);
    }
    return js;
  }

  private resourceFn(op: 'new' | 'drop' | 'rep', r: Resource, instance: number): string {
    const res = this.resource(r);
    const t = this.table(instance);
    const leave = this.leaveCheck(instance);
    return this.once(`${op}:${res.id}:${instance}`, `${pascalCase(r.name)}_${op}`, (name) => {
      if (op === 'new') return `function ${name}(rep) { ${leave}return ${t}.own(${res.id}, rep); }`;
      if (op === 'rep') return `function ${name}(i) { return ${t}.get(i, ${res.id}).rep; }`;
      const dtor = res.guest ? (res.dtor ? `${res.dtor}(h.rep);` : '') : `${this.helpers.use('$hostDrop')}(h.rep);`;
      return `function ${name}(i) { ${leave}const h = ${t}.drop(i, ${res.id});${dtor ? ` if (h.own) ${dtor}` : ''} }`;
    });
  }

  /**
   * The spec's `may_leave`: while an instance runs post-return or realloc, calling out of it
   * (imports, resource.new/drop) traps.
   */
  private leaveCheck(instance: number): string {
    this.usesState.add(instance);
    return `if ($st[${instance}] === ${instanceState('MAY_NOT_LEAVE')}) ${this.helpers.use('$cannotLeave')}(); `;
  }

  /** `realloc` of `instance`, run with the instance unable to leave (see leaveCheck). */
  private reallocFor(def: CoreDef, instance: number): string {
    const realloc = this.core(def);
    this.usesState.add(instance);
    return this.once(
      `realloc:${instance}:${realloc}`,
      `${realloc.slice(1)}_guarded`,
      (name) =>
        `function ${name}(a, b, c, d) { const s = $st[${instance}]; $st[${instance}] = ${instanceState('MAY_NOT_LEAVE')}; try { return ${realloc}(a, b, c, d); } finally { $st[${instance}] = s; } }`,
    );
  }

  // ---- imports ------------------------------------------------------------

  /**
   * A value read from the imports. In ESM output it is read on first use, not while the
   * component instantiates: the host module that implements the imports may itself import
   * this module, and then its exports are still uninitialised (ES modules in a cycle).
   * Returns the expression to use it by.
   */
  private importValue(hint: string, expr: string): string {
    const name = this.name(hint);
    if (!this.opts.lazyImports) {
      this.decls.push(`const ${name} = ${expr};`);
      return name;
    }
    this.decls.push(`let ${name};`);
    return `(${name} ??= ${expr})`;
  }

  /**
   * An object holding imported values (an import, an instance nested in it). With lazy
   * imports it is a function that looks the object up, called by each value's first read,
   * so the object itself is never kept.
   */
  private importObject(key: string, expr: () => string): string {
    let ref = this.importRefs.get(key);
    if (ref) return ref;
    const name = this.name(`imports_${unversioned(key)}`);
    this.decls.push(this.opts.lazyImports ? `const ${name} = () => ${expr()};` : `const ${name} = ${expr()};`);
    ref = this.opts.lazyImports ? `${name}()` : name;
    this.importRefs.set(key, ref);
    return ref;
  }

  /** The import object for a top-level import name. */
  private importModule(importName: string): string {
    return this.importObject(importName, () => `${this.helpers.use('$import')}(imports, ${importNames(importName)}, undefined, 'import')`);
  }

  /** The object of an instance nested at `path` inside an imported instance. */
  private importInstance(importName: string, path: string[] = []): string {
    let obj = this.importModule(importName);
    for (let i = 0; i < path.length; i++) {
      const key = `${importName}#${path.slice(0, i + 1).join('/')}`;
      const outer = obj;
      obj = this.importObject(key, () => `${this.helpers.use('$need')}(${prop(outer, camelCase(path[i]!))}, ${this.text(key)}, 'instance')`);
    }
    return obj;
  }

  /** How to call a host function: returns a function building the call expression from JS args. */
  private hostCall(callee: FuncVal & { kind: 'import' }, fname: string): (args: string[]) => string {
    const { importName, path, exportName } = callee.ref;
    // A function the world imports itself (not through an interface) is the default export
    // of its own import; a world's resource functions (`[constructor]r`, `[static]r.s`)
    // belong to the resource's class, the default export of the import `r`.
    const fn = parseFuncName(exportName ?? importName);
    const need = (what: string, key: string) =>
      this.importValue(
        `host_${key}`,
        exportName === undefined
          ? `${this.helpers.use('$import')}(imports, ${importNames(fn.kind === 'free' ? importName : fn.resource)}, 'default', ${str(what)})`
          : // The function's name constant is shared with the error texts of its trampoline.
            `${this.helpers.use('$need')}(${prop(this.importInstance(importName, path), key)}, ${this.text(fname)}, ${str(what)})`,
      );
    switch (fn.kind) {
      case 'free': {
        const f = need('function', fn.name);
        return (args) => `${f}(${args.join(', ')})`;
      }
      case 'constructor': {
        const cls = need('resource class', pascalCase(fn.resource));
        return (args) => `new ${cls}(${args.join(', ')})`;
      }
      case 'static': {
        const cls = need('resource class', pascalCase(fn.resource));
        return (args) => `${cls}.${fn.name}(${args.join(', ')})`;
      }
      case 'method':
        return (args) => `${args[0]}.${fn.name}(${args.slice(1).join(', ')})`;
    }
  }

  // ---- ABI context --------------------------------------------------------

  /**
   * An ABI context writing into `code`. Contexts made with the same `shared` belong to one
   * generated function: they share its per-call state, declared by `declareCallState`.
   */
  private ctx(code: Code, opts: CanonOpts, instance: number, fn: string, shared: CallState = { top: code, usedRealloc: false }): AbiCtx {
    const self = this;
    return {
      code,
      helper: (n) => this.helpers.use(n),
      constant: (e) => this.constant(e),
      text: (t) => this.text(t),
      where: (w) => {
        const i = w.indexOf(': ');
        return i < 0 ? `${this.text(w)}, ${this.text('value')}` : `${this.text(w.slice(0, i))}, ${this.text(w.slice(i + 2))}`;
      },
      mem() {
        if (!opts.memory) throw new WeftError(`${fn}: canonical options need a memory to pass strings or lists`);
        return self.memory(opts.memory, fn).mem;
      },
      view() {
        if (!opts.memory) throw new WeftError(`${fn}: canonical options need a memory to pass values through memory`);
        return self.memory(opts.memory, fn).view;
      },
      realloc() {
        if (!opts.realloc) throw new WeftError(`${fn}: canonical options need a realloc function to pass strings or lists into the component`);
        shared.usedRealloc = true;
        return self.reallocFor(opts.realloc, instance);
      },
      encoding: opts.encoding,
      instance,
      get table() {
        return self.table(instance);
      },
      resource: (r) => this.resource(r),
      after: [],
      nested: 0,
      ending() {
        shared.ending ??= shared.top.tmp('end');
        return shared.ending;
      },
      borrowScope() {
        shared.scope ??= shared.top.tmp('sc');
        return shared.scope;
      },
    };
  }

  /**
   * A context for a phase in which no guest code runs (lifting results or arguments): the
   * memory cannot grow, so one DataView serves every read. `bindView` ends the phase.
   */
  private liftCtx(code: Code, opts: CanonOpts, instance: number, fn: string, shared: CallState): { ctx: AbiCtx; bindView(): void } {
    const ctx = this.ctx(code, opts, instance, fn, shared);
    const getter = ctx.view.bind(ctx);
    const at = code.lines.length;
    let bound: string | undefined;
    ctx.view = () => (bound ??= code.tmp('dv'));
    return {
      ctx,
      // Ends the phase: later code (which may run guest code) re-reads the view.
      bindView: () => {
        if (bound) code.lines.splice(at, 0, `const ${bound} = ${getter()};`);
        ctx.view = getter;
      },
    };
  }

  /** Per-call state the generators asked for, declared at the top of the function. */
  private declareCallState(code: Code, shared: CallState): void {
    if (shared.ending) code.lines.unshift(`const ${shared.ending} = [];`);
    if (shared.scope) code.lines.unshift(`const ${shared.scope} = { n: 0 };`);
  }

  // ---- lowerings: the guest calls out --------------------------------------

  private readonly loweringNames = new Map<number, string>();

  private lowering(l: Lowering): string {
    let name = this.loweringNames.get(l.index);
    if (name) return name;
    const callee = l.callee.kind === 'lifted' ? this.plan.lifts[l.callee.index]!.name : l.name;
    name = this.name(`lower_${funcHint(callee)}`);
    this.loweringNames.set(l.index, name);
    const doc = comment(`${l.callee.kind === 'import' ? 'import' : 'calls'} ${callee}: ${witFunc(l.type)}`);
    const missing = unsupportedCall(l.type, l.opts.callback);
    if (missing) {
      this.fns.push(`${doc}function ${name}() { ${this.helpers.use('$trap')}(${str(`${l.name}: calls with ${missing} are not supported by weft`)}); }`);
      return name;
    }
    const code = new Code();
    const shared: CallState = { top: code, usedRealloc: false };
    const lifting = this.liftCtx(code, l.opts, l.instance, l.name, shared);
    const ctx = lifting.ctx;
    if (l.callee.kind === 'lifted') ctx.mapsAsPairs = true;
    const sig = flatSignature(l.type);
    // An async lowering takes at most 4 flat parameters, always returns its result through
    // memory, and answers with a status: weft's calls complete at once (RETURNED).
    const async = !!l.opts.async;
    const paramsInMemory = async ? sig.params.length > MAX_FLAT_ASYNC_PARAMS : sig.paramsInMemory;
    const resultInMemory = async ? l.type.result !== undefined : sig.resultInMemory;
    code.line(this.leaveCheck(l.instance).trim());
    const flatParams = paramsInMemory ? ['i32' as Flat] : sig.params;
    const names = flatParams.map((_, i) => `a${i}`);
    const retptr = resultInMemory ? `a${names.length}` : undefined;
    if (retptr) names.push(retptr);

    let args: string[];
    if (paramsInMemory) {
      const types = l.type.params.map((p) => p.type);
      const { offsets, size: sz, align } = recordLayout(types);
      code.line(`const pp = a0 >>> 0;`);
      code.line(`${this.helpers.use('$range')}(${ctx.view()}, pp, ${sz}, ${align}, ${this.text('parameters')});`);
      args = types.map((t, i) => code.let(liftMem(ctx, t, `pp + ${offsets[i]}`), 'p'));
    } else {
      const reader = new FlatReader(
        names.slice(0, sig.params.length).map((n, i) => ({ expr: n, type: sig.params[i]! })),
        ctx,
      );
      args = l.type.params.map((p) => code.let(liftFlat(ctx, p.type, reader), 'p'));
    }
    lifting.bindView();

    const suspend = this.suspends(l);
    const direct = l.callee.kind === 'import' ? this.hostCall(l.callee, l.name)(args) : `${this.liftName(l.callee.index)}(${args.join(', ')})`;
    const call = !suspend
      ? l.callee.kind === 'import'
        ? `${this.helpers.use('$sync')}(${direct}, ${this.text(l.name)})`
        : direct
      : l.callee.kind === 'import'
        ? `(yield ${this.helpers.use('$wait')}(() => ${direct}))`
        : `(yield ${direct})`;
    const result = l.type.result;
    let value: string | undefined;
    // A `result` return: the host's value is the ok payload, a thrown value the err payload.
    let ok: string | undefined;
    if (!result) code.line(`${call};`);
    else if (result.kind === 'result') {
      value = code.tmp('r');
      ok = code.tmp('ok');
      code.line(`let ${ok} = true, ${value};`);
      code.line(`try { ${value} = ${call}; } catch (e) { ${ok} = false; ${value} = ${this.helpers.use('$payload')}(e); }`);
    } else value = code.let(call, 'r');

    let ret = '';
    if (result && value) {
      const where = `${l.name}: return value`;
      if (retptr) {
        code.line(`const rp = ${retptr} >>> 0;`);
        code.line(`${this.helpers.use('$range')}(${ctx.view()}, rp, ${size(result)}, ${alignment(result)}, ${this.text('return area')});`);
        if (ok && result.kind === 'result') lowerResultMem(ctx, result, ok, value, 'rp', where);
        else lowerMem(ctx, result, value, 'rp', where);
      } else if (ok) {
        // A result without payloads is a single flat discriminant.
        ret = `return ${ok} ? 0 : 1;`;
      } else {
        const [flat] = lowerFlat(ctx, result, value, where);
        ret = `return ${flat};`;
      }
    }
    code.lines.push(...ctx.after);
    if (shared.ending) {
      code.line(`for (const x of ${shared.ending}) { if (Array.isArray(x)) { x[0].lend--; x[1][${this.helpers.use('$rep')}] = undefined; } else x.lend--; }`);
    }
    if (ret) code.line(ret);
    if (async) code.line('return 2;');
    this.declareCallState(code, shared);
    if (suspend) {
      this.fns.push(`${doc}function ${name}(${names.join(', ')}) { return ${this.helpers.use('$resume')}(${name}$g(${names.join(', ')})); }`);
      this.fns.push(`function* ${name}$g(${names.join(', ')}) {\n${code}\n}`);
    } else this.fns.push(`${doc}function ${name}(${names.join(', ')}) {\n${code}\n}`);
    return name;
  }

  // ---- lifts: the host (or another component) calls in --------------------

  liftName(index: number): string {
    let name = this.liftNames.get(index);
    if (name) return name;
    const l = this.plan.lifts[index]!;
    name = this.name(funcHint(l.name));
    this.liftNames.set(index, name);
    this.emitLift(l, name);
    return name;
  }

  private emitLift(l: Lift, name: string): void {
    // Linking names a lift that no export names `lifted function <index>`.
    const doc = comment(`${l.name === `lifted function ${l.index}` ? '' : 'export '}${l.name}: ${witFunc(l.type)}`);
    const missing = unsupportedCall(l.type, l.opts.callback);
    if (missing) {
      this.fns.push(`${doc}function ${name}() { ${this.helpers.use('$trap')}(${str(`${l.name}: calls with ${missing} are not supported by weft`)}); }`);
      return;
    }
    const code = new Code();
    const shared: CallState = { top: code, usedRealloc: false };
    const sig = flatSignature(l.type);
    const params = l.type.params.map((_, i) => `a${i}`);
    const k = l.instance;
    this.usesState.add(k);
    code.line(`if ($st[${k}] !== ${instanceState('IDLE')}) ${this.helpers.use('$enterErr')}($st[${k}]);`);
    // Each call is a new task: its context slots start at zero.
    const slots = this.plan.contextSlots.get(k);
    if (slots) code.line(`$ctx${k}.fill(0);`);

    // Lowering the arguments checks JS values; a bad one must not poison the instance.
    const lowering = new Code('l');
    const lctx = this.ctx(lowering, l.opts, k, l.name, shared);
    let flatArgs: string[];
    if (sig.paramsInMemory) {
      const types = l.type.params.map((p) => p.type);
      const { offsets, size: sz, align } = recordLayout(types);
      const pp = lowering.let(`${lctx.realloc()}(0, 0, ${align}, ${sz}) >>> 0`, 'pp');
      lowering.line(`${this.helpers.use('$range')}(${lctx.view()}, ${pp}, ${sz}, ${align}, ${this.text('parameters')});`);
      types.forEach((t, i) => lowerMem(lctx, t, params[i]!, `${pp} + ${offsets[i]}`, `${l.name}: parameter ${l.type.params[i]!.name}`));
      flatArgs = [pp];
    } else {
      flatArgs = l.type.params.flatMap((p, i) => lowerFlat(lctx, p.type, params[i]!, `${l.name}: parameter ${p.name}`));
    }
    // realloc runs guest code, so with it the instance is entered before arguments are lowered;
    // `ok` tells a bad argument (no harm done) from a trap (the instance is poisoned).
    const guarded = shared.usedRealloc;
    if (!guarded) code.lines.push(...lowering.lines);
    code.line(`$st[${k}] = ${instanceState('RUNNING')};`);

    const body = new Code('w');
    const coreFn = this.core(l.core);
    const result = l.type.result;
    const call =
      this.opts.async?.mode === 'jspi'
        ? `await ${this.promising(l.core, coreFn)}(${flatArgs.join(', ')})`
        : this.instrumented(l.core)
          ? `await ${this.helpers.use('$asyRun')}($a${(l.core as { instance: number }).instance}, ${coreFn}, [${flatArgs.join(', ')}])`
          : `${coreFn}(${flatArgs.join(', ')})`;
    const async = !!l.opts.async;
    const ret = result && !async ? body.let(call, 'ret') : undefined;
    if (async) {
      // The core function hands its result to task.return before it returns.
      this.tasks = true;
      body.line(`$task[${k}] = { done: false, value: undefined };`);
      body.line(`${call};`);
      body.line(`if (!$task[${k}].done) ${this.helpers.use('$trap')}('an async call returned without calling task.return');`);
      if (result) body.line(`rv = $task[${k}].value;`);
      body.line(`$task[${k}] = undefined;`);
    } else if (!ret) body.line(`${call};`);
    const lifting = this.liftCtx(body, l.opts, k, l.name, shared);
    const bctx = lifting.ctx;
    // Declared outside the try so the lifted result outlives it.
    const value = result ? 'rv' : undefined;
    if (result && ret) {
      if (sig.resultInMemory) {
        const rp = body.let(`${ret} >>> 0`, 'rp');
        body.line(`${this.helpers.use('$range')}(${bctx.view()}, ${rp}, ${size(result)}, ${alignment(result)}, ${this.text('return area')});`);
        body.line(`rv = ${liftMem(bctx, result, rp)};`);
      } else {
        body.line(`rv = ${liftFlat(bctx, result, new FlatReader([{ expr: ret, type: flatten(result)[0]! }], bctx))};`);
      }
    }
    lifting.bindView();
    if (shared.scope) body.line(`if (${shared.scope}.n !== 0) ${this.helpers.use('$trap')}('borrowed handles were not dropped before the call returned');`);
    if (l.opts.postReturn) {
      body.line(`$st[${k}] = ${instanceState('MAY_NOT_LEAVE')};`);
      body.line(`${this.core(l.opts.postReturn)}(${ret ?? ''});`);
    }
    if (value) code.line(`let ${value};`);
    if (guarded) code.line('let ok = 0;');
    code.line('try {');
    if (guarded) code.lines.push(...lowering.lines.map((s) => '  ' + s), '  ok = 1;');
    code.lines.push(...body.lines.map((s) => '  ' + s));
    code.line(`} catch (e) { $st[${k}] = ${guarded ? `ok ? ${instanceState('POISONED')} : ${instanceState('IDLE')}` : instanceState('POISONED')}; throw e; }`);
    code.line(`$st[${k}] = ${instanceState('IDLE')};`);
    if (result && value) {
      if (result.kind === 'result') {
        code.line(`if (${value}.tag === 'err') throw new ${this.helpers.use('ComponentError')}(${value}.val);`);
        code.line(`return ${value}.val;`);
      } else code.line(`return ${value};`);
    }
    this.declareCallState(code, shared);
    this.fns.push(`${doc}${this.opts.async ? 'async ' : ''}function ${name}(${params.join(', ')}) {\n${code}\n}`);
  }

  private suspends(l: Lowering): boolean {
    return !!this.opts.async?.suspends(l);
  }

  /** asyncify: does this core function run rewritten code that may unwind? */
  private instrumented(def: CoreDef): boolean {
    const a = this.opts.async;
    return a?.mode === 'asyncify' && def.kind === 'export' && a.instrumented.has(def.instance);
  }

  /** The flat result type of a lowering's core signature, if it has one. */
  private loweredResult(l: Lowering): Flat | undefined {
    if (l.opts.async) return 'i32';
    const sig = flatSignature(l.type);
    return sig.resultInMemory || !l.type.result ? undefined : sig.results[0];
  }

  /** JSPI: a core export wrapped with WebAssembly.promising (other core functions are called as they are). */
  private promising(def: CoreDef, fn: string): string {
    if (def.kind !== 'export') return fn;
    const key = `promising:${fn}`;
    let name = this.generated.get(key);
    if (!name) {
      name = this.name(`${fn.slice(1)}_promising`);
      this.generated.set(key, name);
      this.decls.push(`let ${name};`);
      this.after(def.instance, `${name} = WebAssembly.promising(${fn});`);
    }
    return name;
  }

  // ---- resource classes ---------------------------------------------------

  /** Generates wrapper classes for guest resources, with the members the exports give them. */
  private emitClasses(): string[] {
    const members = new Map<Resource, string[]>();
    const visit = (m: Map<string, ExportItem>) => {
      const byName = new Map<string, Resource>();
      for (const [n, e] of m) if (e.kind === 'resource') byName.set(n, e.resource);
      for (const [n, e] of m) {
        if (e.kind === 'instance') visit(e.exports);
        if (e.kind !== 'func') continue;
        const fn = parseFuncName(n);
        if (fn.kind === 'free') continue;
        const r = byName.get(fn.resource);
        if (!r || r.origin !== 'guest') continue;
        const list = members.get(r) ?? [];
        members.set(r, list);
        const call = this.funcRef(e.func);
        const ps = e.func.type.params.map((_, i) => `a${i}`);
        if (fn.kind === 'constructor') list.unshift(`constructor(${ps.join(', ')}) { return ${call}(${ps.join(', ')}); }`);
        else if (fn.kind === 'static') list.push(`static ${fn.name}(${ps.join(', ')}) { return ${call}(${ps.join(', ')}); }`);
        else list.push(`${fn.name}(${ps.slice(1).join(', ')}) { return ${call}(this${ps.length > 1 ? ', ' : ''}${ps.slice(1).join(', ')}); }`);
      }
    };
    visit(this.plan.exports);
    const out: string[] = [];
    for (const [r, js] of this.resources) {
      if (!js.guest) continue;
      const body = members.get(r) ?? [];
      if (!body.some((b) => b.startsWith('constructor('))) {
        body.unshift(`constructor() { throw new TypeError(${str(`${pascalCase(r.name)} has no constructor`)}); }`);
      }
      body.push(`[${this.helpers.use('$dispose')}]() { ${this.helpers.use('$disposeGuest')}(this${js.dtor ? `, ${js.dtor}` : ''}); }`);
      out.push(`const ${js.cls} = class ${pascalCase(r.name).replace(/[^\w$]/g, '_')} {\n${body.map((b) => '  ' + b).join('\n')}\n};`);
    }
    return out;
  }

  /** A function the host calls. Under JSPI its calls queue, so suspended calls never overlap. */
  private funcRef(f: FuncVal): string {
    if (f.kind === 'lifted' && this.opts.async) {
      const lift = this.liftName(f.index);
      this.queue = true;
      return this.once(`queued:${lift}`, `${lift.slice(1)}_queued`, (q) => `const ${q} = $queued(${lift});`);
    }
    if (f.kind === 'lifted') return this.liftName(f.index);
    const call = this.hostCall(f, refName(f.ref));
    const ps = f.type.params.map((_, i) => `a${i}`);
    const name = this.name(`reexport_${funcHint(refName(f.ref))}`);
    this.fns.push(`function ${name}(${ps.join(', ')}) { return ${call(ps)}; }`);
    return name;
  }

  // ---- exports ------------------------------------------------------------

  /** The export object literal; nested instances are bound to constants so aliases share them. */
  private exportsObject(m: Map<string, ExportItem>, top: boolean): string {
    const entries: string[] = [];
    for (const [n, e] of m) {
      if (e.kind === 'func') {
        const fn = parseFuncName(n);
        if (fn.kind === 'free') entries.push(`${key(top ? exportShortName(n) : fn.name)}: ${this.funcRef(e.func)}`);
      } else if (e.kind === 'resource') {
        // An interface that uses an imported resource re-exports its type; the class is the host's own, so (as in jco) it is not handed back.
        if (e.resource.origin === 'guest') entries.push(`${key(pascalCase(n))}: ${this.resource(e.resource).cls}`);
      } else if (e.kind === 'module') {
        entries.push(`${key(exportShortName(n))}: ${this.moduleRef(e.module)}`);
      } else {
        const obj = this.name(`exports_${exportShortName(n)}`);
        this.exportDecls.push(`const ${obj} = ${this.exportsObject(e.exports, false)};`);
        entries.push(`${key(top ? exportShortName(n) : parseFuncName(n).kind === 'free' ? exportShortName(n) : n)}: ${obj}`);
        if (top && this.opts.namespacedExports && n !== exportShortName(n)) entries.push(`${str(n)}: ${obj}`);
      }
    }
    return `{ ${entries.join(', ')} }`;
  }

  private readonly exportDecls: string[] = [];

  // ---- the whole function -------------------------------------------------

  private coreInstanceArg(v: CoreInstanceVal): string {
    const a = this.opts.async;
    const linked = (i: number) => a?.mode === 'asyncify' && a.instrumented.has(i);
    // Under asyncify, a call into another instance's rewritten code crosses JS, which
    // carries an unwind out to the caller and a rewind back in.
    if (v.kind === 'runtime') return linked(v.index) ? `${this.helpers.use('$asyLinkAll')}($a${v.index}, $e${v.index})` : `$e${v.index}`;
    return `{ ${[...v.exports]
      .map(([n, d]) => {
        if (d.kind !== 'export') return `${key(n)}: ${this.core(d)}`;
        const x = prop(`$e${d.instance}`, d.name);
        return `${key(n)}: ${linked(d.instance) ? `${this.helpers.use('$asyLink')}($a${d.instance}, ${x})` : x}`;
      })
      .join(', ')} }`;
  }

  /** `task.return`: lifts the async call's result from its flat arguments and records it. */
  private taskReturn(def: CoreDef & { kind: 'task-return' }): string {
    const name = this.name('task_return');
    const k = def.instance;
    this.tasks = true;
    const code = new Code();
    const shared: CallState = { top: code, usedRealloc: false };
    const lifting = this.liftCtx(code, def.opts, k, 'task.return', shared);
    const flat = def.result ? flatten(def.result) : [];
    const inMemory = flat.length > MAX_FLAT_PARAMS;
    const names = (inMemory ? ['i32' as Flat] : flat).map((_, i) => `a${i}`);
    code.line(this.leaveCheck(k).trim());
    code.line(`const t = $task[${k}];`);
    code.line(`if (!t || t.done) ${this.helpers.use('$trap')}('task.return called outside an async call or twice');`);
    if (def.result) {
      const value = inMemory
        ? (code.line(
            `${this.helpers.use('$range')}(${lifting.ctx.view()}, a0 >>> 0, ${size(def.result)}, ${alignment(def.result)}, ${this.text('parameters')});`,
          ),
          liftMem(lifting.ctx, def.result, 'a0 >>> 0'))
        : liftFlat(
            lifting.ctx,
            def.result,
            new FlatReader(
              names.map((n, i) => ({ expr: n, type: flat[i]! })),
              lifting.ctx,
            ),
          );
      code.line(`t.value = ${value};`);
    }
    lifting.bindView();
    code.lines.push(...lifting.ctx.after);
    code.line('t.done = true;');
    this.declareCallState(code, shared);
    this.fns.push(`function ${name}(${names.join(', ')}) {\n${code}\n}`);
    return name;
  }

  /** The compiled module: from getCoreModule, or a WebAssembly.Module the host supplies. */
  private moduleRef(m: ModuleRef): string {
    if (this.opts.jsCores) {
      throw new WeftError(
        m.kind === 'static'
          ? `js: the component exports core module ${m.index}, which has no JavaScript form a host could instantiate`
          : `js: core module import '${m.importName}' would be a WebAssembly.Module supplied at run time, which needs WebAssembly`,
      );
    }
    if (m.kind === 'static') return `$mods[${m.index}]`;
    const k = `module:${m.importName}`;
    let name = this.importRefs.get(k);
    if (!name) {
      name = this.name(`module_${m.importName}`);
      this.importRefs.set(k, name);
      this.decls.push(`const ${name} = ${this.helpers.use('$import')}(imports, ${importNames(m.importName)}, undefined, 'core module');`);
      this.decls.push(`if (!(${name} instanceof WebAssembly.Module)) throw new TypeError(${str(`import ${m.importName}: expected a WebAssembly.Module`)});`);
    }
    return name;
  }

  /** The body of `instantiate`: returns the export object. */
  instantiateFunction(): string {
    const sync = this.opts.instantiation === 'sync';
    const steps: string[] = [];
    const modules = this.plan.modules.map((_, i) => this.opts.moduleFile(i));
    const js = this.opts.jsCores;
    if (modules.length && !js) {
      steps.push(
        sync
          ? `const $mods = ${JSON.stringify(modules)}.map(getCoreModule);`
          : `const $mods = await Promise.all(${JSON.stringify(modules)}.map(getCoreModule));`,
      );
    }
    for (const step of this.plan.steps) {
      const args = step.args.map((a) => `${key(a.name)}: ${this.coreInstanceArg(a.instance)}`).join(', ');
      if (js && step.module.kind === 'static') {
        steps.push(`const $e${step.instance} = $cores[${step.module.index}]({ ${args} });`);
      } else {
        const inst = `instantiateCore(${this.moduleRef(step.module)}, { ${args} })`;
        steps.push(`const $e${step.instance} = (${sync ? inst : `await ${inst}`}).exports;`);
      }
      const a = this.opts.async;
      if (a?.mode === 'asyncify' && a.instrumented.has(step.instance)) {
        const mem = a.instrumented.get(step.instance)!;
        steps.push(
          `const $a${step.instance} = ${this.helpers.use('$asyInit')}($e${step.instance}, ${prop(`$e${mem.instance}`, mem.name)}, ${a.unwindBytes(step.instance)});`,
        );
      }
      for (const l of this.afterInstance.get(step.instance) ?? []) steps.push(l);
      this.afterInstance.delete(step.instance);
    }
    const exportsExpr = this.exportsObject(this.plan.exports, true);
    const classes = this.emitClasses();
    // Assignments requested while emitting exports refer to earlier instances only.
    for (const [inst, lines] of this.afterInstance) {
      const i = steps.findIndex((s) => s.startsWith(`const $e${inst} =`));
      steps.splice(i + 1, 0, ...lines);
    }
    const state = this.usesState.size ? [`const $st = new Uint8Array(${this.plan.componentInstances});`] : [];
    for (const [k, n] of this.plan.contextSlots) state.push(`const $ctx${k} = new Int32Array(${n});`);
    if (this.backpressure) state.push(`const $bp = new Uint16Array(${this.plan.componentInstances});`);
    if (this.tasks) state.push(`const $task = new Array(${this.plan.componentInstances});`);
    if (this.opts.async?.mode === 'jspi') {
      state.unshift(
        `if (typeof WebAssembly.Suspending !== 'function' || typeof WebAssembly.promising !== 'function') throw new Error('this component was transpiled with asyncMode \\'jspi\\', which needs WebAssembly.Suspending and WebAssembly.promising (JavaScript Promise Integration)');`,
      );
    }
    if (this.queue) {
      state.push('let $tail = Promise.resolve();');
      state.push('const $queued = (f) => (...a) => { const p = $tail.then(() => f(...a)); $tail = p.then(() => {}, () => {}); return p; };');
    }
    const body = [...state, ...this.decls, ...classes, ...this.fns, ...steps, ...this.exportDecls, `return ${exportsExpr};`];
    const sig = js
      ? `${sync ? '' : 'async '}function instantiate(imports)`
      : sync
        ? 'function instantiate(getCoreModule, imports, instantiateCore = (m, i) => new WebAssembly.Instance(m, i))'
        : 'async function instantiate(getCoreModule, imports, instantiateCore = WebAssembly.instantiate)';
    return `${sig} {\n  ${body.join('\n').replaceAll('\n', '\n  ')}\n}`;
  }
}
