import { parseFuncName, pascalCase } from '../../js/names.js';

/**
 * Names the glue writes by pattern or fixed spelling, at module level or in `instantiate`;
 * generated names never take them (nor a helper's), so nothing is shadowed.
 */
export const FIXED_NAMES = /^\$(?:[eahik]\d+|x_\d+|st|mods|cores|tail|queued|files|load|exports|init|none|b64)$/;

/** A readable name for a WIT function: `ns:pkg/iface#do-it` -> `doIt`, `[method]r.get` -> `R_get`. */
export function funcHint(name: string): string {
  const fn = parseFuncName(name.slice(name.lastIndexOf('#') + 1));
  if (fn.kind === 'free') return fn.name;
  return `${pascalCase(fn.resource)}_${fn.kind === 'constructor' ? 'constructor' : fn.name}`;
}

/** A line comment naming a function; the names in it were validated (kebab case), so fit on one line. */
export function comment(text: string): string {
  return `// ${text}\n`;
}
