import type { CoreFuncSig, CoreItemType, CoreModuleInfo } from '../decode/ast.js';
import { WeftError } from '../error.js';
import type { AnyType, ComponentType, ExternDesc, FuncType, InstanceType, Resource, ValType } from './model.js';
import { substExtern } from './subst.js';

/** The resource `r` is, for type checking: the one its renamed copies were made from. */
export function canonResource(r: Resource): Resource {
  return r.aliasOf ?? r;
}

/** Makes `alias` a renamed copy of `r`: a new identity for visibility, the same resource for type checking. */
export function aliasResource(r: Resource, alias: Resource): void {
  const canon = canonResource(r);
  alias.aliasOf = canon;
  alias.renamedFrom = r;
  (canon.aliases ??= []).push(alias);
}

/** Whether `x`, or the type it was renamed from (transitively), satisfies `named`. */
export function namedVia(x: Resource | ValType, named: (x: object) => boolean): boolean {
  for (let y: Resource | ValType | undefined = x; y; y = y.renamedFrom) if (named(y)) return true;
  return false;
}

/**
 * Why a table, memory or global of type `got` cannot satisfy an import of type `want` (the core
 * import matching rules as wasmparser applies them: a global's shared flag is not compared),
 * or undefined when it can. Reference types are not told apart here.
 */
export function itemMismatch(got: CoreItemType, want: CoreItemType): string | undefined {
  if (got.kind !== want.kind) return `expected a ${want.kind}, found a ${got.kind}`;
  if (got.kind === 'global') {
    const w = want as typeof got;
    if (got.mutable !== w.mutable) return `expected ${w.mutable ? 'a mutable' : 'an immutable'} global`;
    return got.type !== w.type ? `expected a global of type ${w.type}, found ${got.type}` : undefined;
  }
  if (got.kind === 'memory') {
    const w = want as typeof got;
    if (got.memory64 !== w.memory64 || got.shared !== w.shared || pageSizeLog2(got) !== pageSizeLog2(w)) return 'mismatch in memory type';
  } else {
    const w = want as typeof got;
    if (got.elem !== w.elem || got.table64 !== w.table64 || got.shared !== w.shared) return 'mismatch in table type';
  }
  const w = want as typeof got;
  const limitsFit = got.min >= w.min && (w.max === undefined || (got.max !== undefined && got.max <= w.max));
  return limitsFit ? undefined : `mismatch in ${got.kind} limits: expected ${limitsText(w)}, found ${limitsText(got)}`;
}

/** 64 KiB pages unless the memory has a custom page size. */
export const DEFAULT_PAGE_SIZE_LOG2 = 16;
const pageSizeLog2 = (m: { pageSizeLog2?: number }) => m.pageSizeLog2 ?? DEFAULT_PAGE_SIZE_LOG2;

const limitsText = (t: { min: bigint; max?: bigint }) => `${t.min}${t.max === undefined ? '' : `..${t.max}`}`;

const fail = (msg: string): never => {
  throw new Mismatch(msg);
};

/** A subtyping failure; turned into a `WeftError` with the offending definition's offset. */
export class Mismatch extends Error {}

export function expectSub(a: ExternDesc, b: ExternDesc, what: string, offset: number): void {
  try {
    subExtern(a, b);
  } catch (e) {
    if (e instanceof Mismatch) throw new WeftError(`${what}: ${e.message}`, offset);
    throw e;
  }
}

function subExtern(a: ExternDesc, b: ExternDesc): void {
  if (a.kind !== b.kind) fail(`expected ${b.kind}, found ${a.kind}`);
  switch (b.kind) {
    case 'func':
      subFunc((a as typeof b).type, b.type);
      break;
    case 'instance':
      subInstance((a as typeof b).type, b.type);
      break;
    case 'component':
      subComponent((a as typeof b).type, b.type);
      break;
    case 'type':
      subType((a as typeof b).type, b.type);
      break;
    case 'module': {
      const x = (a as typeof b).info;
      if (x && b.info) subModule(x, b.info);
      break;
    }
    default:
      break;
  }
}

function sigText(t: CoreFuncSig | undefined): string {
  return t ? `(${t.params.join(' ')}) -> (${t.results.join(' ')})` : '?';
}

function sameCore(k1: string, t1: CoreFuncSig | undefined, k2: string, t2: CoreFuncSig | undefined): boolean {
  if (k1 !== k2) return false;
  if (!t1 || !t2) return true;
  return sigText(t1) === sigText(t2);
}

