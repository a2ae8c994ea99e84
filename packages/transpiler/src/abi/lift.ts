import { camelCase } from '../js/names.js';
import type { ValType } from '../types/model.js';
import type { AbiCtx } from './context.js';
import { narrow, optionIsTagged, typedArrayFor } from './context.js';
import type { Flat } from '../types/layout.js';
import { alignment, flatten, mapEntry, recordLayout, size, variantCases, variantLayout } from '../types/layout.js';

/** Reads flat core values in order, converting joined variant slots back to the wanted type. */
export class FlatReader {
  private i = 0;
  constructor(
    private readonly vals: { expr: string; type: Flat }[],
    private readonly ctx: AbiCtx,
  ) {}

  next(want: Flat): string {
    const v = this.vals[this.i++];
    if (!v) throw new Error('flat value underflow');
    return narrow(this.ctx, v.expr, v.type, want);
  }

  /** Takes the next `types.length` slots unconverted. */
  raw(n: number): { expr: string; type: Flat }[] {
    const out = this.vals.slice(this.i, this.i + n);
    this.i += n;
    return out;
  }
}

/** Runs `fn` with statements redirected into a fresh list (a nested block), which is returned. */
export function block(ctx: AbiCtx, fn: () => void): string[] {
  const saved = ctx.code.lines.splice(0);
  ctx.nested++;
  fn();
  ctx.nested--;
  const inner = ctx.code.lines.splice(0);
  ctx.code.lines.push(...saved);
  return inner;
}

function stringLift(ctx: AbiCtx): string {
  return ctx.helper(ctx.encoding === 'utf8' ? '$liftUtf8' : ctx.encoding === 'utf16' ? '$liftUtf16' : '$liftLatin1Utf16');
}

/** Generates code that turns flat core values into the JS value of `t`; returns an expression. */
export function liftFlat(ctx: AbiCtx, t: ValType, r: FlatReader): string {
  const c = ctx.code;
  switch (t.kind) {
    case 'bool':
      return `(${r.next('i32')} !== 0)`;
    case 'u8':
      return `(${r.next('i32')} & 255)`;
    case 's8':
      return `(${r.next('i32')} << 24 >> 24)`;
    case 'u16':
      return `(${r.next('i32')} & 65535)`;
    case 's16':
      return `(${r.next('i32')} << 16 >> 16)`;
    case 'u32':
      return `(${r.next('i32')} >>> 0)`;
    case 's32':
      return `(${r.next('i32')} | 0)`;
    case 's64':
      return r.next('i64');
    case 'u64':
      return `BigInt.asUintN(64, ${r.next('i64')})`;
    case 'f32':
      return r.next('f32');
    case 'f64':
      return r.next('f64');
    case 'char':
      return `${ctx.helper('$liftChar')}(${r.next('i32')})`;
    case 'enum':
      return liftDisc(ctx, t, c.let(r.next('i32'), 'd'));
    case 'own':
    case 'borrow':
      return liftHandle(ctx, t, r.next('i32'));
    case 'string': {
      const p = r.next('i32');
      const l = r.next('i32');
      return c.let(`${stringLift(ctx)}(${ctx.view()}, ${p}, ${l})`, 's');
    }
    case 'list': {
      if (t.length !== undefined) {
        return `[${Array.from({ length: t.length }, () => c.let(liftFlat(ctx, t.elem, r))).join(', ')}]`;
      }
      const p = c.let(`${r.next('i32')} >>> 0`, 'p');
      const n = c.let(`${r.next('i32')} >>> 0`, 'n');
      return liftList(ctx, t.elem, p, n);
    }
    case 'map': {
      const p = c.let(`${r.next('i32')} >>> 0`, 'p');
      const n = c.let(`${r.next('i32')} >>> 0`, 'n');
      return liftMap(ctx, t, p, n);
    }
    case 'record': {
      const parts = t.fields.map((f) => `${camelCase(f.name)}: ${c.let(liftFlat(ctx, f.type, r))}`);
      return `{ ${parts.join(', ')} }`;
    }
    case 'tuple':
      return `[${t.types.map((x) => c.let(liftFlat(ctx, x, r))).join(', ')}]`;
    case 'flags': {
      const words = Math.ceil(t.names.length / 32);
      const ws = Array.from({ length: words }, () => c.let(r.next('i32'), 'f'));
      return flagsObject(t.names, ws);
    }
    case 'variant':
    case 'option':
    case 'result': {
      const d = c.let(r.next('i32'), 'd');
      const slots = r.raw(flatten(t).length - 1).map((s) => ({ expr: c.let(s.expr), type: s.type }));
      return liftCases(ctx, t, d, (payload) => liftFlat(ctx, payload, new FlatReader(slots, ctx)));
    }
    case 'stream':
    case 'future':
    case 'error-context':
      return liftAsyncValue(ctx, t, r.next('i32'));
  }
}

