import { Reader } from '../decode/reader.js';
import { coreValType, memoryType, tableType } from '../decode/types.js';

/**
 * The defined functions of a core module that can be on the stack when it calls one of the
 * imported functions `suspends` names: those that reach such a call through direct calls and
 * `call_indirect`. An indirect call reaches only the functions whose address the module takes
 * (element segments, `ref.func`) and whose signature is the one the call names, which the
 * engine checks; binaryen's own analysis assumes every indirect call may reach every import,
 * and so rewrites nearly all of a large program.
 *
 * Returns defined-function indices (imports not counted), ascending, or undefined where the
 * module's code could reach functions this reading cannot see: a table shared with other
 * modules, function references as values, GC types, or an instruction it does not know.
 * Then the caller keeps binaryen's whole-module analysis.
 */
export function functionsReaching(bytes: Uint8Array, suspends: (module: string, name: string) => boolean): number[] | undefined {
  const r = new Reader(bytes, 8, bytes.length);
  /** Signature of each type index, as its encoded bytes. */
  const signatures: string[] = [];
  /** Signature of every function, imports first. */
  const funcSig: string[] = [];
  const seeds: number[] = [];
  const taken = new Set<number>();
  /** Per defined function (index in the whole function space): direct callees, and signatures it calls indirectly. */
  const calls: number[][] = [];
  const indirect: Set<string>[] = [];
  let imported = 0;
  while (!r.done) {
    const id = r.u8('a core section id');
    const size = r.u32('a core section size');
    const s = new Reader(bytes, r.pos, r.pos + size);
    r.pos += size;
    if (id === 1) {
      const n = s.u32('a type count');
      for (let i = 0; i < n; i++) {
        const start = s.pos;
        // Function types only, over types whose values cannot be called.
        if (s.u8('a type form') !== 0x60) return undefined;
        for (let k = 0; k < 2; k++) {
          const count = s.u32('a value type count');
          for (let j = 0; j < count; j++) {
            if (!callableFree(s.u8('a value type'))) return undefined;
          }
        }
        signatures.push(String.fromCharCode(...bytes.subarray(start, s.pos)));
      }
    } else if (id === 2) {
      const n = s.u32('an import count');
      for (let i = 0; i < n; i++) {
        const module = s.name('an import module name');
        const name = s.name('an import name');
        const kind = s.u8('an import kind');
        if (kind === 0x02) memoryType(s);
        else if (kind === 0x03) {
          if (!callableFree(s.u8('a global type'))) return undefined;
          s.u8('a global mutability');
        } else if (kind !== 0x00) return undefined;
        else {
          const sig = signatures[s.u32('a function type index')];
          if (sig === undefined) return undefined;
          if (suspends(module, name)) seeds.push(funcSig.length);
          funcSig.push(sig);
          imported++;
        }
      }
    } else if (id === 3) {
      const n = s.u32('a function count');
      for (let i = 0; i < n; i++) {
        const sig = signatures[s.u32('a function type index')];
        if (sig === undefined) return undefined;
        funcSig.push(sig);
      }
    } else if (id === 4) {
      const n = s.u32('a table count');
      for (let i = 0; i < n; i++) {
        // A table with an initializer expression: left to binaryen.
        if (s.peek() === 0x40) return undefined;
        tableType(s);
      }
    } else if (id === 6) {
      const n = s.u32('a global count');
      for (let i = 0; i < n; i++) {
        coreValType(s);
        s.u8('a global mutability');
        if (!walk(s, 'expr', taken)) return undefined;
      }
    } else if (id === 7) {
      const n = s.u32('an export count');
      for (let i = 0; i < n; i++) {
        s.name('an export name');
        const kind = s.u8('an export kind');
        s.u32('an export index');
        if (kind === 0x01) return undefined;
      }
    } else if (id === 9) {
      if (!elements(s, taken)) return undefined;
    } else if (id === 10) {
      const n = s.u32('a function body count');
      for (let i = 0; i < n; i++) {
        const size = s.u32('a function body size');
        const body = new Reader(bytes, s.pos, s.pos + size);
        s.pos += size;
        const locals = body.u32('a local declaration count');
        for (let j = 0; j < locals; j++) {
          body.u32('a local count');
          coreValType(body);
        }
        const direct: number[] = [];
        const sigs = new Set<string>();
        const seen = { direct, sigs, taken, signatures };
        if (!walk(body, 'body', taken, seen)) return undefined;
        calls.push(direct);
        indirect.push(sigs);
      }
    }
  }
  for (const f of taken) if (f < imported) return undefined;

  // Backwards from the suspending imports: a function reaches one if it calls a function
  // that does, directly or through a signature one of the address-taken reaching functions has.
  const callers: number[][] = funcSig.map(() => []);
  const bySig = new Map<string, number[]>();
  calls.forEach((callees, i) => {
    for (const c of callees) callers[c]?.push(imported + i);
    for (const sig of indirect[i]!) {
      const list = bySig.get(sig) ?? [];
      list.push(imported + i);
      bySig.set(sig, list);
    }
  });
  const reaching = new Set<number>();
  const sigDone = new Set<string>();
  const queue = [...seeds];
  while (queue.length) {
    const f = queue.pop()!;
    const next = [...callers[f]!];
    if (taken.has(f) && !sigDone.has(funcSig[f]!)) {
      sigDone.add(funcSig[f]!);
      next.push(...(bySig.get(funcSig[f]!) ?? []));
    }
    for (const c of next) {
      if (!reaching.has(c)) {
        reaching.add(c);
        queue.push(c);
      }
    }
  }
  return [...reaching].map((f) => f - imported).sort((a, b) => a - b);
}