function subModule(a: CoreModuleInfo, b: CoreModuleInfo): void {
  for (const i of a.imports) {
    const j = b.imports.find((x) => x.module === i.module && x.name === i.name);
    if (!j) fail(`missing expected import \`${i.module}::${i.name}\``);
    if (!sameCore(j!.kind, j!.type, i.kind, i.type))
      fail(`type mismatch in import \`${i.module}::${i.name}\`: expected ${i.kind} ${sigText(i.type)}, found ${j!.kind} ${sigText(j!.type)}`);
    const mismatch = i.item && j!.item && itemMismatch(j!.item, i.item);
    if (mismatch) fail(`type mismatch in import \`${i.module}::${i.name}\`: ${mismatch}`);
  }
  for (const e of b.exports) {
    const f = a.exports.find((x) => x.name === e.name);
    if (!f) fail(`missing expected export \`${e.name}\``);
    if (!sameCore(f!.kind, f!.type, e.kind, e.type))
      fail(`type mismatch in export \`${e.name}\`: expected ${e.kind} ${sigText(e.type)}, found ${f!.kind} ${sigText(f!.type)}`);
    const mismatch = e.item && f!.item && itemMismatch(f!.item, e.item);
    if (mismatch) fail(`type mismatch in export \`${e.name}\`: ${mismatch}`);
  }
}

function subFunc(a: FuncType, b: FuncType): void {
  if (!a.async !== !b.async) fail(b.async ? 'expected an async function, found a sync one' : 'expected a sync function, found an async one');
  if (a.params.length !== b.params.length) fail(`expected ${b.params.length} parameters, found ${a.params.length}`);
  a.params.forEach((p, i) => {
    const q = b.params[i]!;
    if (p.name !== q.name) fail(`expected parameter named \`${q.name}\`, found \`${p.name}\``);
    within(`type mismatch in function parameter \`${p.name}\``, () => eqVal(p.type, q.type));
  });
  if (!a.result !== !b.result) fail(b.result ? 'expected a result, found none' : 'expected no result, found one');
  if (a.result) within('type mismatch with result type', () => eqVal(a.result!, b.result!));
}

function within(ctx: string, f: () => void): void {
  try {
    f();
  } catch (e) {
    if (e instanceof Mismatch) throw new Mismatch(`${ctx}: ${e.message}`);
    throw e;
  }
}

function subInstance(a: InstanceType, b: InstanceType): void {
  for (const [name, want] of b.exports) {
    const got = a.exports.get(name);
    if (!got) fail(`missing expected export \`${name}\``);
    within(`type mismatch in instance export \`${name}\``, () => subExtern(got!, want));
  }
}

function subComponent(a0: ComponentType, b: ComponentType): void {
  const subst = new Map<Resource, Resource>();
  const bind = (x: Map<string, ExternDesc>, y: Map<string, ExternDesc>) => {
    for (const [n, d] of x) {
      const e = y.get(n);
      if (d.kind === 'type' && d.type.kind === 'resource' && e?.kind === 'type' && e.type.kind === 'resource') {
        const r = canonResource(d.type.resource);
        if (r.origin === 'abstract' && r !== canonResource(e.type.resource)) subst.set(d.type.resource, e.type.resource);
      }
    }
  };
  bind(a0.imports, b.imports);
  bind(a0.exports, b.exports);
  const memo = new Map<object, object>();
  const a: ComponentType =
    subst.size === 0
      ? a0
      : {
          kind: 'component',
          imports: new Map([...a0.imports].map(([n, d]) => [n, substExtern(d, subst, memo)])),
          exports: new Map([...a0.exports].map(([n, d]) => [n, substExtern(d, subst, memo)])),
        };
  for (const [name, need] of a.imports) {
    const have = b.imports.get(name);
    if (!have) fail(`missing expected import \`${name}\``);
    within(`type mismatch in import \`${name}\``, () => subExtern(have!, need));
  }
  for (const [name, want] of b.exports) {
    const got = a.exports.get(name);
    if (!got) fail(`missing expected export \`${name}\``);
    within(`type mismatch in export \`${name}\``, () => subExtern(got!, want));
  }
}