/** A stream or future end leaves the instance's table (its shared state moves on); an error context is shared. */
function liftAsyncValue(ctx: AbiCtx, t: ValType & { kind: 'stream' | 'future' | 'error-context' }, i: string): string {
  if (t.kind === 'error-context') return ctx.code.let(`${ctx.helper('$liftErrorContext')}(${ctx.table}, ${i})`, 'ec');
  return ctx.code.let(`${ctx.helper('$liftEnd')}(${ctx.table}, ${i}, ${t.kind === 'future'}, ${ctx.asyncType(t)})`, t.kind);
}

function flagsObject(names: string[], words: string[]): string {
  return `{ ${names.map((n, i) => `${camelCase(n)}: (${words[i >> 5]} & ${(1 << (i & 31)) >>> 0}) !== 0`).join(', ')} }`;
}

function liftDisc(ctx: AbiCtx, t: ValType & { kind: 'enum' }, d: string): string {
  const names = ctx.constant(JSON.stringify(t.names));
  return `(${d} >>> 0 < ${t.names.length} ? ${names}[${d}] : ${ctx.helper('$trap')}(\`enum discriminant \${${d}} out of range\`))`;
}

/** Shared by flat and memory lifting of variant-like types: `payload` lifts one case's value. */
function liftCases(ctx: AbiCtx, t: ValType, d: string, payload: (t: ValType) => string): string {
  const c = ctx.code;
  const cases = variantCases(t);
  const v = c.tmp('r');
  c.line(`let ${v};`);
  c.line(`switch (${d}) {`);
  cases.forEach((k, i) => {
    const body = block(ctx, () => {
      const val = k.type ? payload(k.type) : undefined;
      if (t.kind === 'option' && !optionIsTagged(t)) c.line(`${v} = ${val ?? 'undefined'};`);
      // jco's convention: a result case always has `val` (undefined without a payload); a
      // variant case or a nested option's none has no `val` key without a payload.
      else if (val !== undefined || t.kind === 'result') c.line(`${v} = { tag: ${JSON.stringify(k.name)}, val: ${val ?? 'undefined'} };`);
      else c.line(`${v} = { tag: ${JSON.stringify(k.name)} };`);
    });
    c.line(`case ${i}: {`);
    c.lines.push(...body.map((l) => '  ' + l));
    c.line('  break; }');
  });
  c.line(`default: ${ctx.helper('$trap')}(\`${t.kind} discriminant \${${d}} out of range\`);`);
  c.line('}');
  return v;
}

function liftHandle(ctx: AbiCtx, t: ValType & { kind: 'own' | 'borrow' }, h: string): string {
  const c = ctx.code;
  const res = ctx.resource(t.resource);
  if (t.kind === 'own') {
    const e = c.let(`${ctx.table}.take(${h}, ${res.id})`, 'h');
    if (!res.guest) return `${e}.rep`;
    return c.let(`${ctx.helper('$wrap')}(${res.cls}, ${e}.rep, true${res.dtor ? `, ${res.dtor}` : ''})`, 'o');
  }
  const e = c.let(`${ctx.table}.get(${h}, ${res.id})`, 'h');
  c.line(`${e}.lend++;`);
  const o = res.guest ? c.let(`${ctx.helper('$wrap')}(${res.cls}, ${e}.rep, false)`, 'o') : undefined;
  // The lend (and the borrowed wrapper) end when the call returns.
  const end = (x: string) => `${x}.lend--;${o ? ` ${o}[${ctx.helper('$rep')}] = undefined;` : ''}`;
  if (ctx.nested > 0) c.line(`${ctx.ending()}.push(${o ? `[${e}, ${o}]` : e});`);
  else ctx.after.push(end(e));
  return o ?? `${e}.rep`;
}

/** Lifts `n` elements at `p` (both already unsigned identifiers). */
export function liftList(ctx: AbiCtx, elem: ValType, p: string, n: string): string {
  const c = ctx.code;
  const sz = size(elem);
  const al = alignment(elem);
  c.line(`${ctx.helper('$range')}(${ctx.view()}, ${p}, ${n} * ${sz}, ${al}, ${ctx.text('list')});`);
  const typed = typedArrayFor(elem);
  // The range check above guarantees alignment, so a typed view is valid; its slice() copies.
  if (typed) return c.let(`new ${typed}(${ctx.view()}.buffer, ${p}, ${n}).slice()`, 'l');
  const arr = c.let(`new Array(${n})`, 'l');
  const i = c.tmp('i');
  const body = block(ctx, () => {
    c.line(`${arr}[${i}] = ${liftMem(ctx, elem, `${p} + ${i} * ${sz}`)};`);
  });
  c.line(`for (let ${i} = 0; ${i} < ${n}; ${i}++) {`);
  c.lines.push(...body.map((l) => '  ' + l));
  c.line('}');
  return arr;
}

/**
 * Lifts `n` entries at `p` into a Map (a later duplicate key wins, as the spec allows bindings
 * to present it), or into [key, value] pairs that keep every entry (`ctx.mapsAsPairs`).
 */
