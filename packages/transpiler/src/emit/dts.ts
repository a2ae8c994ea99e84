import type { ExportItem, ImportInstance, ImportItem, Plan } from '../link/plan.js';
import type { FuncType, ValType } from '../types/model.js';
import { camelCase, exportShortName, parseFuncName, pascalCase, str } from '../js/names.js';

/** TypeScript type of a WIT value, following the JS value conventions. */
export function tsType(t: ValType): string {
  switch (t.kind) {
    case 'bool':
      return 'boolean';
    case 's8':
    case 'u8':
    case 's16':
    case 'u16':
    case 's32':
    case 'u32':
    case 'f32':
    case 'f64':
      return 'number';
    case 's64':
    case 'u64':
      return 'bigint';
    case 'char':
    case 'string':
      return 'string';
    case 'list': {
      const typed: Partial<Record<ValType['kind'], string>> = {
        u8: 'Uint8Array',
        s8: 'Int8Array',
        u16: 'Uint16Array',
        s16: 'Int16Array',
        u32: 'Uint32Array',
        s32: 'Int32Array',
        u64: 'BigUint64Array',
        s64: 'BigInt64Array',
        f32: 'Float32Array',
        f64: 'Float64Array',
      };
      return typed[t.elem.kind] ?? `Array<${tsType(t.elem)}>`;
    }
    case 'record':
      return `{ ${t.fields.map((f) => `${camelCase(f.name)}: ${tsType(f.type)}`).join('; ')} }`;
    case 'tuple':
      return `[${t.types.map(tsType).join(', ')}]`;
    case 'flags':
      return `{ ${t.names.map((n) => `${camelCase(n)}?: boolean`).join('; ')} }`;
    case 'enum':
      return t.names.map(str).join(' | ');
    case 'variant':
      return t.cases.map((c) => `{ tag: ${str(c.name)}${c.type ? `; val: ${tsType(c.type)}` : ''} }`).join(' | ');
    case 'option':
      return t.type.kind === 'option' ? `{ tag: 'none' } | { tag: 'some'; val: ${tsType(t.type)} }` : `${tsType(t.type)} | undefined`;
    case 'result':
      return `{ tag: 'ok'; val: ${t.ok ? tsType(t.ok) : 'void'} } | { tag: 'err'; val: ${t.err ? tsType(t.err) : 'void'} }`;
    case 'own':
    case 'borrow':
      return pascalCase(t.resource.name);
    case 'map':
      return `Map<${tsType(t.key)}, ${tsType(t.value)}>`;
    case 'unsupported':
      return 'never';
  }
}

function signature(f: FuncType, skipSelf = false, async = false): string {
  const params = (skipSelf ? f.params.slice(1) : f.params).map((p) => `${camelCase(p.name)}: ${tsType(p.type)}`);
  const ret = !f.result ? 'void' : f.result.kind === 'result' ? (f.result.ok ? tsType(f.result.ok) : 'void') : tsType(f.result);
  return `(${params.join(', ')}): ${async ? `Promise<${ret}>` : ret}`;
}

/** `async`: the exports were transpiled with an async mode and return promises. */
function members(m: Map<string, ExportItem>, indent: string, async: boolean, top = false): string[] {
  const out: string[] = [];
  const classes = new Map<string, string[]>();
  for (const [n, e] of m) if (e.kind === 'resource' && e.resource.origin === 'guest') classes.set(n, []);
  for (const [n, e] of m) {
    if (e.kind === 'func') {
      const fn = parseFuncName(n);
      if (fn.kind === 'free') out.push(`${indent}${top ? exportShortName(n) : fn.name}${signature(e.func.type, false, async)};`);
      else {
        const list = classes.get(fn.resource);
        if (!list) continue;
        if (fn.kind === 'constructor') list.push(`new${signature(e.func.type).replace(/: [^:]+$/, '')}: ${pascalCase(fn.resource)};`);
        else if (fn.kind === 'static') list.push(`${fn.name}${signature(e.func.type, false, async)};`);
        else list.push(`prototype: { ${fn.name}${signature(e.func.type, true, async)} };`);
      }
    } else if (e.kind === 'instance') {
      const body = members(e.exports, indent + '  ', async);
      out.push(`${indent}${str(top ? exportShortName(n) : n)}: {`, ...body, `${indent}};`);
      if (top && exportShortName(n) !== n) out.push(`${indent}${str(n)}: Exports[${str(exportShortName(n))}];`);
    }
  }
  for (const [n, list] of classes) out.push(`${indent}${pascalCase(n)}: { ${list.join(' ')} };`);
  return out;
}

function instanceMembers(i: ImportInstance): string {
  const fns = [...i.funcs].filter(([f]) => parseFuncName(f).kind === 'free').map(([f, t]) => `${camelCase(f)}${signature(t)};`);
  const classes = [...i.resources.keys()].map((r) => `${pascalCase(r)}: Function;`);
  const nested = [...i.instances].map(([n, x]) => `${camelCase(n)}: ${instanceMembers(x)};`);
  return `{ ${[...fns, ...classes, ...nested].join(' ')} }`;
}

function importMembers(imports: Map<string, ImportItem>): string[] {
  const out: string[] = [];
  for (const [n, i] of imports) {
    if (i.kind === 'func') out.push(`  ${str(n)}: { default${signature(i.type)} };`);
    else if (i.kind === 'resource') out.push(`  ${str(n)}: { default: Function };`);
    else if (i.kind === 'instance') out.push(`  ${str(n)}: ${instanceMembers(i)};`);
  }
  return out;
}

/** A minimal declaration file for the world: exports, and the import object in instantiation mode. */
export function writeDts(plan: Plan, instantiation: boolean, async: boolean, jsCores = false): string {
  const exportsType = ['{', ...members(plan.exports, '  ', async, true), '}'].join('\n');
  const lines: string[] = [];
  const resourceNames = new Set<string>();
  const collect = (m: Map<string, ExportItem>) => {
    for (const [n, e] of m) {
      if (e.kind === 'resource') resourceNames.add(pascalCase(n));
      if (e.kind === 'instance') collect(e.exports);
    }
  };
  collect(plan.exports);
  for (const n of resourceNames) lines.push(`type ${n} = object;`);
  for (const [n, i] of plan.imports)
    for (const r of i.kind === 'instance' ? i.resources.keys() : i.kind === 'resource' ? [n] : []) {
      if (!resourceNames.has(pascalCase(r))) {
        resourceNames.add(pascalCase(r));
        lines.push(`type ${pascalCase(r)} = object;`);
      }
    }
  lines.push(`export interface Exports ${exportsType}`);
  if (instantiation) {
    lines.push(`export interface ImportObject {`, ...importMembers(plan.imports), `}`);
    if (jsCores) lines.push('export function instantiate(imports: ImportObject): Exports | Promise<Exports>;');
    else
      lines.push(
        'export function instantiate(',
        '  getCoreModule: (path: string) => WebAssembly.Module | Promise<WebAssembly.Module>,',
        '  imports: ImportObject,',
        '  instantiateCore?: (module: WebAssembly.Module, imports: Record<string, any>) => WebAssembly.Instance | Promise<WebAssembly.Instance>,',
        '): Exports | Promise<Exports>;',
      );
  } else {
    for (const n of plan.exports.keys()) {
      const name = exportShortName(n);
      lines.push(`export declare const ${name}: Exports[${str(name)}];`);
    }
  }
  return lines.join('\n') + '\n';
}
