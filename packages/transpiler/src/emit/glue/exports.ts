import { exportShortName, key, parseFuncName, pascalCase, str } from '../../js/names.js';
import type { ExportItem, FuncVal } from '../../link/plan.js';
import { refName } from '../../link/plan.js';
import { hostCall, moduleRef } from './imports.js';
import { liftName } from './lifts.js';
import { funcHint } from './names.js';
import { p3Export } from './p3.js';
import { resource } from './resources.js';
import { type GlueState, hintFrom } from './state.js';

/** A function the host calls. Under the async modes its calls queue, so suspended calls never overlap. */
export function funcRef(g: GlueState, f: FuncVal): string {
  if (f.kind === 'lifted' && g.plan.async) return p3Export(g, f.index);
  if (f.kind === 'lifted') {
    const lift = liftName(g, f.index);
    if (!g.opts.async) return lift;
    g.queue = true;
    return g.once(`queued:${lift}`, hintFrom(lift, 'queued'), (q) => `const ${q} = $queued(${lift});`);
  }
  const call = hostCall(g, f, refName(f.ref));
  const ps = [...f.type.params.map((_, i) => `a${i}`), ...(f.type.async ? ['options'] : [])];
  const name = g.name(`reexport_${funcHint(refName(f.ref))}`);
  g.fns.push(`function ${name}(${ps.join(', ')}) { return ${call(ps)}; }`);
  return name;
}

/** The export object literal; nested instances are bound to constants so aliases share them. */
export function exportsObject(g: GlueState, m: Map<string, ExportItem>, top: boolean): string {
  const entries: string[] = [];
  for (const [n, e] of m) {
    if (e.kind === 'func') {
      const fn = parseFuncName(n);
      if (fn.kind === 'free') entries.push(`${key(top ? exportShortName(n) : fn.name)}: ${funcRef(g, e.func)}`);
    } else if (e.kind === 'resource') {
      // An interface that uses an imported resource re-exports its type; the class is the host's own, so (as in jco) it is not handed back.
      if (e.resource.origin === 'guest') entries.push(`${key(pascalCase(n))}: ${resource(g, e.resource).cls}`);
    } else if (e.kind === 'module') {
      entries.push(`${key(exportShortName(n))}: ${moduleRef(g, e.module)}`);
    } else {
      const obj = g.name(`exports_${exportShortName(n)}`);
      g.exportDecls.push(`const ${obj} = ${exportsObject(g, e.exports, false)};`);
      entries.push(`${key(top ? exportShortName(n) : parseFuncName(n).kind === 'free' ? exportShortName(n) : n)}: ${obj}`);
      if (top && g.opts.namespacedExports && n !== exportShortName(n)) entries.push(`${str(n)}: ${obj}`);
    }
  }
  return `{ ${entries.join(', ')} }`;
}