/** Numeric types, v128 and externref: no value of these types can be called. */
function callableFree(t: number): boolean {
  return t >= 0x6f && t !== 0x70;
}

function elements(s: Reader, taken: Set<number>): boolean {
  const n = s.u32('an element segment count');
  for (let i = 0; i < n; i++) {
    const flags = s.u32('element segment flags');
    if (flags > 7) return false;
    if (flags === 2 || flags === 6) s.u32('a table index');
    if ((flags & 1) === 0 && !walk(s, 'expr', taken)) return false;
    const exprs = (flags & 4) !== 0;
    if (flags & 3) {
      if (exprs) coreValType(s);
      else s.u8('an element kind');
    }
    const count = s.u32('an element count');
    for (let j = 0; j < count; j++) {
      if (exprs) {
        if (!walk(s, 'expr', taken)) return false;
      } else taken.add(s.u32('a function index'));
    }
  }
  return true;
}

interface Calls {
  direct: number[];
  sigs: Set<string>;
  taken: Set<number>;
  signatures: string[];
}

/**
 * Steps over instructions — a whole function body, or a constant expression up to its `end` —
 * noting `ref.func` targets in `taken` and, in a body, the calls it makes. False at an
 * instruction it does not know or one that calls through a function reference.
 */
function walk(r: Reader, what: 'body' | 'expr', taken: Set<number>, seen?: Calls): boolean {
  let depth = 0;
  const memarg = () => {
    const align = r.u32('a memory alignment');
    if (align & 0x40) r.u32('a memory index');
    r.s64('a memory offset');
  };
  while (!r.done) {
    const op = r.u8('an instruction');
    switch (op) {
      case 0x02:
      case 0x03:
      case 0x04:
      case 0x06:
        blockType(r);
        depth++;
        break;
      case 0x1f: {
        blockType(r);
        depth++;
        const n = r.u32('a catch clause count');
        for (let i = 0; i < n; i++) {
          const kind = r.u8('a catch kind');
          if (kind < 2) r.u32('a tag index');
          r.u32('a label');
        }
        break;
      }
      case 0x0b:
        if (depth === 0 && what === 'expr') return true;
        depth--;
        break;
      case 0x07:
      case 0x08:
      case 0x09:
      case 0x0c:
      case 0x0d:
      case 0x18:
      case 0x20:
      case 0x21:
      case 0x22:
      case 0x23:
      case 0x24:
      case 0x25:
      case 0x26:
      case 0x3f:
      case 0x40:
      case 0xd4:
      case 0xd6:
        r.u32('an index');
        break;
      case 0x0e: {
        const n = r.u32('a branch table size');
        for (let i = 0; i <= n; i++) r.u32('a label');
        break;
      }
      case 0x10:
      case 0x12: {
        const f = r.u32('a function index');
        seen?.direct.push(f);
        break;
      }
      case 0x11:
      case 0x13: {
        const sig = seen?.signatures[r.u32('a type index')];
        r.u32('a table index');
        if (!seen || sig === undefined) return false;
        seen.sigs.add(sig);
        break;
      }
      case 0x14:
      case 0x15:
        return false;
      case 0x1c: {
        const n = r.u32('a type count');
        for (let i = 0; i < n; i++) coreValType(r);
        break;
      }
      case 0x41:
      case 0x42:
        r.s64('a constant');
        break;
      case 0x43:
        r.bytesN(4, 'an f32 constant');
        break;
      case 0x44:
        r.bytesN(8, 'an f64 constant');
        break;
      case 0xd0:
        heapType(r);
        break;
      case 0xd2:
        taken.add(r.u32('a function index'));
        break;
      case 0xfc:
        if (!miscOp(r)) return false;
        break;
      case 0xfd:
        if (!simdOp(r, memarg)) return false;
        break;
      case 0xfe:
        if (r.u32('an atomic opcode') === 0x03) r.u8('a fence flag');
        else memarg();
        break;
      default:
        if (op >= 0x28 && op <= 0x3e) memarg();
        else if (!noImmediate(op)) return false;
    }
  }
  return what === 'body';
}

function noImmediate(op: number): boolean {
  return (
    op <= 0x01 ||
    op === 0x05 ||
    op === 0x0a ||
    op === 0x0f ||
    op === 0x19 ||
    op === 0x1a ||
    op === 0x1b ||
    (op >= 0x45 && op <= 0xc4) ||
    op === 0xd1 ||
    op === 0xd3 ||
    op === 0xd5
  );
}

function blockType(r: Reader): void {
  const b = r.peek();
  if (b === 0x63 || b === 0x64) coreValType(r);
  else r.s33('a block type');
}

function heapType(r: Reader): void {
  r.s33('a heap type');
}

/** The 0xfc prefix: saturating truncation, bulk memory and table instructions. */
function miscOp(r: Reader): boolean {
  const op = r.u32('a 0xfc opcode');
  if (op <= 7) return true;
  if (op > 17) return false;
  const indices = op === 8 || op === 10 || op === 12 || op === 14 ? 2 : 1;
  for (let i = 0; i < indices; i++) r.u32('an index');
  return true;
}

/** The 0xfd prefix: SIMD and relaxed SIMD. */
function simdOp(r: Reader, memarg: () => void): boolean {
  const op = r.u32('a 0xfd opcode');
  if (op <= 11 || op === 92 || op === 93) memarg();
  else if (op === 12 || op === 13) r.bytesN(16, 'a 16-byte immediate');
  else if (op >= 21 && op <= 34) r.u8('a lane index');
  else if (op >= 84 && op <= 91) {
    memarg();
    r.u8('a lane index');
  } else if (op > 0x113) return false;
  return true;
}
