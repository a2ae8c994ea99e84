import type { AnyType, ExternDesc, FuncType, Resource, ValType } from './model.js';

/**
 * Substitutes resources in a type, mapping each distinct object to one copy and keeping
 * unchanged subtrees, so that identities (which external visibility relies on) survive.
 * `memo` may be seeded with value types to replace (imported types by their arguments).
 * The one substitution of the compiler: validation instantiates component types and freshens
 * imports with it, the linker binds an imported instance's resources to host classes.
 */
export function substExtern(d: ExternDesc, subst: Map<Resource, Resource>, memo: Map<object, object>): ExternDesc {
  if (subst.size === 0 && memo.size === 0) return d;
  switch (d.kind) {
    case 'func':
      return { kind: 'func', type: substFunc(d.type, subst, memo) };
    case 'type':
      return { kind: 'type', type: substAny(d.type, subst, memo) };
    case 'instance':
      return { kind: 'instance', type: substAny(d.type, subst, memo) as typeof d.type };
    case 'component':
      return { kind: 'component', type: substAny(d.type, subst, memo) as typeof d.type };
    default:
      return d;
  }
}

function map(m: Map<string, ExternDesc>, subst: Map<Resource, Resource>, memo: Map<object, object>): Map<string, ExternDesc> {
  const out = new Map<string, ExternDesc>();
  for (const [k, d] of m) out.set(k, substExtern(d, subst, memo));
  return out;
}

export function substAny(t: AnyType, subst: Map<Resource, Resource>, memo: Map<object, object>): AnyType {
  const hit = memo.get(t);
  if (hit) return hit as AnyType;
  let out: AnyType;
  switch (t.kind) {
    case 'value': {
      const v = val(t.type, subst, memo);
      out = v === t.type ? t : { kind: 'value', type: v };
      break;
    }
    case 'func': {
      const f = substFunc(t.type, subst, memo);
      out = f === t.type ? t : { kind: 'func', type: f };
      break;
    }
    case 'resource': {
      const r = subst.get(t.resource);
      out = r ? { kind: 'resource', resource: r } : t;
      break;
    }
    case 'instance':
      out = { kind: 'instance', exports: map(t.exports, subst, memo) };
      break;
    case 'component':
      out = { kind: 'component', imports: map(t.imports, subst, memo), exports: map(t.exports, subst, memo) };
      break;
    default:
      out = t;
  }
  memo.set(t, out);
  return out;
}

export function substFunc(f: FuncType, subst: Map<Resource, Resource>, memo: Map<object, object>): FuncType {
  const params = f.params.map((p) => ({ name: p.name, type: val(p.type, subst, memo) }));
  const result = f.result && val(f.result, subst, memo);
  if (params.every((p, i) => p.type === f.params[i]!.type) && result === f.result) return f;
  return { ...f, params, ...(result ? { result } : {}) };
}

function val(t: ValType, subst: Map<Resource, Resource>, memo: Map<object, object>): ValType {
  const hit = memo.get(t);
  if (hit) return hit as ValType;
  const v = (x: ValType) => val(x, subst, memo);
  let out: ValType = t;
  switch (t.kind) {
    case 'own':
    case 'borrow': {
      const r = subst.get(t.resource);
      if (r) out = { kind: t.kind, resource: r };
      break;
    }
    case 'record': {
      const fs = t.fields.map((f) => ({ name: f.name, type: v(f.type) }));
      if (fs.some((f, i) => f.type !== t.fields[i]!.type)) out = { kind: 'record', fields: fs, ...named(t) };
      break;
    }
    case 'variant': {
      const cs = t.cases.map((c) => (c.type ? { name: c.name, type: v(c.type) } : c));
      if (cs.some((c, i) => c.type !== t.cases[i]!.type)) out = { kind: 'variant', cases: cs, ...named(t) };
      break;
    }
    case 'list': {
      const e = v(t.elem);
      if (e !== t.elem) out = { ...t, elem: e };
      break;
    }
    case 'map': {
      const k = v(t.key);
      const x = v(t.value);
      if (k !== t.key || x !== t.value) out = { kind: 'map', key: k, value: x };
      break;
    }
    case 'tuple': {
      const ts = t.types.map(v);
      if (ts.some((x, i) => x !== t.types[i])) out = { ...t, types: ts };
      break;
    }
    case 'option': {
      const x = v(t.type);
      if (x !== t.type) out = { ...t, type: x };
      break;
    }
    case 'result': {
      const ok = t.ok && v(t.ok);
      const err = t.err && v(t.err);
      if (ok !== t.ok || err !== t.err) out = { kind: 'result', ...(ok ? { ok } : {}), ...(err ? { err } : {}) };
      break;
    }
    case 'stream':
    case 'future': {
      const e = t.elem && v(t.elem);
      if (e !== t.elem) out = { kind: t.kind, ...(e ? { elem: e } : {}) };
      break;
    }
    default:
      break;
  }
  memo.set(t, out);
  return out;
}

/**
 * The WIT name a substituted copy keeps. Not `renamedFrom`: the copy is a type of its own for
 * external visibility, visible only where it is named itself.
 */
function named(t: ValType): { name?: string } {
  return t.name === undefined ? {} : { name: t.name };
}
