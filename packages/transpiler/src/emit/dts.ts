import type { ExportItem, ImportInstance, ImportItem, Plan } from '../link/plan.js';
import type { FuncType, ValType } from '../types/model.js';
import { typedArrayFor } from '../abi/context.js';
import { hasAsyncValue } from '../types/layout.js';
import { camelCase, exportShortName, isIdentifier, parseFuncName, pascalCase, str } from '../js/names.js';

/**
 * TypeScript types of WIT values, following the JS value conventions. A record, variant,
 * enum or flags type with a WIT name is declared once under its PascalCase name
 * (`export type Summary = { ... }`) and referred to by it; a name two different types share
 * gets a numeric suffix, in order of first use.
 */
/** What the host sees of an error context: the debug message the guest gave it. */
const ERROR_CONTEXT = '{ readonly message: string }';

/** Which way a value crosses: from the component to the host, or into the component. */
type Direction = 'in' | 'out';

class TsTypes {
  /** Declarations in order of first use. */
  readonly declarations: string[] = [];
  private readonly byType: Record<Direction, Map<ValType, string>> = { in: new Map(), out: new Map() };
  /** Declared name -> its structural text, to tell a second use from a different type. */
  private readonly bodies = new Map<string, string>();

  constructor(private readonly taken: Set<string>) {}

  /**
   * `dir` says which way the value crosses: what the component gives (`out`), or what the
   * host may give where a value goes in (`in`: a stream as any ReadableStream, async iterable
   * or iterable of chunks, a future as a promise or a value). A named type that holds a
   * stream or future gets a second declaration for its `in` form, `<Name>Input`.
   */
  type(t: ValType, dir: Direction = 'out'): string {
    if (t.name && (t.kind === 'record' || t.kind === 'variant' || t.kind === 'enum' || t.kind === 'flags')) {
      return dir === 'in' && hasAsyncValue(t) ? this.named(t, `${t.name}-input`, 'in') : this.named(t, t.name, 'out');
    }
    return this.structural(t, dir);
  }

  private named(t: ValType, witName: string, dir: Direction): string {
    const known = this.byType[dir].get(t);
    if (known) return known;
    const body = this.structural(t, dir);
    const base = pascalCase(witName);
    let name = base;
    for (let n = 2; this.taken.has(name) && this.bodies.get(name) !== body; n++) name = `${base}${n}`;
    if (!this.bodies.has(name)) {
      this.taken.add(name);
      this.bodies.set(name, body);
      this.declarations.push(`export type ${name} = ${body};`);
    }
    this.byType[dir].set(t, name);
    return name;
  }

  private structural(t: ValType, dir: Direction): string {
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
      case 'list':
        return typedArrayFor(t.elem) ?? `Array<${this.type(t.elem, dir)}>`;
      case 'record':
        return `{ ${t.fields.map((f) => `${camelCase(f.name)}: ${this.type(f.type, dir)}`).join('; ')} }`;
      case 'tuple':
        return `[${t.types.map((x) => this.type(x, dir)).join(', ')}]`;
      case 'flags':
        return `{ ${t.names.map((n) => `${camelCase(n)}?: boolean`).join('; ')} }`;
      case 'enum':
        return t.names.map(str).join(' | ');
      case 'variant':
        return t.cases.map((c) => `{ tag: ${str(c.name)}${c.type ? `; val: ${this.type(c.type, dir)}` : ''} }`).join(' | ');
      case 'option':
        return t.type.kind === 'option' ? `{ tag: 'none' } | { tag: 'some'; val: ${this.type(t.type, dir)} }` : `${this.type(t.type, dir)} | undefined`;
      case 'result':
        return `{ tag: 'ok'; val: ${t.ok ? this.type(t.ok, dir) : 'void'} } | { tag: 'err'; val: ${t.err ? this.type(t.err, dir) : 'void'} }`;
      case 'own':
      case 'borrow':
        return pascalCase(t.resource.name);
      case 'map':
        return `Map<${this.type(t.key, dir)}, ${this.type(t.value, dir)}>`;
      case 'stream': {
        const chunk = t.elem ? (typedArrayFor(t.elem) ?? this.type(t.elem, dir)) : 'undefined';
        return dir === 'in' ? `ReadableStream<${chunk}> | AsyncIterable<${chunk}> | Iterable<${chunk}>` : `ReadableStream<${chunk}>`;
      }
      case 'future': {
        const v = t.elem ? this.type(t.elem, dir) : 'void';
        return dir === 'in' ? `${v} | PromiseLike<${v}>` : `PromiseLike<${v}>`;
      }
      case 'error-context':
        if (!this.bodies.has('ErrorContext')) {
          this.taken.add('ErrorContext');
          this.bodies.set('ErrorContext', ERROR_CONTEXT);
          this.declarations.push(`export interface ErrorContext ${ERROR_CONTEXT}`);
        }
        return 'ErrorContext';
    }
  }

  /**
   * `async`: the exports were transpiled with an async mode and return promises. An `async`
   * function type returns a promise as an export, and may return one as an import (`host`).
   */
  signature(f: FuncType, skipSelf = false, async = false, host = false): string {
    const params = (skipSelf ? f.params.slice(1) : f.params).map((p) => `${camelCase(p.name)}: ${this.type(p.type, host ? 'out' : 'in')}`);
    // A host function's result goes into the component: it may be given as an input.
    const out = (t: ValType) => this.type(t, host ? 'in' : 'out');
    const ret = !f.result ? 'void' : f.result.kind === 'result' ? (f.result.ok ? out(f.result.ok) : 'void') : out(f.result);
    const returns = f.async && host ? `${ret} | Promise<${ret}>` : async || f.async ? `Promise<${ret}>` : ret;
    // An async function's call may be cancelled: the host passes a signal to an export, and
    // an import is handed one that aborts when the guest cancels the call.
    if (f.async) params.push(host ? 'options: { readonly signal: AbortSignal }' : 'options?: { signal?: AbortSignal }');
    return `(${params.join(', ')}): ${returns}`;
  }
}

