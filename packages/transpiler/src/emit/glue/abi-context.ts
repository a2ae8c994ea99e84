import type { AbiCtx } from '../../abi/context.js';
import { WeftError } from '../../error.js';
import type { Code } from '../../js/code.js';
import type { CanonOpts } from '../../link/plan.js';
import { memory, table } from './core-items.js';
import { guardedRealloc } from './instance-state.js';
import { asyncTypeConstant } from './p3.js';
import { resource } from './resources.js';
import type { GlueState } from './state.js';

/** Per-call state of one generated function, shared by the ABI contexts writing it. */
export interface CallState {
  top: Code;
  usedRealloc: boolean;
  scope?: string;
  /** Array of lent handles (or [handle, wrapper] pairs) lifted inside loops. */
  ending?: string;
}

export function callState(top: Code): CallState {
  return { top, usedRealloc: false };
}

/**
 * An ABI context writing into `code`. Contexts made with the same `shared` belong to one
 * generated function: they share its per-call state, declared by `declareCallState`.
 */
export function abiCtx(g: GlueState, code: Code, opts: CanonOpts, instance: number, fn: string, shared: CallState): AbiCtx {
  return {
    code,
    helper: (n) => g.helpers.use(n),
    constant: (e) => g.constant(e),
    text: (t) => g.text(t),
    where: (w) => {
      const i = w.indexOf(': ');
      return i < 0 ? `${g.text(w)}, ${g.text('value')}` : `${g.text(w.slice(0, i))}, ${g.text(w.slice(i + 2))}`;
    },
    mem() {
      if (!opts.memory) throw new WeftError(`${fn}: canonical options need a memory to pass strings or lists`);
      return memory(g, opts.memory, fn).mem;
    },
    view() {
      if (!opts.memory) throw new WeftError(`${fn}: canonical options need a memory to pass values through memory`);
      return memory(g, opts.memory, fn).view;
    },
    realloc() {
      if (!opts.realloc) throw new WeftError(`${fn}: canonical options need a realloc function to pass strings or lists into the component`);
      shared.usedRealloc = true;
      return guardedRealloc(g, opts.realloc, instance);
    },
    encoding: opts.encoding,
    instance,
    get table() {
      return table(g, instance);
    },
    resource: (r) => resource(g, r),
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
    asyncType: (t) => asyncTypeConstant(g, t),
  };
}

/**
 * A context for a phase in which no guest code runs (lifting results or arguments): the
 * memory cannot grow, so one DataView serves every read. `bindView` ends the phase.
 */
export function liftCtx(g: GlueState, code: Code, opts: CanonOpts, instance: number, fn: string, shared: CallState): { ctx: AbiCtx; bindView(): void } {
  const ctx = abiCtx(g, code, opts, instance, fn, shared);
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
export function declareCallState(code: Code, shared: CallState): void {
  if (shared.ending) code.lines.unshift(`const ${shared.ending} = [];`);
  if (shared.scope) code.lines.unshift(`const ${shared.scope} = { n: 0 };`);
}
