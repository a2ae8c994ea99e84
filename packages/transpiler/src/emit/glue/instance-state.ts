import { instanceState } from '../../js/helpers.js';
import type { CoreDef } from '../../link/plan.js';
import { core } from './core-items.js';
import { type GlueState, hintFrom } from './state.js';

/**
 * The spec's `may_leave`: while an instance runs post-return or realloc, calling out of it
 * (imports, resource.new/drop) traps.
 */
export function leaveCheck(g: GlueState, instance: number): string {
  g.usesState.add(instance);
  return `if ($st[${instance}] === ${instanceState('MAY_NOT_LEAVE')}) ${g.helpers.use('$cannotLeave')}();`;
}

/** `realloc` of `instance`, run with the instance unable to leave (see leaveCheck). */
export function guardedRealloc(g: GlueState, def: CoreDef, instance: number): string {
  const realloc = core(g, def);
  g.usesState.add(instance);
  return g.once(
    `realloc:${instance}:${realloc}`,
    hintFrom(realloc, 'guarded'),
    (name) =>
      `function ${name}(a, b, c, d) { const s = $st[${instance}]; $st[${instance}] = ${instanceState('MAY_NOT_LEAVE')}; try { return ${realloc}(a, b, c, d); } finally { $st[${instance}] = s; } }`,
  );
}
