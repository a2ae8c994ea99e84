import { key, prop } from '../../js/names.js';
import type { CoreInstanceVal } from '../../link/plan.js';
import { resourceClasses } from './classes.js';
import { core } from './core-items.js';
import { exportsObject } from './exports.js';
import { moduleRef } from './imports.js';
import type { GlueState } from './state.js';

/** The import object a core instance is instantiated with. */
function coreInstanceArg(g: GlueState, v: CoreInstanceVal): string {
  const a = g.opts.async;
  const linked = (i: number) => a?.mode === 'asyncify' && a.instrumented.has(i);
  // Under asyncify, a call into another instance's rewritten code crosses JS, which
  // carries an unwind out to the caller and a rewind back in.
  if (v.kind === 'runtime') return linked(v.index) ? `${g.helpers.use('$asyLinkAll')}($a${v.index}, $e${v.index})` : `$e${v.index}`;
  return `{ ${[...v.exports]
    .map(([n, d]) => {
      if (d.kind !== 'export') return `${key(n)}: ${core(g, d)}`;
      const x = prop(`$e${d.instance}`, d.name);
      return `${key(n)}: ${linked(d.instance) ? `${g.helpers.use('$asyLink')}($a${d.instance}, ${x})` : x}`;
    })
    .join(', ')} }`;
}

/** The creation of one core instance, and what runs after it. */
interface InstanceStep {
  instance: number;
  create: string;
  then: string[];
}

/** The lines creating the plan's core instances, in its order. */
function instanceSteps(g: GlueState): InstanceStep[] {
  const sync = g.opts.instantiation === 'sync';
  const a = g.opts.async;
  return g.plan.steps.map((step) => {
    const args = step.args.map((arg) => `${key(arg.name)}: ${coreInstanceArg(g, arg.instance)}`).join(', ');
    let create: string;
    if (g.opts.jsCores && step.module.kind === 'static') {
      create = `const $e${step.instance} = $cores[${step.module.index}]({ ${args} });`;
    } else {
      const inst = `instantiateCore(${moduleRef(g, step.module)}, { ${args} })`;
      create = `const $e${step.instance} = (${sync ? inst : `await ${inst}`}).exports;`;
    }
    const then: string[] = [];
    const mem = a?.mode === 'asyncify' && a.instrumented.get(step.instance);
    if (mem) {
      then.push(
        `const $a${step.instance} = ${g.helpers.use('$asyInit')}($e${step.instance}, ${prop(`$e${mem.instance}`, mem.name)}, ${a.unwindBytes(step.instance)});`,
      );
    }
    then.push(...(g.afterInstance.get(step.instance) ?? []));
    g.afterInstance.delete(step.instance);
    return { instance: step.instance, create, then };
  });
}

/** The per-instance state `instantiate` declares first, for what the glue uses. */
function stateDecls(g: GlueState): string[] {
  const n = g.plan.componentInstances;
  const state = g.usesState.size ? [`const $st = new Uint8Array(${n});`] : [];
  // Preview 3 glue needs no JSPI (an import that would suspend was refused), so it runs without.
  if (g.opts.async?.mode === 'jspi' && !g.plan.async) {
    state.unshift(
      `if (typeof WebAssembly.Suspending !== 'function' || typeof WebAssembly.promising !== 'function') throw new Error('this component was transpiled with asyncMode \\'jspi\\', which needs WebAssembly.Suspending and WebAssembly.promising (JavaScript Promise Integration)');`,
    );
  }
  if (g.queue) {
    state.push('let $tail = Promise.resolve();');
    state.push('const $queued = (f) => (...a) => { const p = $tail.then(() => f(...a)); $tail = p.then(() => {}, () => {}); return p; };');
  }
  return state;
}

/** `instantiate`: creates the core instances and returns the export object. */
export function instantiateFunction(g: GlueState): string {
  const sync = g.opts.instantiation === 'sync';
  const js = g.opts.jsCores;
  const modules = g.plan.modules.map((_, i) => g.opts.moduleFile(i));
  const load: string[] = [];
  if (modules.length && !js) {
    load.push(
      sync ? `const $mods = ${JSON.stringify(modules)}.map(getCoreModule);` : `const $mods = await Promise.all(${JSON.stringify(modules)}.map(getCoreModule));`,
    );
  }
  const instances = instanceSteps(g);
  const exportsExpr = exportsObject(g, g.plan.exports, true);
  const classes = resourceClasses(g);
  // Assignments requested while emitting the exports (and later instances) refer to
  // instances already created: they run right after their instance is.
  const steps = instances.flatMap((s) => [s.create, ...(g.afterInstance.get(s.instance) ?? []), ...s.then]);
  const body = [...stateDecls(g), ...g.decls, ...classes, ...g.fns, ...load, ...steps, ...g.exportDecls, `return ${exportsExpr};`];
  const sig = js
    ? `${sync ? '' : 'async '}function instantiate(imports)`
    : sync
      ? 'function instantiate(getCoreModule, imports, instantiateCore = (m, i) => new WebAssembly.Instance(m, i))'
      : 'async function instantiate(getCoreModule, imports, instantiateCore = WebAssembly.instantiate)';
  return `${sig} {\n  ${body.join('\n').replaceAll('\n', '\n  ')}\n}`;
}
