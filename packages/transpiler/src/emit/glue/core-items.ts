import { WeftError } from '../../error.js';
import { prop, str } from '../../js/names.js';
import type { CoreFuncSig, CoreItemType } from '../../decode/ast.js';
import type { CoreDef } from '../../link/plan.js';
import type { Flat } from '../../types/layout.js';
import { signatureKey, loweredResult, suspends } from './async-modes.js';
import { lowering } from './lowerings.js';
import { resourceFn } from './resources.js';
import { getOrCreate, type GlueState, hintFrom } from './state.js';
import { p3Builtin } from './p3.js';

/**
 * A JS expression for a core item, valid once the instances it needs exist. `fromJs`: the
 * glue calls it rather than core code importing it (under JSPI a waiting import is a
 * WebAssembly.Suspending, which only core code can call).
 */
export function core(g: GlueState, def: CoreDef, fromJs = false): string {
  // Preview 3 under an async mode: which synchronous waits suspend the calling thread's stack.
  const stackful = g.opts.async?.stackful;
  const waits = fromJs && g.opts.async?.mode === 'jspi' ? undefined : stackful;
  switch (def.kind) {
    case 'lowered': {
      const l = g.plan.lowerings[def.index]!;
      const name = lowering(g, l);
      if (stackful) return waits?.lowering(l) ? blockingImport(g, def, name, loweredResult(l)) : name;
      if (!suspends(g, l)) return name;
      if (g.opts.async?.mode === 'asyncify') {
        // While unwinding, the core caller gets a dummy result of its own type.
        const zero = loweredResult(l) === 'i64' ? '0n' : '0';
        return g.once(`suspending:${name}`, hintFrom(name, 'suspending'), (s) => `const ${s} = ${g.helpers.use('$asyImport')}(${name}, ${zero});`);
      }
      return g.once(`suspending:${name}`, hintFrom(name, 'suspending'), (s) => `const ${s} = new WebAssembly.Suspending(${name});`);
    }
    case 'resource':
      return resourceFn(g, def.op, def.resource, def.instance);
    case 'builtin': {
      const name = p3Builtin(g, def.builtin, def.instance);
      return waits?.builtin(def.builtin) ? blockingImport(g, def, name, 'i32') : name;
    }
    case 'trap': {
      const name = g.name('nyi');
      g.fns.push(`function ${name}() { ${g.helpers.use('$trap')}(${str(def.message)}); }`);
      return name;
    }
    case 'export':
      return getOrCreate(g.coreExports, `${def.instance}:${def.name}`, () => {
        const name = g.name(`${def.name}${def.instance}`);
        g.decls.push(`let ${name};`);
        g.after(def.instance, `${name} = ${prop(`$e${def.instance}`, def.name)};`);
        return name;
      });
  }
}

/**
 * A Preview 3 import that may wait, as core code calls it. Under asyncify, while the
 * thread's stack unwinds the core caller gets a dummy result of its own type, and when the
 * stack is rewound the import answers what the wait ended with; under JSPI it hands back a
 * promise of that answer, which suspends the thread's stack.
 */
function blockingImport(g: GlueState, def: CoreDef, name: string, result: Flat | undefined): string {
  if (g.opts.async?.mode === 'jspi') {
    return g.once(
      `blocking:${name}`,
      hintFrom(name, 'blocking'),
      (b) => `const ${b} = ${g.helpers.use('$p3Suspending')}(${name}, ${str(signatureKey(importType(g, def)))});`,
    );
  }
  const zero = result === 'i64' ? '0n' : '0';
  return g.once(`blocking:${name}`, hintFrom(name, 'blocking'), (b) => `const ${b} = ${g.helpers.use('$p3Blocking')}(${name}, ${zero});`);
}

/** The core function type the core modules import def with (validation made them agree). */
function importType(g: GlueState, def: CoreDef): CoreFuncSig {
  const same = (d: CoreDef | undefined) =>
    d?.kind === def.kind && (d.kind === 'lowered' ? d.index === (def as typeof d).index : d.kind === 'builtin' && d.builtin === (def as typeof d).builtin);
  for (const step of g.plan.steps) {
    if (step.module.kind !== 'static') continue;
    for (const im of g.plan.modules[step.module.index]!.info.imports) {
      const arg = step.args.find((a) => a.name === im.module)?.instance;
      if (im.type && arg?.kind === 'synthetic' && same(arg.exports.get(im.name))) return im.type;
    }
  }
  throw new WeftError(`asyncMode 'jspi': no core module imports ${def.kind === 'lowered' ? `lowering ${def.index}` : 'a built-in'} with a known type`);
}

/** What decode read of the core item a core instance exports, if its module is one of the component's own. */
function exportedItem(g: GlueState, def: CoreDef & { kind: 'export' }): CoreItemType | undefined {
  const step = g.plan.steps.find((st) => st.instance === def.instance);
  if (step?.module.kind !== 'static') return undefined;
  return g.plan.modules[step.module.index]!.info.exports.find((e) => e.name === def.name)?.item;
}

/** The memory `def` names, as a getter of a current DataView (`mem`) and an expression calling it (`view`). */
export function memory(g: GlueState, def: CoreDef, fn: string): { mem: string; view: string } {
  if (def.kind !== 'export') throw new WeftError(`${fn}: the memory option must name a core memory export`);
  const item = exportedItem(g, def);
  if (item?.kind === 'memory' && item.memory64) {
    throw new WeftError(`${fn}: canonical options naming a 64-bit memory are not supported by weft`);
  }
  return getOrCreate(g.memories, `${def.instance}:${def.name}`, () => {
    const mem = core(g, def);
    const view = g.name(hintFrom(mem, 'view'));
    const b = g.name(hintFrom(mem, 'buffer'));
    const d = g.name(hintFrom(mem, 'dataView'));
    // Growing a (non-shared) memory detaches its old buffer, so a view stays valid
    // while its buffer has a length: no need to read the slow `memory.buffer` per access.
    g.decls.push(
      `let ${b} = new ArrayBuffer(0), ${d};`,
      `function ${view}() { if (${b}.byteLength === 0) ${d} = new DataView(${b} = ${mem}.buffer); return ${d}; }`,
    );
    return { mem: view, view: `${view}()` };
  });
}

/** The handle table of component instance `instance`. */
export function table(g: GlueState, instance: number): string {
  return getOrCreate(g.tables, instance, () => {
    const name = `$h${instance}`;
    g.decls.push(`const ${name} = new ${g.helpers.use('$Table')}();`);
    return name;
  });
}
