import type { Plan } from '../link/plan.js';
import { GlueWriter, type GlueOptions } from './glue.js';
import { exportShortName, isIdentifier, str } from './names.js';
import { writeLoader, type Target } from './loader.js';
import type { ImportSpecifier } from './specifiers.js';

export interface ModuleOptions {
  moduleFiles: string[];
  /** URL expression of each core module that is not inlined. */
  coreModuleUrl(file: string): string;
  target: Target;
  /** Modules (by index) to inline as base64 instead of loading from their file. */
  inline: Map<number, string>;
  instantiation?: 'async' | 'sync';
  namespacedExports: boolean;
  tlaCompat: boolean;
  specifier(importName: string): ImportSpecifier;
  async?: GlueOptions['async'];
}

/** Writes the generated ES module: instantiation-mode API, or self-instantiating ESM. */
export function writeModule(plan: Plan, opts: ModuleOptions): string {
  const glue = new GlueWriter(plan, {
    moduleFile: (i) => opts.moduleFiles[i]!,
    instantiation: opts.instantiation ?? 'async',
    namespacedExports: opts.namespacedExports,
    ...(opts.async ? { async: opts.async } : {}),
  });
  const fn = glue.instantiateFunction();
  if (opts.instantiation) {
    return `${glue.moduleCode()}\nexport ${fn}\n`;
  }

  const { lines, entries } = importBindings([...plan.imports.keys()], opts.specifier);
  // Sources are built before the helpers are rendered: inlined modules need `$b64`.
  const sources = opts.moduleFiles.map((f, i) =>
    opts.inline.has(i) ? `${glue.helpers.use('$b64')}(${str(opts.inline.get(i)!)})` : opts.coreModuleUrl(f));
  lines.push(glue.moduleCode());
  lines.push(fn);
  lines.push(writeLoader(opts.moduleFiles, sources, opts.target));
  const importEntries = entries.map(([name, local]) => `${str(name)}: ${local}`);
  const call = `instantiate($load, { ${importEntries.join(', ')} })`;
  const exportNames: [string, string][] = [];
  for (const name of plan.exports.keys()) {
    const short = exportShortName(name);
    exportNames.push([short, short]);
    if (opts.namespacedExports && short !== name && plan.exports.get(name)!.kind === 'instance') exportNames.push([name, short]);
  }
  const locals = new Map<string, string>();
  for (const [, short] of exportNames) if (!locals.has(short)) locals.set(short, `$x_${locals.size}`);
  if (opts.tlaCompat) {
    lines.push(`let ${[...locals.values()].join(', ') || '$none'};`);
    lines.push(`export const $init = ${call}.then((e) => { ${[...locals].map(([s, l]) => `${l} = e[${str(s)}];`).join(' ')} });`);
  } else {
    lines.push(`const $exports = await ${call};`);
    if (locals.size) lines.push(`const ${[...locals].map(([s, l]) => `${l} = $exports[${str(s)}]`).join(', ')};`);
  }
  if (exportNames.length) {
    lines.push(`export { ${exportNames.map(([name, short]) => `${locals.get(short)} as ${isIdentifier(name) ? name : str(name)}`).join(', ')} };`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Import statements for `names` (one per module: named bindings of a module are grouped)
 * and, per import name, the local it is bound to.
 */
export function importBindings(names: string[], specifier: (name: string) => ImportSpecifier): { lines: string[]; entries: [string, string][] } {
  const lines: string[] = [];
  const entries: [string, string][] = [];
  const named = new Map<string, string[]>();
  for (const name of names) {
    const spec = specifier(name);
    const local = `$i${entries.length}`;
    if (spec.name) {
      const list = named.get(spec.module) ?? [];
      named.set(spec.module, list);
      list.push(`${isIdentifier(spec.name) ? spec.name : str(spec.name)} as ${local}`);
    } else {
      lines.push(`import * as ${local} from ${str(spec.module)};`);
    }
    entries.push([name, local]);
  }
  for (const [module, bindings] of named) lines.push(`import { ${bindings.join(', ')} } from ${str(module)};`);
  return { lines, entries };
}
