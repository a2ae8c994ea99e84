import { camelCase } from '../js/names.js';
import type { ValType } from '../types/model.js';
import type { AbiCtx } from './context.js';
import { ZERO, optionIsTagged, typeName, typedArrayFor, widen } from './context.js';
import { block } from './lift.js';
import { alignment, flatten, mapEntry, recordLayout, size, variantCases, variantLayout } from '../types/layout.js';

const str = JSON.stringify;

/** Emits the check that `v` (an identifier) is a valid JS value for a scalar `t`. */
function checkScalar(ctx: AbiCtx, t: ValType, v: string, where: string): void {
  const bad = `${ctx.helper('$bad')}(${ctx.where(where)}, ${ctx.text(t.kind)}, ${v})`;
  const cond: Partial<Record<ValType['kind'], string>> = {
    bool: `typeof ${v} !== 'boolean'`,
    u8: `(${v} & 255) !== ${v}`,
    s8: `(${v} << 24 >> 24) !== ${v}`,
    u16: `(${v} & 65535) !== ${v}`,
    s16: `(${v} << 16 >> 16) !== ${v}`,
    u32: `${v} >>> 0 !== ${v}`,
    s32: `(${v} | 0) !== ${v}`,
    u64: `typeof ${v} !== 'bigint' || BigInt.asUintN(64, ${v}) !== ${v}`,
    s64: `typeof ${v} !== 'bigint' || BigInt.asIntN(64, ${v}) !== ${v}`,
    f32: `typeof ${v} !== 'number'`,
    f64: `typeof ${v} !== 'number'`,
  };
  ctx.code.line(`if (${cond[t.kind]}) ${bad};`);
}

function checkObject(ctx: AbiCtx, v: string, t: ValType, where: string): void {
  ctx.code.line(`if (${v} === null || typeof ${v} !== 'object') ${ctx.helper('$bad')}(${ctx.where(where)}, ${ctx.text(typeName(t))}, ${v});`);
}

function checkArray(ctx: AbiCtx, v: string, t: ValType, where: string): void {
  ctx.code.line(`if (!Array.isArray(${v})) ${ctx.helper('$bad')}(${ctx.where(where)}, ${ctx.text(typeName(t))}, ${v});`);
}

function stringLower(ctx: AbiCtx): string {
  return ctx.helper(ctx.encoding === 'utf8' ? '$lowerUtf8' : ctx.encoding === 'utf16' ? '$lowerUtf16' : '$lowerLatin1Utf16');
}

/** Binds `expr` to a local unless it already is a plain identifier. */
function ident(ctx: AbiCtx, expr: string, hint = 'x'): string {
  return /^[A-Za-z_$][\w$]*$/.test(expr) ? expr : ctx.code.let(expr, hint);
}