function subType(a: AnyType, b: AnyType): void {
  if (b.kind === 'resource') {
    if (a.kind !== 'resource') fail(`expected resource, found ${a.kind === 'value' ? 'defined type' : a.kind}`);
    if (canonResource((a as typeof b).resource) !== canonResource(b.resource)) fail('resource types are not the same');
    return;
  }
  if (a.kind === 'resource') fail(`expected ${b.kind === 'value' ? 'defined type' : b.kind}, found resource`);
  if (a.kind !== b.kind) fail(`expected ${b.kind} type, found ${a.kind} type`);
  switch (b.kind) {
    case 'value':
      eqVal((a as typeof b).type, b.type);
      break;
    case 'func':
      subFunc((a as typeof b).type, b.type);
      break;
    case 'instance':
      subInstance(a as InstanceType, b);
      break;
    case 'component':
      subComponent(a as ComponentType, b);
      break;
    default:
      break;
  }
}

const PRIM = /^(bool|s8|u8|s16|u16|s32|u32|s64|u64|f32|f64|char|string)$/;

/** Value types are compared structurally; resources by identity. */
export function eqVal(a: ValType, b: ValType): void {
  if (a === b) return;
  if (a.kind !== b.kind) {
    const show = (t: ValType) => (PRIM.test(t.kind) ? `primitive \`${t.kind}\`` : t.kind);
    fail(`expected ${show(b)}, found ${show(a)}`);
  }
  switch (b.kind) {
    case 'record': {
      const x = a as typeof b;
      if (x.fields.length !== b.fields.length) fail(`expected ${b.fields.length} fields, found ${x.fields.length}`);
      x.fields.forEach((f, i) => {
        const g = b.fields[i]!;
        if (f.name !== g.name) fail(`expected field name \`${g.name}\`, found \`${f.name}\``);
        within(`type mismatch in record field \`${f.name}\``, () => eqVal(f.type, g.type));
      });
      return;
    }
    case 'variant': {
      const x = a as typeof b;
      if (x.cases.length !== b.cases.length) fail(`expected ${b.cases.length} cases, found ${x.cases.length}`);
      x.cases.forEach((c, i) => {
        const d = b.cases[i]!;
        if (c.name !== d.name) fail(`expected case named \`${d.name}\`, found \`${c.name}\``);
        if (d.type && !c.type) fail(`expected case \`${c.name}\` to have a type, found none`);
        if (!d.type && c.type) fail(`expected case \`${c.name}\` to have no type`);
        if (c.type) within(`type mismatch in variant case \`${c.name}\``, () => eqVal(c.type!, d.type!));
      });
      return;
    }
    case 'list': {
      const x = a as typeof b;
      if (x.length !== b.length) fail('list lengths differ');
      within('type mismatch in list element', () => eqVal(x.elem, b.elem));
      return;
    }
    case 'tuple': {
      const x = a as typeof b;
      if (x.types.length !== b.types.length) fail(`expected ${b.types.length} types, found ${x.types.length}`);
      x.types.forEach((t, i) => within(`type mismatch in tuple field ${i}`, () => eqVal(t, b.types[i]!)));
      return;
    }
    case 'flags':
    case 'enum': {
      const x = a as typeof b;
      if (x.names.length !== b.names.length || x.names.some((n, i) => n !== b.names[i])) fail(`mismatch in ${b.kind} elements`);
      return;
    }
    case 'map': {
      const x = a as typeof b;
      within('type mismatch in map key', () => eqVal(x.key, b.key));
      within('type mismatch in map value', () => eqVal(x.value, b.value));
      return;
    }
    case 'stream':
    case 'future': {
      const x = a as typeof b;
      if (!!x.elem !== !!b.elem) fail(`expected ${b.kind} ${b.elem ? 'with' : 'without'} an element type`);
      if (x.elem) within(`type mismatch in ${b.kind} element`, () => eqVal(x.elem!, b.elem!));
      return;
    }
    case 'error-context':
      return;
    case 'option':
      within('type mismatch in option', () => eqVal((a as typeof b).type, b.type));
      return;
    case 'result': {
      const x = a as typeof b;
      for (const k of ['ok', 'err'] as const) {
        if (b[k] && !x[k]) fail(`expected ${k} type, but found none`);
        if (!b[k] && x[k]) fail(`expected ${k} type to not be present`);
        if (x[k]) within(`type mismatch in ${k} variant`, () => eqVal(x[k]!, b[k]!));
      }
      return;
    }
    case 'own':
    case 'borrow':
      if (canonResource((a as typeof b).resource) !== canonResource(b.resource)) fail('resource types are not the same');
      return;
    default:
      return;
  }
}
