import { writeLoader, type Target } from './loader.js';
import { importBindings } from './module.js';
import type { ImportItem } from '../link/plan.js';
import { str, unversioned } from '../js/names.js';
import type { ImportSpecifier } from './specifiers.js';

export interface HostOptions {
  moduleFiles: string[];
  coreModuleUrl(file: string): string;
  target: Target;
  specifier(importName: string): ImportSpecifier;
}

/**
 * Writes the companion of instantiation-mode glue: `imports(overrides?)`, the import object
 * wired to the shims (and `map` targets), and `loadCoreModule(file)`, a `getCoreModule`
 * for async instantiation that loads the core modules from beside the glue.
 */
export function writeHost(imports: [string, ImportItem][], opts: HostOptions): string {
  // Imports nothing maps are left to the overrides: there is no module to import them from.
  const { lines, entries } = importBindings(
    imports.filter(([n]) => opts.specifier(n).mapped),
    opts.specifier,
  );
  const aliases = new Map<string, string[]>();
  for (const [name] of imports) {
    const short = unversioned(name);
    if (short !== name) aliases.set(short, [...(aliases.get(short) ?? []), name]);
  }
  lines.push(`const $defaults = { ${entries.join(', ')} };`);
  // An override keyed by an unversioned name replaces every version the component imports:
  // the glue looks up the versioned key first.
  lines.push(`const $aliases = { ${[...aliases].map(([short, names]) => `${str(short)}: ${JSON.stringify(names)}`).join(', ')} };`);
  lines.push(`export function imports(overrides = {}) {
  const out = { ...$defaults };
  for (const [k, v] of Object.entries(overrides)) {
    out[k] = v;
    for (const n of Object.hasOwn($aliases, k) ? $aliases[k] : []) out[n] = v;
  }
  return out;
}`);
  lines.push(writeLoader(opts.moduleFiles, opts.moduleFiles.map(opts.coreModuleUrl), opts.target));
  lines.push('export { $load as loadCoreModule };');
  return lines.join('\n') + '\n';
}

export const HOST_DTS = `/** The import object for \`instantiate\`, wired to the WASI shims; \`overrides\` replace whole interfaces (versioned or unversioned keys). */
export declare function imports(overrides?: Record<string, unknown>): Record<string, any>;
/** A \`getCoreModule\` for async instantiation: compiles a core module from beside the glue. */
export declare function loadCoreModule(file: string): Promise<WebAssembly.Module>;
`;