/** Generates code that checks and lowers JS value `v` to flat core values; returns their expressions. */
export function lowerFlat(ctx: AbiCtx, t: ValType, value: string, where: string): string[] {
  const c = ctx.code;
  const v = ident(ctx, value);
  switch (t.kind) {
    case 'bool':
      checkScalar(ctx, t, v, where);
      return [`(${v} ? 1 : 0)`];
    case 'u8':
    case 's8':
    case 'u16':
    case 's16':
    case 'u32':
    case 's32':
    case 'u64':
    case 's64':
    case 'f32':
    case 'f64':
      checkScalar(ctx, t, v, where);
      return [v];
    case 'char':
      return [c.let(`${ctx.helper('$lowerChar')}(${v}, ${ctx.where(where)})`, 'c')];
    case 'string': {
      const p = c.let(`${stringLower(ctx)}(${v}, ${ctx.mem()}, ${ctx.realloc()}, ${ctx.where(where)})`, 'p');
      return [p, c.let(ctx.helper('$len'), 'n')];
    }
    case 'list': {
      if (t.length !== undefined) {
        checkFixed(ctx, t, v, where);
        return Array.from({ length: t.length }, (_, i) => lowerFlat(ctx, t.elem, `${v}[${i}]`, `${where}[${i}]`)).flat();
      }
      return lowerList(ctx, t, v, where);
    }
    case 'map':
      return lowerMap(ctx, t, v, where);
    case 'record':
      checkObject(ctx, v, t, where);
      return t.fields.flatMap((f) => lowerFlat(ctx, f.type, `${v}.${camelCase(f.name)}`, `${where}.${camelCase(f.name)}`));
    case 'tuple':
      checkArray(ctx, v, t, where);
      return t.types.flatMap((x, i) => lowerFlat(ctx, x, `${v}[${i}]`, `${where}[${i}]`));
    case 'flags': {
      checkObject(ctx, v, t, where);
      const words = Math.ceil(t.names.length / 32);
      return Array.from({ length: words }, (_, w) => {
        const bits = t.names.slice(w * 32, w * 32 + 32).map((n, i) => `(${v}.${camelCase(n)} ? ${(1 << i) | 0} : 0)`);
        return c.let(bits.join(' | '), 'f');
      });
    }
    case 'enum':
      return [lowerEnum(ctx, t, v, where)];
    case 'own':
    case 'borrow':
      return [lowerHandle(ctx, t, v, where)];
    case 'variant':
    case 'option':
    case 'result': {
      const flat = flatten(t);
      const slots = flat.slice(1).map((f) => {
        const s = c.tmp('s');
        c.line(`let ${s} = ${ZERO[f]};`);
        return s;
      });
      const d = lowerCases(ctx, t, v, where, (payload, val, w) => {
        const vals = lowerFlat(ctx, payload, val, w);
        const types = flatten(payload);
        vals.forEach((x, i) => c.line(`${slots[i]} = ${widen(ctx, x, types[i]!, flat[i + 1]!)};`));
      });
      return [d, ...slots];
    }
    case 'stream':
    case 'future':
      return [c.let(`${ctx.helper('$lowerEnd')}(${ctx.table}, ${v}, ${t.kind === 'future'}, ${ctx.asyncType(t)}, ${ctx.where(where)})`, 'h')];
    case 'error-context':
      return [c.let(`${ctx.helper('$lowerErrorContext')}(${ctx.table}, ${v}, ${ctx.where(where)})`, 'h')];
  }
}

function checkFixed(ctx: AbiCtx, t: ValType & { kind: 'list' }, v: string, where: string): void {
  ctx.code.line(
    `if (!Array.isArray(${v}) && !ArrayBuffer.isView(${v}) || ${v}.length !== ${t.length}) ${ctx.helper('$bad')}(${ctx.where(where)}, ${ctx.text(typeName(t))}, ${v});`,
  );
}

/** Enum case name -> discriminant through one shared Map per enum type. */
function lowerEnum(ctx: AbiCtx, t: ValType & { kind: 'enum' }, v: string, where: string): string {
  const c = ctx.code;
  const cases = ctx.constant(`new Map(${JSON.stringify(t.names.map((n, i) => [n, i]))})`);
  const d = c.let(`${cases}.get(${v})`, 'd');
  c.line(`if (${d} === undefined) ${ctx.helper('$bad')}(${ctx.where(where)}, ${ctx.text(typeName(t))}, ${v});`);
  return d;
}

/**
 * Shared by flat and memory lowering of variant-like types: dispatches on the JS value,
 * calls `payload` for the selected case, and returns the discriminant variable.
 */
function lowerCases(ctx: AbiCtx, t: ValType, v: string, where: string, payload: (t: ValType, val: string, where: string) => void): string {
  const c = ctx.code;
  const cases = variantCases(t);
  const d = c.tmp('d');
  c.line(`let ${d};`);
  if (t.kind === 'option' && !optionIsTagged(t)) {
    const some = block(ctx, () => payload(t.type, v, `${where}`));
    c.line(`if (${v} === undefined || ${v} === null) ${d} = 0;`);
    c.line(`else { ${d} = 1;`);
    c.lines.push(...some.map((l) => '  ' + l));
    c.line('}');
    return d;
  }
  checkObject(ctx, v, t, where);
  c.line(`switch (${v}.tag) {`);
  cases.forEach((k, i) => {
    const body = block(ctx, () => {
      if (k.type) payload(k.type, `${v}.val`, `${where}.val`);
    });
    c.line(`case ${str(k.name)}: {`);
    c.line(`  ${d} = ${i};`);
    c.lines.push(...body.map((l) => '  ' + l));
    c.line('  break; }');
  });
  const expected = `${typeName(t)} with tag ${cases.map((k) => `'${k.name}'`).join(' | ')}`;
  c.line(`default: ${ctx.helper('$bad')}(${ctx.where(where)}, ${ctx.text(expected)}, ${v}.tag);`);
  c.line('}');
  return d;
}

