/**
 * What a component offers and needs, read from weft's link plan: every exported function
 * with its WIT type and where JS finds it, and every imported function with where the host
 * must put it. Both engines follow the same JS naming conventions, so one description
 * drives both.
 */
import { decodeComponent } from '../../src/decode/component.js';
import { inline } from '../../src/link/inline.js';
import type { ExportItem, ImportInstance } from '../../src/link/plan.js';
import { camelCase, exportShortName, parseFuncName, pascalCase } from '../../src/js/names.js';
import type { FuncType, Resource } from '../../src/types/model.js';
import { validate } from '../../src/types/validate.js';

export interface ExportFn {
  /** For reports: `iface#[method]thing.get`. */
  name: string;
  /** Keys from the export object to the function, or to the class for resource functions. */
  path: string[];
  call: { kind: 'free' } | { kind: 'constructor' } | { kind: 'method'; name: string } | { kind: 'static'; name: string };
  type: FuncType;
}

export interface ImportFn {
  /** For reports and seeds: `ns:pkg/iface#func`. */
  name: string;
  /** Keys from the imports object to the object holding the function (or the class). */
  path: string[];
  call:
    | { kind: 'free'; key: string }
    | { kind: 'constructor'; cls: string }
    | { kind: 'method'; cls: string; name: string }
    | { kind: 'static'; cls: string; name: string };
  type: FuncType;
}

export interface Surface {
  exports: ExportFn[];
  imports: ImportFn[];
  /** Host resource classes the imports object must hold: path to the holder and class key. */
  hostClasses: { path: string[]; cls: string; resource: Resource }[];
  /** Guest resources -> where the export object holds their class. */
  guestClasses: Map<Resource, string[]>;
}

export function surfaceOf(bytes: Uint8Array): Surface {
  const ast = decodeComponent(bytes);
  validate(ast);
  const plan = inline(ast);
  const out: Surface = { exports: [], imports: [], hostClasses: [], guestClasses: new Map() };

  const visitExports = (m: Map<string, ExportItem>, path: string[], prefix: string) => {
    for (const [n, e] of m) {
      const top = path.length === 0;
      if (e.kind === 'instance') visitExports(e.exports, [...path, exportShortName(n)], `${n}#`);
      else if (e.kind === 'resource') out.guestClasses.set(e.resource, [...path, pascalCase(n)]);
      else if (e.kind === 'func') {
        const fn = parseFuncName(n);
        const name = `${prefix}${n}`;
        if (fn.kind === 'free') out.exports.push({ name, path: [...path, top ? exportShortName(n) : fn.name], call: { kind: 'free' }, type: e.func.type });
        else
          out.exports.push({
            name,
            path: [...path, pascalCase(fn.resource)],
            call: fn.kind === 'constructor' ? { kind: 'constructor' } : { kind: fn.kind, name: fn.name },
            type: e.func.type,
          });
      }
    }
  };
  visitExports(plan.exports, [], '');

  const visitInstance = (inst: ImportInstance, path: string[], name: string) => {
    for (const [n, r] of inst.resources) out.hostClasses.push({ path, cls: pascalCase(n), resource: r });
    for (const [n, type] of inst.funcs) {
      const fn = parseFuncName(n);
      const call =
        fn.kind === 'free'
          ? { kind: 'free' as const, key: fn.name }
          : fn.kind === 'constructor'
            ? { kind: 'constructor' as const, cls: pascalCase(fn.resource) }
            : { kind: fn.kind, cls: pascalCase(fn.resource), name: fn.name };
      out.imports.push({ name: `${name}#${n}`, path, call, type });
    }
    for (const [n, sub] of inst.instances) visitInstance(sub, [...path, camelCase(n)], `${name}/${n}`);
  };
  for (const [n, i] of plan.imports) {
    if (i.kind === 'instance') visitInstance(i, [n], n);
    else if (i.kind === 'func') out.imports.push({ name: n, path: [n], call: { kind: 'free', key: 'default' }, type: i.type });
    else if (i.kind === 'resource') out.hostClasses.push({ path: [n], cls: 'default', resource: i.resource });
  }
  return out;
}
