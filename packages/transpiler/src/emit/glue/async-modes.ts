import type { Flat } from '../../types/layout.js';
import { flatSignature } from '../../types/layout.js';
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
