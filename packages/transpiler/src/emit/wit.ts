import type { FuncType, ValType } from '../types/model.js';

/** Prints a resolved value type in WIT syntax; named types print by name. */
export function witType(t: ValType, named = true): string {
  if (named && t.name) return t.name;
  switch (t.kind) {
    case 'list':
      return t.length === undefined ? `list<${witType(t.elem)}>` : `list<${witType(t.elem)}, ${t.length}>`;
    case 'option':
      return `option<${witType(t.type)}>`;
    case 'map':
      return `map<${witType(t.key)}, ${witType(t.value)}>`;
    case 'result':
      return t.ok || t.err ? `result<${t.ok ? witType(t.ok) : '_'}${t.err ? `, ${witType(t.err)}` : ''}>` : 'result';
    case 'tuple':
      return `tuple<${t.types.map((x) => witType(x)).join(', ')}>`;
    case 'own':
      return t.resource.name;
    case 'borrow':
      return `borrow<${t.resource.name}>`;
    case 'record':
      return `record { ${t.fields.map((f) => `${f.name}: ${witType(f.type)}`).join(', ')} }`;
    case 'variant':
      return `variant { ${t.cases.map((c) => (c.type ? `${c.name}(${witType(c.type)})` : c.name)).join(', ')} }`;
    case 'enum':
      return `enum { ${t.names.join(', ')} }`;
    case 'flags':
      return `flags { ${t.names.join(', ')} }`;
    default:
      return t.kind;
  }
}

export function witFunc(f: FuncType): string {
  return `func(${f.params.map((p) => `${p.name}: ${witType(p.type)}`).join(', ')})${f.result ? ` -> ${witType(f.result)}` : ''}`;
}
