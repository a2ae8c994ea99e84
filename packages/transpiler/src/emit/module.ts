import type { Plan } from '../link/plan.js';
import { GlueWriter, type GlueOptions } from './glue/index.js';
import type { HelperName } from '../js/helpers.js';
import { exportShortName, isIdentifier, key, str } from '../js/names.js';
import type { ImportItem } from '../link/plan.js';
import { writeLoader, type Target } from './loader.js';
import type { ImportSpecifier } from './specifiers.js';

/**
 * A core module converted to JavaScript (`--js`): `source` is a function expression that
 * takes an import object shaped like WebAssembly's and returns an object shaped like an
 * instance's `exports`; `helpers` are the glue helpers it refers to.
 */
export interface JsCoreModule {
  source: string;
  helpers: HelperName[];
}

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
  /** The core modules as JavaScript, one per plan module: the glue never touches WebAssembly. */
  jsCores?: JsCoreModule[];
}

/** Writes the generated ES module: instantiation-mode API, or self-instantiating ESM. */
export function writeModule(plan: Plan, opts: ModuleOptions): string {
  const glue = new GlueWriter(plan, {
    moduleFile: (i) => opts.moduleFiles[i]!,
    instantiation: opts.instantiation ?? 'async',
    namespacedExports: opts.namespacedExports,
    lazyImports: !opts.instantiation,
    ...(opts.async ? { async: opts.async } : {}),
    ...(opts.jsCores ? { jsCores: true } : {}),
  });
  const fn = glue.instantiateFunction();
  const cores: string[] = [];
  if (opts.jsCores) {
    for (const m of opts.jsCores) for (const h of m.helpers) glue.helpers.use(h);
    cores.push(`const $cores = [\n${opts.jsCores.map((m) => m.source).join(',\n')}\n];`);
  }
  if (opts.instantiation) {
    return [glue.moduleCode(), ...cores, `export ${fn}`].join('\n') + '\n';
  }

  const { lines, entries } = importBindings([...plan.imports], opts.specifier);
  // Sources are built before the helpers are rendered: inlined modules need `$b64`.
  // JavaScript core modules are part of the glue: nothing to load.
  const sources = opts.jsCores
    ? undefined
    : opts.moduleFiles.map((f, i) => (opts.inline.has(i) ? `${glue.helpers.use('$b64')}(${str(opts.inline.get(i)!)})` : opts.coreModuleUrl(f)));
  lines.push(glue.moduleCode());
  lines.push(...cores);
  lines.push(fn);
  if (sources) lines.push(writeLoader(opts.moduleFiles, sources, opts.target));
  const call = `instantiate(${opts.jsCores ? '' : '$load, '}{ ${entries.join(', ')} })`;
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
 * Import statements for `imports` (one per module: named bindings of a module are grouped)
 * and the members of the import object that hands them to `instantiate`.
 */
export function importBindings(imports: [string, ImportItem][], specifier: (name: string) => ImportSpecifier): { lines: string[]; entries: string[] } {
  const lines: string[] = [];
  const entries: string[] = [];
  const named = new Map<string, string[]>();
  for (const [name, item] of imports) {
    const spec = specifier(name);
    const local = `$i${entries.length}`;
    // A function or resource the world imports itself is the module's default export (or the
    // named one the map picks); the glue reads it as `imports[name].default`.
    const own = item.kind === 'func' || item.kind === 'resource';
    const binding = spec.name ?? (own ? 'default' : undefined);
    if (binding) {
      const list = named.get(spec.module) ?? [];
      named.set(spec.module, list);
      list.push(`${key(binding)} as ${local}`);
      // A getter: the binding may still be uninitialised while this module instantiates.
      const get = `get ${own ? 'default' : str(name)}() { return ${local}; }`;
      entries.push(own ? `${str(name)}: { ${get} }` : get);
    } else {
      lines.push(`import * as ${local} from ${str(spec.module)};`);
      entries.push(`${str(name)}: ${local}`);
    }
  }
  for (const [module, bindings] of named) lines.push(`import { ${bindings.join(', ')} } from ${str(module)};`);
  return { lines, entries };
}
