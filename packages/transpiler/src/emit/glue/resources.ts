import type { ResourceJs } from '../../abi/context.js';
import { WeftError } from '../../error.js';
import { pascalCase, prop } from '../../js/names.js';
import type { Resource } from '../../types/model.js';
import { core, table } from './core-items.js';
import { importInstance, importValue } from './imports.js';
import { leaveCheck } from './instance-state.js';
import { getOrCreate, type GlueState } from './state.js';

/** How the glue refers to resource type `r`: its tag and class. */
export function resource(g: GlueState, r: Resource): ResourceJs {
  return getOrCreate(g.resources, r, () => {
    // Tags are numbered in order of first use, so identical input gives identical glue.
    const id = g.resources.size + 1;
    if (r.origin === 'guest') {
      const js: ResourceJs = { id, cls: g.name(pascalCase(r.name)), guest: true, definer: r.instance! };
      const dtor = g.plan.dtors.get(r);
      if (dtor) js.dtor = core(g, dtor);
      return js;
    }
    if (r.origin === 'host') {
      const { importName, path, exportName } = r.host!;
      const mod = importInstance(g, importName, path);
      return { id, cls: importValue(g, pascalCase(r.name), exportName ? prop(mod, pascalCase(exportName)) : prop(mod, 'default')), guest: false };
    }
    throw new WeftError(`resource type '${r.name}' is abstract: it was never bound to a host or guest resource`);
  });
}

/** `resource.new`, `resource.drop` or `resource.rep` of `r` on component instance `instance`'s table. */
export function resourceFn(g: GlueState, op: 'new' | 'drop' | 'rep', r: Resource, instance: number): string {
  const res = resource(g, r);
  const t = table(g, instance);
  const leave = leaveCheck(g, instance);
  return g.once(`${op}:${res.id}:${instance}`, `${pascalCase(r.name)}_${op}`, (name) => {
    if (op === 'new') return `function ${name}(rep) { ${leave} return ${t}.own(${res.id}, rep); }`;
    if (op === 'rep') return `function ${name}(i) { return ${t}.get(i, ${res.id}).rep; }`;
    const dtor = res.guest ? (res.dtor ? `${res.dtor}(h.rep);` : '') : `${g.helpers.use('$hostDrop')}(h.rep);`;
    return `function ${name}(i) { ${leave} const h = ${t}.drop(i, ${res.id});${dtor ? ` if (h.own) ${dtor}` : ''} }`;
  });
}
