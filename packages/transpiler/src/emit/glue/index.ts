import type { Helpers } from '../../js/helpers.js';
import type { Plan } from '../../link/plan.js';
import { instantiateFunction } from './instantiate.js';
import type { GlueOptions } from './options.js';
import { GlueState } from './state.js';

export type { AsyncGlue, GlueOptions } from './options.js';

/**
 * Writes `instantiate(getCoreModule, imports, instantiateCore)` for a plan: per-instance
 * state, one trampoline per lowering, one wrapper per lift, resource classes, and the
 * instantiation sequence. Module-level helpers are collected in `helpers`. The files beside
 * this one write those parts; they share one `GlueState`, so each thing is written once.
 */
export class GlueWriter {
  private readonly state: GlueState;

  constructor(plan: Plan, opts: GlueOptions) {
    this.state = new GlueState(plan, opts);
  }

  get helpers(): Helpers {
    return this.state.helpers;
  }

  /** Module-level code: helpers and constants. */
  moduleCode(): string {
    const constants = [...this.state.constants].map(([expr, name]) => `const ${name} = ${expr};`);
    return [this.state.helpers.render(), ...constants].filter(Boolean).join('\n');
  }

  /** The body of `instantiate`: returns the export object. */
  instantiateFunction(): string {
    return instantiateFunction(this.state);
  }
}
