/** kebab-case WIT names to JS names, as the JS value conventions require. */

const camelCache = new Map<string, string>();

export function camelCase(name: string): string {
  let out = camelCache.get(name);
  if (out === undefined) {
    const words = name.split('-');
    out = words[0]!.toLowerCase() + words.slice(1).map(capitalize).join('');
    camelCache.set(name, out);
  }
  return out;
}

export function pascalCase(name: string): string {
  return name.split('-').map(capitalize).join('');
}

function capitalize(w: string): string {
  if (!w) return w;
  // All-caps acronyms (`HTTP`) keep their case: `http-URL` -> `httpURL`.
  return w === w.toUpperCase() ? w : w[0]!.toUpperCase() + w.slice(1).toLowerCase();
}

const RESERVED = new Set([
  'await',
  'break',
  'case',
  'catch',
  'class',
  'const',
  'continue',
  'debugger',
  'default',
  'delete',
  'do',
  'else',
  'enum',
  'export',
  'extends',
  'false',
  'finally',
  'for',
  'function',
  'if',
  'implements',
  'import',
  'in',
  'instanceof',
  'interface',
  'let',
  'new',
  'null',
  'package',
  'private',
  'protected',
  'public',
  'return',
  'static',
  'super',
  'switch',
  'this',
  'throw',
  'true',
  'try',
  'typeof',
  'var',
  'void',
  'while',
  'with',
  'yield',
  'arguments',
  'eval',
]);

export function isIdentifier(s: string): boolean {
  return /^[A-Za-z_$][\w$]*$/.test(s) && !RESERVED.has(s);
}

/** `obj.key` when `key` is an identifier, `obj['key']` otherwise. */
export function prop(obj: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${obj}.${key}` : `${obj}[${str(key)}]`;
}

/** Object-literal key. */
export function key(k: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(k) ? k : str(k);
}

export function str(s: string): string {
  return JSON.stringify(s);
}

/** `ns:pkg/iface@1.0.0` -> `ns:pkg/iface`; other names unchanged. */
export function unversioned(name: string): string {
  const at = name.indexOf('@');
  return at > 0 ? name.slice(0, at) : name;
}

/** Short JS name of an export: `ns:pkg/iface@1.0.0` -> `iface`, `my-func` -> `myFunc`. */
export function exportShortName(name: string): string {
  const base = unversioned(name);
  const slash = base.lastIndexOf('/');
  return camelCase(slash >= 0 ? base.slice(slash + 1) : base.includes(':') ? base.slice(base.indexOf(':') + 1) : base);
}

/** How a function named in an interface appears in JS. */
export type FuncName =
  | { kind: 'free'; name: string }
  | { kind: 'constructor'; resource: string }
  | { kind: 'method'; resource: string; name: string }
  | { kind: 'static'; resource: string; name: string };

export function parseFuncName(name: string): FuncName {
  const m = /^\[(constructor|method|static)\]([^.]+)(?:\.(.+))?$/.exec(name);
  if (!m) return { kind: 'free', name: camelCase(name) };
  const resource = m[2]!;
  if (m[1] === 'constructor') return { kind: 'constructor', resource };
  return { kind: m[1] as 'method' | 'static', resource, name: camelCase(m[3] ?? '') };
}
