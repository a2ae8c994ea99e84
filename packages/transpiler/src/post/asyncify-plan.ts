import type { CoreModuleInfo } from '../decode/ast.js';
import { WeftError } from '../error.js';
import type { Builtin, CoreDef, CoreInstanceVal, Lowering, Plan, Step } from '../link/plan.js';
import { ASYNCIFY_MEMORY_EXPORT } from './asyncify-pass.js';

/**
 * Which core code asyncify must rewrite. A core instance "may suspend" when calling one of
 * its exports can reach a suspending import: it imports such an import, or an export of an
 * instance that may suspend, or it writes functions that may suspend into a table another
 * instance calls through (the indirection wit-component uses for imports that need the
 * guest's own realloc).
 */
export interface AsyncifyPlan {
  /**
   * Static module index -> its imports that may unwind (binaryen's `asyncify-imports`), and
   * whether its memory must be exported for the glue to reach it.
   */
  modules: Map<number, { imports: { module: string; name: string }[]; exportMemory: boolean; addMemory: boolean }>;
  /** Core instances running instrumented code -> the memory they unwind into. */
  instrumented: Map<number, { instance: number; name: string }>;
  /**
   * Core instances that may suspend but own no memory to unwind into. They must only
   * forward calls (re-running them while rewinding does nothing twice); the pass checks.
   */
  forwarders: Set<number>;
}

/** Each core instance's imports with what they are bound to. */
function boundImports(plan: Plan): (step: Step) => (CoreModuleInfo['imports'][number] & { def: CoreDef | undefined })[] {
  const infos = plan.modules.map((m) => m.info);
  const resolve = (arg: CoreInstanceVal, name: string): CoreDef | undefined =>
    arg.kind === 'runtime' ? { kind: 'export', instance: arg.index, name } : arg.exports.get(name);
  const bound = new Map(
    plan.steps.map((step) => {
      const info = moduleInfo(step, infos);
      return [
        step.instance,
        (info?.imports ?? []).map((im) => {
          const arg = step.args.find((a) => a.name === im.module);
          return { ...im, def: arg && resolve(arg.instance, im.name) };
        }),
      ];
    }),
  );
  return (step) => bound.get(step.instance)!;
}

/**
 * The core instances whose exports, once called, may reach a waiting import: they import
 * one, or an export of an instance that may, or write functions into a table another such
 * instance calls through. asyncify rewrites them; under JSPI their calls get a stack of
 * their own.
 */
export function mayWait(plan: Plan, suspends: (l: Lowering) => boolean, blocks: (b: Builtin) => boolean = () => false): Set<number> {
  return reach(plan, boundImports(plan), suspends, blocks).may;
}

/** mayWait's fixpoint, and whether an import bound to def waits: by itself, or by calling into such an instance. */
function reach(plan: Plan, importsOf: ReturnType<typeof boundImports>, suspends: (l: Lowering) => boolean, blocks: (b: Builtin) => boolean) {
  const may = new Set<number>();
  const calls = (def: CoreDef | undefined): boolean =>
    def?.kind === 'lowered'
      ? suspends(plan.lowerings[def.index]!)
      : def?.kind === 'builtin'
        ? blocks(def.builtin)
        : def?.kind === 'export' && may.has(def.instance);
  for (let changed = true; changed; ) {
    changed = false;
    for (const step of plan.steps) {
      const imports = importsOf(step);
      if (!may.has(step.instance) && imports.some((im) => im.kind === 'func' && calls(im.def))) {
        may.add(step.instance);
        changed = true;
      }
      if (!may.has(step.instance)) continue;
      for (const im of imports) {
        if (im.kind === 'table' && im.def?.kind === 'export' && !may.has(im.def.instance)) {
          may.add(im.def.instance);
          changed = true;
        }
      }
    }
  }
  return { may, calls };
}

/**
 * `suspends`: the lowerings whose calls may unwind; `blocks`: the Preview 3 built-ins that
 * may (their synchronous waits suspend the calling thread's stack).
 */
export function planAsyncify(plan: Plan, suspends: (l: Lowering) => boolean, blocks: (b: Builtin) => boolean = () => false): AsyncifyPlan {
  const infos = plan.modules.map((m) => m.info);
  const steps = new Map<number, Step>(plan.steps.map((s) => [s.instance, s]));
  const importsOf = boundImports(plan);
  const { may, calls } = reach(plan, importsOf, suspends, blocks);
  const out: AsyncifyPlan = { modules: new Map(), instrumented: new Map(), forwarders: new Set() };
  for (const i of may) {
    const step = steps.get(i)!;
    if (step.module.kind === 'import') {
      throw new WeftError(
        `asyncMode 'asyncify': core module import '${step.module.importName}' can reach an import that suspends, and a module supplied at run time cannot be rewritten`,
      );
    }
    const info = infos[step.module.index]!;
    // Memory 0 is the first imported memory, else the first defined one.
    const imported = importsOf(step).find((im) => im.kind === 'memory');
    const exported = info.exports.find((e) => e.kind === 'memory');
    // A Preview 3 thread re-runs its core code while rewinding, forwarder or not: a module
    // without memory gets one of its own to unwind into.
    const memoryless = !imported && !info.memories;
    if (memoryless && !plan.async) {
      out.forwarders.add(i);
      continue;
    }
    const memory = imported
      ? imported.def?.kind === 'export'
        ? { instance: imported.def.instance, name: imported.def.name }
        : undefined
      : { instance: i, name: exported?.name ?? ASYNCIFY_MEMORY_EXPORT };
    if (!memory) throw new WeftError(`asyncMode 'asyncify': the memory of core instance ${i} is not another instance's export`);
    out.instrumented.set(i, memory);
    const entry = out.modules.get(step.module.index) ?? { imports: [], exportMemory: false, addMemory: memoryless };
    out.modules.set(step.module.index, entry);
    if (!imported && !exported) entry.exportMemory = true;
    const list = entry.imports;
    for (const im of importsOf(step)) {
      if (im.kind === 'func' && calls(im.def) && !list.some((x) => x.module === im.module && x.name === im.name)) {
        list.push({ module: im.module, name: im.name });
      }
    }
  }
  return out;
}

function moduleInfo(step: Step, infos: CoreModuleInfo[]): CoreModuleInfo | undefined {
  return step.module.kind === 'static' ? infos[step.module.index] : undefined;
}
