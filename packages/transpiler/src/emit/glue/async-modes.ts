import type { Flat } from '../../types/layout.js';
import { flatSignature } from '../../types/layout.js';
import type { CoreFuncSig, CoreValType } from '../../decode/ast.js';
import { WeftError } from '../../error.js';
import type { CoreDef, Lowering } from '../../link/plan.js';
import { getOrCreate, type GlueState, hintFrom } from './state.js';

/** Under an async mode, may this lowering's callee return a promise? */
export function suspends(g: GlueState, l: Lowering): boolean {
  return !!g.opts.async?.suspends(l);
}

/** asyncify: the core instance whose rewritten code this core function runs, if it may unwind. */
export function unwindingInstance(g: GlueState, def: CoreDef): number | undefined {
  const a = g.opts.async;
  return a?.mode === 'asyncify' && def.kind === 'export' && a.instrumented.has(def.instance) ? def.instance : undefined;
}

/**
 * JSPI, Preview 3: the signature key of a core function that runs on a thread's own stack,
 * because its instance may wait; undefined when it never does.
 */
export function ownStack(g: GlueState, def: CoreDef): string | undefined {
  const a = g.opts.async;
  if (a?.mode !== 'jspi' || !a.stackful || def.kind !== 'export' || !a.stackful.instances.has(def.instance)) return undefined;
  const step = g.plan.steps.find((st) => st.instance === def.instance)!;
  if (step.module.kind !== 'static') {
    throw new WeftError(
      `asyncMode 'jspi': core module import '${step.module.importName}' may wait, and the types of its functions are not known before run time`,
    );
  }
  const type = g.plan.modules[step.module.index]!.info.exports.find((e) => e.name === def.name)?.type;
  if (!type) throw new WeftError(`asyncMode 'jspi': core instance ${def.instance} exports no function '${def.name}'`);
  return signatureKey(type);
}

/** A core function type as the JSPI runtime builds its small modules from it: 'ii:i' for (i32, i32) -> i32. */
export function signatureKey(type: CoreFuncSig): string {
  const letter = (t: CoreValType) => {
    const c = CORE_LETTERS[t as keyof typeof CORE_LETTERS];
    if (!c) throw new WeftError(`asyncMode 'jspi': a Preview 3 thread's stack cannot carry a ${t} through a core call`);
    return c;
  };
  if (type.results.length > 1) throw new WeftError(`asyncMode 'jspi': a Preview 3 thread's stack cannot carry a core call with ${type.results.length} results`);
  return `${type.params.map(letter).join('')}:${type.results.map(letter).join('')}`;
}
const CORE_LETTERS = { i32: 'i', i64: 'I', f32: 'f', f64: 'F' };

/** The flat result type of a lowering's core signature, if it has one. */
export function loweredResult(l: Lowering): Flat | undefined {
  if (l.opts.async) return 'i32';
  const sig = flatSignature(l.type);
  return sig.resultInMemory || !l.type.result ? undefined : sig.results[0];
}

/** JSPI: a core export wrapped with WebAssembly.promising (other core functions are called as they are). */
export function promising(g: GlueState, def: CoreDef, fn: string): string {
  if (def.kind !== 'export') return fn;
  return getOrCreate(g.generated, `promising:${fn}`, () => {
    const name = g.name(hintFrom(fn, 'promising'));
    g.decls.push(`let ${name};`);
    g.after(def.instance, `${name} = WebAssembly.promising(${fn});`);
    return name;
  });
}
