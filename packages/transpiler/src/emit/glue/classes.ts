import { parseFuncName, pascalCase, str } from '../../js/names.js';
import type { ExportItem } from '../../link/plan.js';
import type { Resource } from '../../types/model.js';
import { funcRef } from './exports.js';
import { getOrCreate, type GlueState } from './state.js';

/** The members of a guest resource's class: its constructor, if exported, and the rest. */
interface Members {
  ctor?: string;
  others: string[];
}

/** The wrapper classes of the guest resources used so far, with the members the exports give them. */
export function resourceClasses(g: GlueState): string[] {
  const members = new Map<Resource, Members>();
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
      const own = getOrCreate(members, r, () => ({ others: [] }));
      const call = funcRef(g, e.func);
      // An async function takes the call's options (its AbortSignal) after its arguments.
      const ps = [...e.func.type.params.map((_, i) => `a${i}`), ...(e.func.type.async ? ['options'] : [])];
      if (fn.kind === 'constructor') own.ctor = `constructor(${ps.join(', ')}) { return ${call}(${ps.join(', ')}); }`;
      else if (fn.kind === 'static') own.others.push(`static ${fn.name}(${ps.join(', ')}) { return ${call}(${ps.join(', ')}); }`);
      else own.others.push(`${fn.name}(${ps.slice(1).join(', ')}) { return ${call}(this${ps.length > 1 ? ', ' : ''}${ps.slice(1).join(', ')}); }`);
    }
  };
  visit(g.plan.exports);
  const out: string[] = [];
  for (const [r, js] of g.resources) {
    if (!js.guest) continue;
    const { ctor = `constructor() { throw new TypeError(${str(`${pascalCase(r.name)} has no constructor`)}); }`, others = [] } = members.get(r) ?? {};
    const body = [ctor, ...others, `[${g.helpers.use('$dispose')}]() { ${g.helpers.use('$disposeGuest')}(this${js.dtor ? `, ${js.dtor}` : ''}); }`];
    out.push(`const ${js.cls} = class ${pascalCase(r.name).replace(/[^\w$]/g, '_')} {\n${body.map((b) => '  ' + b).join('\n')}\n};`);
  }
  return out;
}
