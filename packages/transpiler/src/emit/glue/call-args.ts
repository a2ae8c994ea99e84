import type { AbiCtx } from '../../abi/context.js';
import { FlatReader, liftFlat, liftMem } from '../../abi/lift.js';
import { lowerFlat, lowerMem } from '../../abi/lower.js';
import type { Code } from '../../js/code.js';
import type { Flat } from '../../types/layout.js';
import { recordLayout } from '../../types/layout.js';
import type { FuncType } from '../../types/model.js';
import type { GlueState } from './state.js';

/**
 * The arguments a lowering's core caller passes, lifted to JS values: from the flat values
 * `flat` (names and core types), or from the record in memory the first one points at.
 */
export function liftArgs(g: GlueState, code: Code, ctx: AbiCtx, f: FuncType, inMemory: boolean, flat: { expr: string; type: Flat }[]): string[] {
  if (!inMemory) {
    const reader = new FlatReader(flat, ctx);
    return f.params.map((p) => code.let(liftFlat(ctx, p.type, reader), 'p'));
  }
  const types = f.params.map((p) => p.type);
  const { offsets, size, align } = recordLayout(types);
  code.line(`const pp = ${flat[0]!.expr} >>> 0;`);
  code.line(`${g.helpers.use('$range')}(${ctx.view()}, pp, ${size}, ${align}, ${g.text('parameters')});`);
  return types.map((t, i) => code.let(liftMem(ctx, t, `pp + ${offsets[i]}`), 'p'));
}

/**
 * JS arguments `params` lowered for a lift's core function (`fn` names it in errors): flat
 * values, or one pointer to a record the guest's realloc made room for.
 */
export function lowerArgs(g: GlueState, code: Code, ctx: AbiCtx, f: FuncType, inMemory: boolean, params: string[], fn: string): string[] {
  if (!inMemory) return f.params.flatMap((p, i) => lowerFlat(ctx, p.type, params[i]!, `${fn}: parameter ${p.name}`));
  const types = f.params.map((p) => p.type);
  const { offsets, size, align } = recordLayout(types);
  const pp = code.let(`${ctx.realloc()}(0, 0, ${align}, ${size}) >>> 0`, 'pp');
  code.line(`${g.helpers.use('$range')}(${ctx.view()}, ${pp}, ${size}, ${align}, ${g.text('parameters')});`);
  types.forEach((t, i) => lowerMem(ctx, t, params[i]!, `${pp} + ${offsets[i]}`, `${fn}: parameter ${f.params[i]!.name}`));
  return [pp];
}