function lowerHandle(ctx: AbiCtx, t: ValType & { kind: 'own' | 'borrow' }, v: string, where: string): string {
  const c = ctx.code;
  const res = ctx.resource(t.resource);
  const type = ctx.text(typeName(t));
  if (t.kind === 'borrow' && res.guest && res.definer === ctx.instance) {
    return c.let(`${ctx.helper('$unwrap')}(${res.cls}, ${v}, false, ${ctx.where(where)}, ${type})`, 'r');
  }
  const rep = res.guest
    ? `${ctx.helper('$unwrap')}(${res.cls}, ${v}, ${t.kind === 'own'}, ${ctx.where(where)}, ${type})`
    : `${ctx.helper('$hostCheck')}(${res.cls}, ${v}, ${ctx.where(where)}, ${type})`;
  if (t.kind === 'own') return c.let(`${ctx.table}.own(${res.id}, ${rep})`, 'h');
  const scope = ctx.borrowScope();
  c.line(`${scope}.n++;`);
  return c.let(`${ctx.table}.borrow(${res.id}, ${rep}, ${scope})`, 'h');
}

/** Allocates and fills a list; returns [ptr, length]. */
function lowerList(ctx: AbiCtx, t: ValType & { kind: 'list' }, v: string, where: string): string[] {
  const c = ctx.code;
  const elem = t.elem;
  const sz = size(elem);
  const al = alignment(elem);
  const typed = typedArrayFor(elem);
  if (typed) {
    const ta = c.tmp('ta');
    c.line(`const ${ta} = ${v} instanceof ${typed} ? ${v} : ${typedFrom(ctx, typed, elem, v, where)};`);
    const n = c.let(`${ta}.length`, 'n');
    const p = c.let(`${ctx.realloc()}(0, 0, ${al}, ${n} * ${sz}) >>> 0`, 'p');
    c.line(`${ctx.helper('$range')}(${ctx.view()}, ${p}, ${n} * ${sz}, ${al}, ${ctx.text('list')});`);
    c.line(`new Uint8Array(${ctx.view()}.buffer, ${p}, ${n} * ${sz}).set(new Uint8Array(${ta}.buffer, ${ta}.byteOffset, ${n} * ${sz}));`);
    return [p, n];
  }
  checkArray(ctx, v, t, where);
  const n = c.let(`${v}.length`, 'n');
  const p = c.let(`${ctx.realloc()}(0, 0, ${al}, ${n} * ${sz}) >>> 0`, 'p');
  c.line(`${ctx.helper('$range')}(${ctx.view()}, ${p}, ${n} * ${sz}, ${al}, ${ctx.text('list')});`);
  const i = c.tmp('i');
  const body = block(ctx, () => lowerMem(ctx, elem, `${v}[${i}]`, `${p} + ${i} * ${sz}`, `${where}[]`));
  c.line(`for (let ${i} = 0; ${i} < ${n}; ${i}++) {`);
  c.lines.push(...body.map((l) => '  ' + l));
  c.line('}');
  return [p, n];
}