function liftMap(ctx: AbiCtx, t: ValType & { kind: 'map' }, p: string, n: string): string {
  const c = ctx.code;
  const entry = mapEntry(t);
  const sz = size(entry);
  const { offsets } = recordLayout([t.key, t.value]);
  c.line(`${ctx.helper('$range')}(${ctx.view()}, ${p}, ${n} * ${sz}, ${alignment(entry)}, ${ctx.text('map')});`);
  const m = c.let(ctx.mapsAsPairs ? `new Array(${n})` : 'new Map()', 'm');
  const i = c.tmp('i');
  const body = block(ctx, () => {
    const e = c.let(`${p} + ${i} * ${sz}`, 'e');
    const k = c.let(liftMem(ctx, t.key, `${e} + ${offsets[0]}`), 'k');
    const v = liftMem(ctx, t.value, `${e} + ${offsets[1]}`);
    c.line(ctx.mapsAsPairs ? `${m}[${i}] = [${k}, ${v}];` : `${m}.set(${k}, ${v});`);
  });
  c.line(`for (let ${i} = 0; ${i} < ${n}; ${i}++) {`);
  c.lines.push(...body.map((l) => '  ' + l));
  c.line('}');
  return m;
}

const LOADS: Partial<Record<ValType['kind'], string>> = {
  u8: 'getUint8',
  s8: 'getInt8',
  u16: 'getUint16',
  s16: 'getInt16',
  u32: 'getUint32',
  s32: 'getInt32',
  u64: 'getBigUint64',
  s64: 'getBigInt64',
  f32: 'getFloat32',
  f64: 'getFloat64',
};

/** Generates code that reads the JS value of `t` stored at `ptr` (an in-bounds address expression). */
export function liftMem(ctx: AbiCtx, t: ValType, ptr: string): string {
  const c = ctx.code;
  const dv = ctx.view();
  const load = LOADS[t.kind];
  if (load) return `${dv}.${load}(${ptr}, true)`;
  switch (t.kind) {
    case 'bool':
      return `(${dv}.getUint8(${ptr}) !== 0)`;
    case 'char':
      return `${ctx.helper('$liftChar')}(${dv}.getUint32(${ptr}, true))`;
    case 'own':
    case 'borrow':
      return liftHandle(ctx, t, `${dv}.getInt32(${ptr}, true)`);
    case 'stream':
    case 'future':
    case 'error-context':
      return liftAsyncValue(ctx, t, `${dv}.getInt32(${ptr}, true)`);
    case 'enum': {
      const { discSize } = variantLayout(t);
      return liftDisc(ctx, t, c.let(`${dv}.${discLoad(discSize)}(${ptr}, true)`, 'd'));
    }
    case 'string': {
      const p = c.let(ptr, 'a');
      return c.let(`${stringLift(ctx)}(${dv}, ${dv}.getUint32(${p}, true), ${dv}.getUint32(${p} + 4, true))`, 's');
    }
    case 'list': {
      const a = c.let(ptr, 'a');
      if (t.length !== undefined) {
        const sz = size(t.elem);
        return `[${Array.from({ length: t.length }, (_, i) => c.let(liftMem(ctx, t.elem, `${a} + ${i * sz}`))).join(', ')}]`;
      }
      const p = c.let(`${dv}.getUint32(${a}, true)`, 'p');
      const n = c.let(`${dv}.getUint32(${a} + 4, true)`, 'n');
      return liftList(ctx, t.elem, p, n);
    }
    case 'map': {
      const a = c.let(ptr, 'a');
      const p = c.let(`${dv}.getUint32(${a}, true)`, 'p');
      const n = c.let(`${dv}.getUint32(${a} + 4, true)`, 'n');
      return liftMap(ctx, t, p, n);
    }
    case 'record':
    case 'tuple': {
      const types = t.kind === 'record' ? t.fields.map((f) => f.type) : t.types;
      const { offsets } = recordLayout(types);
      const a = c.let(ptr, 'a');
      const vals = types.map((x, i) => c.let(liftMem(ctx, x, `${a} + ${offsets[i]}`)));
      if (t.kind === 'tuple') return `[${vals.join(', ')}]`;
      return `{ ${t.fields.map((f, i) => `${camelCase(f.name)}: ${vals[i]}`).join(', ')} }`;
    }
    case 'flags': {
      const a = c.let(ptr, 'a');
      const n = t.names.length;
      const words =
        n <= 8
          ? [`${dv}.getUint8(${a})`]
          : n <= 16
            ? [`${dv}.getUint16(${a}, true)`]
            : Array.from({ length: Math.ceil(n / 32) }, (_, i) => `${dv}.getUint32(${a} + ${i * 4}, true)`);
      return flagsObject(
        t.names,
        words.map((w) => c.let(w, 'f')),
      );
    }
    case 'variant':
    case 'option':
    case 'result': {
      const a = c.let(ptr, 'a');
      const { discSize, payloadOffset } = variantLayout(t);
      const d = c.let(`${dv}.${discLoad(discSize)}(${a}${discSize > 1 ? ', true' : ''})`, 'd');
      return liftCases(ctx, t, d, (payload) => liftMem(ctx, payload, `${a} + ${payloadOffset}`));
    }
  }
  throw new Error(`unhandled type ${t.kind}`);
}

function discLoad(n: 1 | 2 | 4): string {
  return n === 1 ? 'getUint8' : n === 2 ? 'getUint16' : 'getUint32';
}