/** `async`: the exports were transpiled with an async mode and return promises. */
function members(ts: TsTypes, m: Map<string, ExportItem>, indent: string, async: boolean, top = false): string[] {
  const out: string[] = [];
  // A class's constructor and statics, and the methods its prototype holds.
  const classes = new Map<string, { statics: string[]; methods: string[] }>();
  for (const [n, e] of m) if (e.kind === 'resource' && e.resource.origin === 'guest') classes.set(n, { statics: [], methods: [] });
  for (const [n, e] of m) {
    if (e.kind === 'func') {
      const fn = parseFuncName(n);
      if (fn.kind === 'free') out.push(`${indent}${top ? exportShortName(n) : fn.name}${ts.signature(e.func.type, false, async)};`);
      else {
        const cls = classes.get(fn.resource);
        if (!cls) continue;
        if (fn.kind === 'constructor') cls.statics.push(`new${ts.signature(e.func.type).replace(/: [^:]+$/, '')}: ${pascalCase(fn.resource)};`);
        else if (fn.kind === 'static') cls.statics.push(`${fn.name}${ts.signature(e.func.type, false, async)};`);
        else cls.methods.push(`${fn.name}${ts.signature(e.func.type, true, async)};`);
      }
    } else if (e.kind === 'instance') {
      const body = members(ts, e.exports, indent + '  ', async);
      out.push(`${indent}${str(top ? exportShortName(n) : n)}: {`, ...body, `${indent}};`);
      if (top && exportShortName(n) !== n) out.push(`${indent}${str(n)}: Exports[${str(exportShortName(n))}];`);
    }
  }
  for (const [n, { statics, methods }] of classes) {
    const prototype = methods.length ? [`prototype: { ${methods.join(' ')} };`] : [];
    out.push(`${indent}${pascalCase(n)}: { ${[...statics, ...prototype].join(' ')} };`);
  }
  return out;
}

function instanceMembers(ts: TsTypes, i: ImportInstance): string {
  const fns = [...i.funcs].filter(([f]) => parseFuncName(f).kind === 'free').map(([f, t]) => `${camelCase(f)}${ts.signature(t, false, false, true)};`);
  const classes = [...i.resources.keys()].map((r) => `${pascalCase(r)}: Function;`);
  const nested = [...i.instances].map(([n, x]) => `${camelCase(n)}: ${instanceMembers(ts, x)};`);
  return `{ ${[...fns, ...classes, ...nested].join(' ')} }`;
}

function importMembers(ts: TsTypes, imports: Map<string, ImportItem>): string[] {
  const out: string[] = [];
  for (const [n, i] of imports) {
    if (i.kind === 'func') out.push(`  ${str(n)}: { default${ts.signature(i.type, false, false, true)} };`);
    else if (i.kind === 'resource') out.push(`  ${str(n)}: { default: Function };`);
    else if (i.kind === 'instance') out.push(`  ${str(n)}: ${instanceMembers(ts, i)};`);
  }
  return out;
}

/** A minimal declaration file for the world: exports, and the import object in instantiation mode. */
export function writeDts(plan: Plan, instantiation: boolean, async: boolean, jsCores = false): string {
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
  // Named value types are declared as the members below first mention them, so write those first.
  const ts = new TsTypes(new Set([...resourceNames, 'Exports', 'ImportObject']));
  const exportsType = ['{', ...members(ts, plan.exports, '  ', async, true), '}'].join('\n');
  const importObject = instantiation ? [`export interface ImportObject {`, ...importMembers(ts, plan.imports), `}`] : [];
  lines.push(...ts.declarations);
  lines.push(`export interface Exports ${exportsType}`);
  if (instantiation) {
    lines.push(...importObject);
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
    let local = 0;
    for (const n of plan.exports.keys()) {
      const name = exportShortName(n);
      if (isIdentifier(name)) {
        lines.push(`export declare const ${name}: Exports[${str(name)}];`);
        continue;
      }
      // A reserved word (an export `switch`, say) is exported under a string name, as the glue does.
      const as = `$export${local++}`;
      lines.push(`declare const ${as}: Exports[${str(name)}];`, `export { ${as} as ${str(name)} };`);
    }
  }
  return lines.join('\n') + '\n';
}