/** Allocates and fills a map's entries from a Map or an array of [key, value] pairs; returns [ptr, length]. */
function lowerMap(ctx: AbiCtx, t: ValType & { kind: 'map' }, v: string, where: string): string[] {
  const c = ctx.code;
  const entry = mapEntry(t);
  const sz = size(entry);
  const al = alignment(entry);
  const { offsets } = recordLayout([t.key, t.value]);
  c.line(
    `if (!(${v} instanceof Map) && !Array.isArray(${v})) ${ctx.helper('$bad')}(${ctx.where(where)}, ${ctx.text(`${typeName(t)} (a Map or [key, value] pairs)`)}, ${v});`,
  );
  const n = c.let(`${v} instanceof Map ? ${v}.size : ${v}.length`, 'n');
  const p = c.let(`${ctx.realloc()}(0, 0, ${al}, ${n} * ${sz}) >>> 0`, 'p');
  c.line(`${ctx.helper('$range')}(${ctx.view()}, ${p}, ${n} * ${sz}, ${al}, ${ctx.text('map')});`);
  const i = c.tmp('i');
  const k = c.tmp('k');
  const x = c.tmp('x');
  const body = block(ctx, () => {
    const e = c.let(`${p} + ${i}++ * ${sz}`, 'e');
    lowerMem(ctx, t.key, k, `${e} + ${offsets[0]}`, `${where} key`);
    lowerMem(ctx, t.value, x, `${e} + ${offsets[1]}`, `${where} value`);
  });
  c.line(`let ${i} = 0;`);
  c.line(`for (const [${k}, ${x}] of ${v}) {`);
  c.lines.push(...body.map((l) => '  ' + l));
  c.line('}');
  return [p, n];
}

/** Accepts a plain array for a numeric list, checking every element. */
function typedFrom(ctx: AbiCtx, typed: string, elem: ValType, v: string, where: string): string {
  const f = ctx.constant(`(v, fn, path) => {
  if (!Array.isArray(v)) ${ctx.helper('$bad')}(fn, path, ${str(`list<${elem.kind}> (${typed} or array)`)}, v);
  for (const x of v) ${checkExpr(elem, 'x')} && ${ctx.helper('$bad')}(fn, path + '[]', ${str(elem.kind)}, x);
  return ${typed}.from(v);
}`);
  return `${f}(${v}, ${ctx.where(where)})`;
}

function checkExpr(t: ValType, x: string): string {
  switch (t.kind) {
    case 'u8':
      return `(${x} & 255) !== ${x}`;
    case 's8':
      return `(${x} << 24 >> 24) !== ${x}`;
    case 'u16':
      return `(${x} & 65535) !== ${x}`;
    case 's16':
      return `(${x} << 16 >> 16) !== ${x}`;
    case 'u32':
      return `${x} >>> 0 !== ${x}`;
    case 's32':
      return `(${x} | 0) !== ${x}`;
    case 'u64':
      return `(typeof ${x} !== 'bigint' || BigInt.asUintN(64, ${x}) !== ${x})`;
    case 's64':
      return `(typeof ${x} !== 'bigint' || BigInt.asIntN(64, ${x}) !== ${x})`;
    default:
      return `typeof ${x} !== 'number'`;
  }
}

const STORES: Partial<Record<ValType['kind'], string>> = {
  u8: 'setUint8',
  s8: 'setInt8',
  u16: 'setUint16',
  s16: 'setInt16',
  u32: 'setUint32',
  s32: 'setInt32',
  u64: 'setBigUint64',
  s64: 'setBigInt64',
  f32: 'setFloat32',
  f64: 'setFloat64',
};

