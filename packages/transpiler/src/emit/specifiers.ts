import { camelCase, unversioned } from '../js/names.js';

import { shimTarget } from '@weft/wasi-manifest';

export interface ImportSpecifier {
  /** Module specifier to import from. */
  module: string;
  /** Named export of that module, when the map target has `#name`; otherwise the namespace. */
  name?: string;
  /** False when nothing maps the import: the specifier is just its unversioned name. */
  mapped: boolean;
}

function matchPattern(pattern: string, name: string): string | undefined {
  const star = pattern.indexOf('*');
  if (star < 0) return pattern === name ? '' : undefined;
  const pre = pattern.slice(0, star);
  const post = pattern.slice(star + 1);
  if (name.length >= pre.length + post.length && name.startsWith(pre) && name.endsWith(post)) {
    return name.slice(pre.length, name.length - post.length);
  }
  return undefined;
}

/**
 * Resolves the ES module specifier for an import name, applying the user's `--map`
 * (exact or `*` patterns, matched against the versioned and then the unversioned name)
 * and then the default WASI shim mapping.
 */
export function resolveSpecifier(importName: string, map: Record<string, string>, wasiShim: boolean): ImportSpecifier {
  const candidates = [importName, unversioned(importName)];
  for (const name of candidates) {
    for (const [pattern, target] of Object.entries(map)) {
      const m = matchPattern(pattern, name);
      // What `*` captured names an interface: its version is not part of the JS name.
      if (m !== undefined) return { ...split(target.replace('*', unversioned(m))), mapped: true };
    }
  }
  // `wasi:<pkg>/<iface>` maps to the interface's export of the shim for its version.
  const shim = wasiShim ? shimTarget(importName) : undefined;
  if (shim) return { module: shim.module, name: camelCase(shim.iface), mapped: true };
  return { module: unversioned(importName), mapped: false };
}

/** `module#name`: the name is the export's own, except that a kebab-case WIT name is camelCased. */
function split(target: string): Omit<ImportSpecifier, 'mapped'> {
  const hash = target.indexOf('#');
  if (hash < 0) return { module: target };
  const name = target.slice(hash + 1);
  return { module: target.slice(0, hash), name: name.includes('-') ? camelCase(name) : name };
}
