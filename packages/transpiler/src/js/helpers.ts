import { ASYNC_WAIT_KEY } from '@weft/wasi-manifest';
import { P3_HELPERS } from './p3-runtime.js';

/**
 * What `$st[instance]` holds for each component instance: the spec's flags folded into one
 * state. MAY_NOT_LEAVE: the instance runs post-return or realloc, so it may not call out
 * (and, still running, may not be entered).
 */
const INSTANCE_STATES = { IDLE: 0, RUNNING: 1, POISONED: 2, MAY_NOT_LEAVE: 3 } as const;

/**
 * An instance state as generated code writes it: the number, named in a comment. Named
 * constants would cost minified output bytes (a minifier inlines them, but their symbols
 * still take short names from others); the comment vanishes.
 */
export function instanceState(s: keyof typeof INSTANCE_STATES): string {
  return `${INSTANCE_STATES[s]} /* ${s} */`;
}

/**
 * Runtime helpers the glue may need. Each is emitted only when generated code uses it,
 * once, at module level (shared by every instantiation).
 */
const BASE_HELPERS = {
  $trap: {
    deps: [],
    // JavaScript core modules (--js) may run where there is no WebAssembly to take it from.
    code: `function $trap(msg) { throw new (typeof WebAssembly === 'object' ? WebAssembly.RuntimeError : Error)(msg); }`,
  },
  $bad: {
    deps: [],
    code: `function $bad(fn, path, type, v) {
  const got = typeof v === 'string' ? JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v) : typeof v === 'bigint' ? v + 'n' : v === null || typeof v !== 'object' ? String(v) : Array.isArray(v) ? 'an array' : 'an object';
  const E = (typeof v === 'number' && /^([us](8|16|32))$/.test(type)) || (typeof v === 'bigint' && /^[us]64$/.test(type)) ? RangeError : TypeError;
  throw new E(\`\${fn}: \${path}: expected \${type}, got \${got}\`);
}`,
  },
  ComponentError: {
    deps: [],
    code: `class ComponentError extends Error {
  constructor(value) {
    const enumerable = typeof value !== 'string';
    super(enumerable ? \`\${String(value)} (see error.payload)\` : value);
    Object.defineProperty(this, 'payload', { value, enumerable });
  }
}`,
  },
  $payload: {
    deps: [],
    code: `function $payload(e) {
  if (e && Object.prototype.hasOwnProperty.call(e, 'payload')) return e.payload;
  if (e instanceof Error) throw e;
  return e;
}`,
  },
  $sync: {
    deps: [],
    code: `function $sync(v, fn) {
  if (v !== null && typeof v === 'object' && typeof v.then === 'function') throw new TypeError(\`\${fn} returned a Promise; the component waits for it only when transpiled with asyncMode 'jspi' or 'asyncify'\`);
  return v;
}`,
  },
  // A lowering that may wait is a generator that yields the host's answer once: a
  // promise is awaited, anything else resumes it at once, so a host that answers
  // immediately costs the guest no suspension (and under asyncify no unwind).
  $resume: {
    deps: [],
    code: `function $resume(g) {
  const s = g.next();
  if (s.done) return s.value;
  const v = s.value;
  if (v !== null && typeof v === 'object' && typeof v.then === 'function') return Promise.resolve(v).then((x) => g.next(x).value, (e) => g.throw(e).value);
  return g.next(v).value;
}`,
  },
  $wait: {
    // Tells weft's shims that this host call may return a promise instead of blocking.
    deps: [],
    code: `const $waitFlag = Symbol.for(${JSON.stringify(ASYNC_WAIT_KEY)});
function $wait(f) {
  const prev = globalThis[$waitFlag];
  globalThis[$waitFlag] = true;
  try { return f(); } finally { globalThis[$waitFlag] = prev; }
}`,
  },
  // asyncify: the instances being run, innermost last, and the promise an unwound stack
  // waits for. Both are handed over synchronously (an unwind returns straight to the loop
  // in $asyRun; a rewind runs straight down to the import), so one record serves all.
  // `parked`: the instances whose frames the running export call saves while it waits. It
  // belongs to that call ($asyRun swaps it in), since calls into other instantiations of
  // this module may be waiting at the same time, each with its own saved frames.
  // `regions`: how many bytes each memory lends to unwinding, counted down from its end.
  $asy: { deps: [], code: `const $asy = { stack: [], pending: undefined, result: undefined, parked: [], regions: new WeakMap() };` },
  $asyInit: {
    deps: ['$asy'],
    code: `function $asyInit(x, mem, bytes) {
  const below = $asy.regions.get(mem) ?? 0;
  $asy.regions.set(mem, below + bytes);
  return { x, mem, bytes, below, at: 0, end: 0, saved: 0, keep: null, frames: null };
}`,
  },
  // Asyncify writes the frames it unwinds into the guest's own memory, where the guest's
  // allocator may own every byte (wasi-libc's claims all memory present at its first
  // malloc). So the region is borrowed only while a stack unwinds or rewinds, when no
  // guest code but asyncify's runs: its bytes are kept aside and put back, and the frames
  // wait in JS while the guest is suspended.
  // Places the region, keeps its bytes, and writes asyncify's header (where the next
  // frame goes, where the region ends) after the frames already saved.
  $asyPlace: {
    deps: ['$asy'],
    code: `function $asyPlace(s, frames) {
  const need = $asy.regions.get(s.mem) - s.mem.buffer.byteLength;
  if (need > 0) {
    try { s.mem.grow(Math.ceil(need / 65536)); } catch (e) { throw new WebAssembly.RuntimeError(\`asyncify: memory cannot grow by the \${need} bytes needed to unwind into: \${e.message}\`); }
  }
  s.end = s.mem.buffer.byteLength - s.below;
  s.at = s.end - s.bytes;
  s.keep = new Uint8Array(s.mem.buffer, s.at, s.bytes).slice();
  if (frames) new Uint8Array(s.mem.buffer, s.at + 8, frames.length).set(frames);
  const dv = new DataView(s.mem.buffer);
  dv.setUint32(s.at, s.at + 8 + (frames ? frames.length : 0), true);
  dv.setUint32(s.at + 4, s.end, true);
}`,
  },
  // The guest's bytes under the region go back once no frames are in it.
  $asyGiveBack: {
    deps: [],
    code: `function $asyGiveBack(s) {
  new Uint8Array(s.mem.buffer, s.at, s.bytes).set(s.keep);
  s.keep = null;
}`,
  },
  // The frames a finished unwind wrote into the region, copied out before it is given back.
  $asyTakeFrames: {
    deps: ['$asyGiveBack'],
    code: `function $asyTakeFrames(s) {
  const used = new DataView(s.mem.buffer).getUint32(s.at, true) - (s.at + 8);
  const frames = new Uint8Array(s.mem.buffer, s.at + 8, used).slice();
  $asyGiveBack(s);
  return frames;
}`,
  },
  $asyPark: {
    deps: ['$asyTakeFrames'],
    code: `function $asyPark(parked) {
  for (const s of parked) s.frames = $asyTakeFrames(s);
}`,
  },
  $asyUnpark: {
    deps: ['$asyPlace'],
    code: `function $asyUnpark(parked) {
  for (const s of parked) {
    $asyPlace(s, s.frames);
    s.frames = null;
  }
}`,
  },
  $asyRelease: {
    deps: ['$asy', '$asyGiveBack'],
    code: `function $asyRelease() {
  for (const s of $asy.parked) $asyGiveBack(s);
  $asy.parked.length = 0;
}`,
  },
  $asyEnter: {
    deps: ['$asy'],
    code: `function $asyEnter(s, f, a) {
  $asy.stack.push(s);
  try { return f(...a); } finally { $asy.stack.pop(); }
}`,
  },
  $asyEnterRun: {
    deps: ['$asy', '$asyEnter'],
    code: `function $asyEnterRun(parked, s, f, a) {
  const outer = $asy.parked;
  $asy.parked = parked;
  try { return $asyEnter(s, f, a); } finally { $asy.parked = outer; }
}`,
  },
  // An instance can be on the stack more than once (a command's adapter calls main, which
  // calls the adapter): each activation unwinds on top of the ones already saved in its
  // region, and they rewind in the opposite order, so the region is placed only when empty.
  $asyUnwind: {
    deps: ['$asy', '$asyPlace'],
    code: `function $asyUnwind(s) {
  if (s.saved++ === 0) {
    $asyPlace(s, null);
    $asy.parked.push(s);
  }
  s.x.asyncify_start_unwind(s.at);
}`,
  },
  $asyRewound: {
    deps: [],
    code: `function $asyRewound(s) {
  s.x.asyncify_stop_rewind();
  s.saved--;
}`,
  },
  $asyRun: {
    deps: ['$asy', '$asyEnterRun', '$asyPark', '$asyUnpark'],
    code: `async function $asyRun(s, f, a) {
  const parked = [];
  let r = $asyEnterRun(parked, s, f, a);
  while (s.x.asyncify_get_state() === 1) {
    s.x.asyncify_stop_unwind();
    $asyPark(parked);
    const p = $asy.pending;
    $asy.pending = undefined;
    try { $asy.result = { ok: true, v: await p }; } catch (e) { $asy.result = { ok: false, v: e }; }
    $asyUnpark(parked);
    s.x.asyncify_start_rewind(s.at);
    r = $asyEnterRun(parked, s, f, a);
  }
  return r;
}`,
  },
  $asyOutside: {
    deps: [],
    code: `function $asyOutside() {
  return new WebAssembly.RuntimeError('an import that waits was called where the guest cannot suspend (outside a call of one of its exports)');
}`,
  },
  $asyImport: {
    deps: ['$asy', '$asyUnwind', '$asyRewound', '$asyRelease', '$asyOutside'],
    code: `function $asyImport(f, zero) {
  return function (...a) {
    const s = $asy.stack[$asy.stack.length - 1];
    if (s && s.x.asyncify_get_state() === 2) {
      $asyRewound(s);
      $asyRelease();
      const r = $asy.result;
      $asy.result = undefined;
      if (!r.ok) throw r.v;
      return r.v;
    }
    const p = f(...a);
    if (!(p instanceof Promise)) return p;
    if (!s) {
      p.catch(() => {});
      throw $asyOutside();
    }
    $asy.pending = p;
    $asyUnwind(s);
    return zero;
  };
}`,
  },
  $asyLink: {
    deps: ['$asy', '$asyEnter', '$asyUnwind', '$asyRewound', '$asyOutside'],
    code: `function $asyLink(n, g) {
  if (typeof g !== 'function') return g;
  return function (...a) {
    const m = $asy.stack[$asy.stack.length - 1];
    if (m && m.x.asyncify_get_state() === 2) {
      $asyRewound(m);
      n.x.asyncify_start_rewind(n.at);
    }
    const r = $asyEnter(n, g, a);
    if (n.x.asyncify_get_state() === 1) {
      n.x.asyncify_stop_unwind();
      if (!m) throw $asyOutside();
      $asyUnwind(m);
    }
    return r;
  };
}`,
  },
  $asyLinkAll: {
    deps: ['$asyLink'],
    code: `function $asyLinkAll(n, x) {
  return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, $asyLink(n, v)]));
}`,
  },
  $cannotLeave: {
    deps: ['$trap'],
    code: `function $cannotLeave() { $trap('cannot leave component instance during post-return or realloc'); }`,
  },
  $enterErr: {
    deps: ['$trap'],
    code: `function $enterErr(s) { $trap(s === ${instanceState('POISONED')} ? 'component instance is poisoned by an earlier trap' : 'cannot reenter a component instance that is already running'); }`,
  },
  $range: {
    deps: ['$trap'],
    code: `function $range(dv, ptr, bytes, align, what) {
  if (ptr % align !== 0) $trap(\`\${what} pointer \${ptr} is not aligned to \${align}\`);
  if (ptr + bytes > dv.byteLength) $trap(\`\${what} at \${ptr}..\${ptr + bytes} is out of bounds of memory (\${dv.byteLength} bytes)\`);
}`,
  },
  $len: { deps: [], code: `let $len = 0;` },
  $td8: { deps: [], code: `const $td8 = new TextDecoder('utf-8', { fatal: true });` },
  $td16: { deps: [], code: `const $td16 = new TextDecoder('utf-16le', { fatal: true });` },
  $te: { deps: [], code: `const $te = new TextEncoder();` },
  $liftUtf8: {
    deps: ['$td8', '$range', '$trap'],
    code: `function $liftUtf8(dv, ptr, len) {
  ptr >>>= 0; len >>>= 0;
  $range(dv, ptr, len, 1, 'string');
  try { return $td8.decode(new Uint8Array(dv.buffer, ptr, len)); } catch { $trap('string is not valid utf-8'); }
}`,
  },
  $liftUtf16: {
    deps: ['$td16', '$range', '$trap'],
    code: `function $liftUtf16(dv, ptr, len) {
  ptr >>>= 0; len >>>= 0;
  $range(dv, ptr, len * 2, 2, 'string');
  try { return $td16.decode(new Uint8Array(dv.buffer, ptr, len * 2)); } catch { $trap('string is not valid utf-16'); }
}`,
  },
  $liftLatin1Utf16: {
    deps: ['$liftUtf16', '$range'],
    code: `function $liftLatin1Utf16(dv, ptr, len) {
  ptr >>>= 0; len >>>= 0;
  if (len & 0x80000000) return $liftUtf16(dv, ptr, len ^ 0x80000000);
  $range(dv, ptr, len, 2, 'string');
  const b = new Uint8Array(dv.buffer, ptr, len);
  let s = '';
  for (let i = 0; i < len; i += 8192) s += String.fromCharCode.apply(null, b.subarray(i, i + 8192));
  return s;
}`,
  },
  $wellFormed: {
    deps: ['$bad'],
    code: `function $wellFormed(s, fn, path) {
  if (typeof s !== 'string') $bad(fn, path, 'string', s);
  if (s.isWellFormed ? !s.isWellFormed() : /[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?:[^\\uD800-\\uDBFF]|^)[\\uDC00-\\uDFFF]/.test(s)) throw new TypeError(\`\${fn}: \${path}: string contains a lone surrogate\`);
}`,
  },
  $lowerUtf8: {
    // One allocation of the exact size (guests such as the preview1 adapter allow a single
    // allocation per imported string): encode into a reused scratch buffer, then copy.
    deps: ['$te', '$len', '$range', '$wellFormed'],
    code: `let $s8 = new Uint8Array(256);
function $lowerUtf8(s, view, realloc, fn, path) {
  $wellFormed(s, fn, path);
  const max = s.length * 3;
  if ($s8.length < max) $s8 = new Uint8Array(Math.max(max, $s8.length * 2));
  const n = $te.encodeInto(s, $s8).written;
  const ptr = realloc(0, 0, 1, n) >>> 0;
  $range(view(), ptr, n, 1, 'string');
  new Uint8Array(view().buffer, ptr, n).set($s8.subarray(0, n));
  $len = n;
  return ptr;
}`,
  },
  $lowerUtf16: {
    deps: ['$len', '$range', '$wellFormed'],
    code: `function $lowerUtf16(s, view, realloc, fn, path) {
  $wellFormed(s, fn, path);
  const n = s.length;
  const ptr = realloc(0, 0, 2, n * 2) >>> 0;
  $range(view(), ptr, n * 2, 2, 'string');
  const u = new Uint16Array(view().buffer, ptr, n);
  for (let i = 0; i < n; i++) u[i] = s.charCodeAt(i);
  $len = n;
  return ptr;
}`,
  },
  $lowerLatin1Utf16: {
    deps: ['$len', '$range', '$wellFormed'],
    code: `function $lowerLatin1Utf16(s, view, realloc, fn, path) {
  $wellFormed(s, fn, path);
  const n = s.length;
  let ptr = realloc(0, 0, 2, n) >>> 0;
  $range(view(), ptr, n, 2, 'string');
  let i = 0;
  const b = new Uint8Array(view().buffer, ptr, n);
  for (; i < n; i++) { const c = s.charCodeAt(i); if (c > 0xff) break; b[i] = c; }
  if (i === n) { $len = n; return ptr; }
  ptr = realloc(ptr, n, 2, n * 2) >>> 0;
  $range(view(), ptr, n * 2, 2, 'string');
  const u = new Uint16Array(view().buffer, ptr, n);
  for (let j = 0; j < n; j++) u[j] = s.charCodeAt(j);
  $len = (n | 0x80000000) >>> 0;
  return ptr;
}`,
  },
  $liftChar: {
    deps: ['$trap'],
    code: `function $liftChar(c) {
  c >>>= 0;
  if (c >= 0x110000 || (c >= 0xd800 && c <= 0xdfff)) $trap(\`invalid char code point 0x\${c.toString(16)}\`);
  return String.fromCodePoint(c);
}`,
  },
  $lowerChar: {
    deps: ['$bad'],
    code: `function $lowerChar(v, fn, path) {
  if (typeof v !== 'string') $bad(fn, path, 'char', v);
  const c = v.codePointAt(0);
  if (c === undefined || v.length !== (c > 0xffff ? 2 : 1) || (c >= 0xd800 && c <= 0xdfff)) throw new TypeError(\`\${fn}: \${path}: expected char (a single Unicode scalar value), got \${JSON.stringify(v)}\`);
  return c;
}`,
  },
  $scratch: { deps: [], code: `const $scratch = new DataView(new ArrayBuffer(8));` },
  $f32ToI32: { deps: ['$scratch'], code: `function $f32ToI32(f) { $scratch.setFloat32(0, f, true); return $scratch.getInt32(0, true); }` },
  $i32ToF32: { deps: ['$scratch'], code: `function $i32ToF32(i) { $scratch.setInt32(0, i, true); return $scratch.getFloat32(0, true); }` },
  $f64ToI64: { deps: ['$scratch'], code: `function $f64ToI64(f) { $scratch.setFloat64(0, f, true); return $scratch.getBigInt64(0, true); }` },
  $i64ToF64: { deps: ['$scratch'], code: `function $i64ToF64(i) { $scratch.setBigInt64(0, i, true); return $scratch.getFloat64(0, true); }` },
  $Table: {
    deps: ['$trap'],
    code: `class $Table {
  constructor() { this.e = [undefined]; this.free = []; }
  add(h) { if (this.free.length) { const i = this.free.pop(); this.e[i] = h; return i; } return this.e.push(h) - 1; }
  own(t, rep) { return this.add({ t, rep, own: true, lend: 0 }); }
  borrow(t, rep, scope) { return this.add({ t, rep, own: false, lend: 0, scope }); }
  get(i, t) {
    const h = i > 0 ? this.e[i] : undefined;
    if (h === undefined) $trap(\`unknown handle index \${i}\`);
    if (h.t !== t) $trap(\`handle index \${i} refers to a different resource type\`);
    return h;
  }
  take(i, t) {
    const h = this.get(i, t);
    if (!h.own) $trap(\`handle index \${i} is a borrow where an owned handle is required\`);
    if (h.lend) $trap(\`handle index \${i} is lent out and cannot be moved\`);
    this.e[i] = undefined; this.free.push(i);
    return h;
  }
  drop(i, t) {
    const h = this.get(i, t);
    if (h.own && h.lend) $trap(\`handle index \${i} is lent out and cannot be dropped\`);
    this.e[i] = undefined; this.free.push(i);
    if (!h.own) h.scope.n--;
    return h;
  }
}`,
  },
  $rep: { deps: [], code: `const $rep = Symbol('weft.rep');` },
  $dispose: { deps: [], code: `const $dispose = Symbol.dispose || Symbol.for('nodejs.dispose');` },
  $fin: {
    deps: [],
    code: `const $fin = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry((d) => { try { d.dtor(d.rep); } catch {} }) : { register() {}, unregister() {} };`,
  },
  $own: { deps: [], code: `const $own = Symbol('weft.own');` },
  $wrap: {
    deps: ['$rep', '$own', '$fin'],
    code: `function $wrap(cls, rep, own, dtor) {
  const o = Object.create(cls.prototype);
  o[$rep] = rep;
  if (own) { o[$own] = true; if (dtor) $fin.register(o, { rep, dtor }, o); }
  return o;
}`,
  },
  $unwrap: {
    deps: ['$rep', '$own', '$fin', '$bad'],
    code: `function $unwrap(cls, v, own, fn, path, type) {
  if (!(v instanceof cls) || v[$rep] === undefined || (own && !v[$own])) $bad(fn, path, type, v);
  const rep = v[$rep];
  if (own) { v[$rep] = undefined; $fin.unregister(v); }
  return rep;
}`,
  },
  $disposeGuest: {
    deps: ['$rep', '$own', '$fin'],
    code: `function $disposeGuest(o, dtor) {
  const rep = o[$rep];
  if (rep === undefined || !o[$own]) return;
  o[$rep] = undefined;
  $fin.unregister(o);
  if (dtor) dtor(rep);
}`,
  },
  $hostCheck: {
    deps: ['$bad'],
    code: `function $hostCheck(cls, v, fn, path, type) {
  if (typeof cls === 'function' ? !(v instanceof cls) : (v === null || typeof v !== 'object')) $bad(fn, path, type, v);
  return v;
}`,
  },
  $hostDrop: {
    deps: ['$dispose'],
    code: `function $hostDrop(v) { if (v && typeof v[$dispose] === 'function') v[$dispose](); }`,
  },
  $import: {
    deps: [],
    code: `function $import(imports, names, key, what) {
  let m;
  for (const n of names) if (imports && imports[n] !== undefined) { m = imports[n]; break; }
  const v = m === undefined ? undefined : key === undefined ? m : m[key];
  if (v === undefined) throw new TypeError(\`missing import: \${names[0]}\${key === undefined ? '' : '#' + key} (\${what})\`);
  return v;
}`,
  },
  $need: {
    deps: [],
    code: `function $need(v, name, what) {
  if (v === undefined) throw new TypeError(\`missing import: \${name} (\${what})\`);
  return v;
}`,
  },
  $b64: {
    deps: [],
    code: `function $b64(s) { return typeof Buffer === 'function' ? Buffer.from(s, 'base64') : Uint8Array.from(atob(s), (c) => c.charCodeAt(0)); }`,
  },
  // --js: what core modules converted to JavaScript share. A memory is one resizable
  // ArrayBuffer that grows in place, so the views of every module using it stay valid.
  $JsMemory: {
    deps: [],
    code: `class $JsMemory {
  constructor(initial, maximum) { this.max = maximum; this.buffer = new ArrayBuffer(initial * 65536, { maxByteLength: maximum * 65536 }); }
  grow(delta) {
    const old = this.buffer.byteLength / 65536;
    if (!(delta >= 0 && old + delta <= this.max)) throw new RangeError(\`memory cannot grow by \${delta} pages past \${this.max}\`);
    this.buffer.resize((old + delta) * 65536);
    return old;
  }
  tryGrow(delta) { return delta <= this.max - this.buffer.byteLength / 65536 ? this.grow(delta) : -1; }
}`,
  },
  // The high word of an i64 while it crosses between JavaScript core modules or into one.
  $w2jHigh: { deps: [], code: `let $w2jHigh = 0;` },
  $i64: { deps: [], code: `function $i64(lo, hi) { return (BigInt(hi | 0) << 32n) | BigInt(lo >>> 0); }` },
  $i64lo: { deps: [], code: `function $i64lo(v) { return Number(BigInt.asIntN(64, v) & 0xffffffffn) | 0; }` },
  $i64hi: { deps: [], code: `function $i64hi(v) { return Number(BigInt.asIntN(64, v) >> 32n); }` },
  $coreImport: {
    deps: [],
    code: `function $coreImport(imports, module, name) {
  const f = imports[module] === undefined ? undefined : imports[module][name];
  if (typeof f !== 'function') throw new TypeError(\`core import \${module} \${name}: expected a function, got \${typeof f}\`);
  return f;
}`,
  },
} satisfies Record<string, { deps: string[]; code: string }>;

const HELPERS = { ...BASE_HELPERS, ...P3_HELPERS };

export type HelperName = keyof typeof HELPERS;

/** Every `$` name the helpers declare or use: generated names must not shadow them. */
export const HELPER_NAMES: ReadonlySet<string> = new Set(Object.values(HELPERS).flatMap((h) => h.code.match(/\$\w+/g) ?? []));

export class Helpers {
  private readonly used = new Set<HelperName>();

  use(name: HelperName): string {
    if (!this.used.has(name)) {
      for (const d of HELPERS[name].deps) this.use(d as HelperName);
      this.used.add(name);
    }
    return name;
  }

  render(): string {
    return [...this.used].map((n) => HELPERS[n].code).join('\n');
  }
}