/** Generates code that checks JS value `value` and stores it at `ptr` (an in-bounds address expression). */
export function lowerMem(ctx: AbiCtx, t: ValType, value: string, ptr: string, where: string): void {
  const c = ctx.code;
  const v = ident(ctx, value);
  const store = STORES[t.kind];
  if (store) {
    checkScalar(ctx, t, v, where);
    c.line(`${ctx.view()}.${store}(${ptr}, ${v}, true);`);
    return;
  }
  switch (t.kind) {
    case 'bool':
      checkScalar(ctx, t, v, where);
      c.line(`${ctx.view()}.setUint8(${ptr}, ${v} ? 1 : 0);`);
      return;
    case 'char':
    case 'own':
    case 'borrow':
    case 'stream':
    case 'future':
    case 'error-context': {
      const [x] = lowerFlat(ctx, t, v, where);
      c.line(`${ctx.view()}.setInt32(${ptr}, ${x}, true);`);
      return;
    }
    case 'enum': {
      const d = lowerEnum(ctx, t, v, where);
      c.line(`${ctx.view()}.${discStore(variantLayout(t).discSize)}(${ptr}, ${d}, true);`);
      return;
    }
    case 'string': {
      const a = ident(ctx, ptr, 'a');
      const [p, n] = lowerFlat(ctx, t, v, where);
      c.line(`${ctx.view()}.setUint32(${a}, ${p}, true);`);
      c.line(`${ctx.view()}.setUint32(${a} + 4, ${n}, true);`);
      return;
    }
    case 'list': {
      const a = ident(ctx, ptr, 'a');
      if (t.length !== undefined) {
        checkFixed(ctx, t, v, where);
        const sz = size(t.elem);
        for (let i = 0; i < t.length; i++) lowerMem(ctx, t.elem, `${v}[${i}]`, `${a} + ${i * sz}`, `${where}[${i}]`);
        return;
      }
      const [p, n] = lowerList(ctx, t, v, where);
      c.line(`${ctx.view()}.setUint32(${a}, ${p}, true);`);
      c.line(`${ctx.view()}.setUint32(${a} + 4, ${n}, true);`);
      return;
    }
    case 'map': {
      const a = ident(ctx, ptr, 'a');
      const [p, n] = lowerMap(ctx, t, v, where);
      c.line(`${ctx.view()}.setUint32(${a}, ${p}, true);`);
      c.line(`${ctx.view()}.setUint32(${a} + 4, ${n}, true);`);
      return;
    }
    case 'record':
    case 'tuple': {
      const a = ident(ctx, ptr, 'a');
      if (t.kind === 'record') {
        checkObject(ctx, v, t, where);
        const { offsets } = recordLayout(t.fields.map((f) => f.type));
        t.fields.forEach((f, i) => lowerMem(ctx, f.type, `${v}.${camelCase(f.name)}`, `${a} + ${offsets[i]}`, `${where}.${camelCase(f.name)}`));
      } else {
        checkArray(ctx, v, t, where);
        const { offsets } = recordLayout(t.types);
        t.types.forEach((x, i) => lowerMem(ctx, x, `${v}[${i}]`, `${a} + ${offsets[i]}`, `${where}[${i}]`));
      }
      return;
    }
    case 'flags': {
      const a = ident(ctx, ptr, 'a');
      const words = lowerFlat(ctx, t, v, where);
      const n = t.names.length;
      if (n <= 8) c.line(`${ctx.view()}.setUint8(${a}, ${words[0]});`);
      else if (n <= 16) c.line(`${ctx.view()}.setUint16(${a}, ${words[0]}, true);`);
      else words.forEach((w, i) => c.line(`${ctx.view()}.setInt32(${a} + ${i * 4}, ${w}, true);`));
      return;
    }
    case 'variant':
    case 'option':
    case 'result': {
      const a = ident(ctx, ptr, 'a');
      const { discSize, payloadOffset } = variantLayout(t);
      const d = lowerCases(ctx, t, v, where, (payload, val, w) => lowerMem(ctx, payload, val, `${a} + ${payloadOffset}`, w));
      c.line(`${ctx.view()}.${discStore(discSize)}(${a}, ${d}, true);`);
      return;
    }
  }
}

/**
 * Stores a `result` whose case is already known as a boolean (`ok` names it) with its
 * payload in `v`: how a host call's return value or thrown error reaches the guest, without
 * first building a `{ tag, val }` object.
 */
export function lowerResultMem(ctx: AbiCtx, t: ValType & { kind: 'result' }, ok: string, v: string, ptr: string, where: string): void {
  const c = ctx.code;
  const a = ident(ctx, ptr, 'a');
  const { discSize, payloadOffset } = variantLayout(t);
  const payload = (p: ValType | undefined) =>
    block(ctx, () => {
      if (p) lowerMem(ctx, p, v, `${a} + ${payloadOffset}`, `${where}.val`);
    });
  const okBody = payload(t.ok);
  const errBody = payload(t.err);
  if (okBody.length || errBody.length) {
    c.line(`if (${ok}) {`);
    c.lines.push(...okBody.map((l) => '  ' + l));
    c.line('} else {');
    c.lines.push(...errBody.map((l) => '  ' + l));
    c.line('}');
  }
  c.line(`${ctx.view()}.${discStore(discSize)}(${a}, ${ok} ? 0 : 1, true);`);
}

function discStore(n: 1 | 2 | 4): string {
  return n === 1 ? 'setUint8' : n === 2 ? 'setUint16' : 'setUint32';
}
