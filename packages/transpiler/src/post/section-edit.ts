import { Reader } from '../decode/reader.js';

/**
 * Edits of a core module's sections made on its bytes before binaryen reads it, so that
 * every binaryen (binaryen.js or a native `wasm-opt`) reads the same module.
 */

interface Section {
  id: number;
  /** The whole section: id, size and body. */
  bytes: Uint8Array;
  body: Reader;
}

function sections(bytes: Uint8Array): Section[] {
  const r = new Reader(bytes, 8, bytes.length);
  const out: Section[] = [];
  while (!r.done) {
    const start = r.pos;
    const id = r.u8('a core section id');
    const size = r.u32('a core section size');
    const end = r.pos + size;
    if (end > bytes.length) r.fail(`a core section of ${size} bytes within the module`, start);
    out.push({ id, bytes: bytes.subarray(start, end), body: new Reader(bytes, r.pos, end) });
    r.pos = end;
  }
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, k) => n + k.length, 0));
  let at = 0;
  for (const k of parts) {
    out.set(k, at);
    at += k.length;
  }
  return out;
}

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    const b = n & 0x7f;
    n >>>= 7;
    out.push(n ? b | 0x80 : b);
  } while (n);
  return out;
}

/**
 * The module without its `name` custom section, so binaryen names everything by index
 * (the one memory is `0`, the n-th defined function `n`) and the output does not depend on
 * debug names.
 */
export function withoutNames(bytes: Uint8Array): Uint8Array {
  const keep = sections(bytes).filter((s) => s.id !== 0 || s.body.name('a custom section name') !== 'name');
  return concat([bytes.subarray(0, 8), ...keep.map((s) => s.bytes)]);
}

/** Section ids that come after the export section. */
const AFTER_EXPORTS = new Set([8, 9, 10, 11, 12]);

/** The module with one more export: memory 0 as `name`. */
export function withMemoryExport(bytes: Uint8Array, name: string): Uint8Array {
  const all = sections(bytes);
  const entry = [...leb(new TextEncoder().encode(name).length), ...new TextEncoder().encode(name), 0x02, 0x00];
  const section = (count: number, rest: Uint8Array) => {
    const body = concat([new Uint8Array(leb(count)), rest, new Uint8Array(entry)]);
    return concat([new Uint8Array([7, ...leb(body.length)]), body]);
  };
  const at = all.findIndex((s) => s.id === 7);
  if (at >= 0) {
    const body = all[at]!.body;
    const count = body.u32('an export count');
    all[at] = { ...all[at]!, bytes: section(count + 1, body.bytes.subarray(body.pos, body.end)) };
    return concat([bytes.subarray(0, 8), ...all.map((s) => s.bytes)]);
  }
  const before = all.findIndex((s) => AFTER_EXPORTS.has(s.id));
  const added = { id: 7, bytes: section(1, new Uint8Array()), body: new Reader(new Uint8Array()) };
  all.splice(before < 0 ? all.length : before, 0, added);
  return concat([bytes.subarray(0, 8), ...all.map((s) => s.bytes)]);
}

/** Section ids that come after the memory section. */
const AFTER_MEMORIES = new Set([6, 7, 8, 9, 10, 11, 12]);

/**
 * The module with a memory of its own (one page, growable): for a module that has none, so
 * that asyncify has somewhere to unwind its stack. It becomes memory 0.
 */
export function withOwnMemory(bytes: Uint8Array): Uint8Array {
  const all = sections(bytes);
  const body = new Uint8Array([1, 0x00, 1]);
  const added = { id: 5, bytes: concat([new Uint8Array([5, ...leb(body.length)]), body]), body: new Reader(new Uint8Array()) };
  const before = all.findIndex((s) => AFTER_MEMORIES.has(s.id));
  all.splice(before < 0 ? all.length : before, 0, added);
  return concat([bytes.subarray(0, 8), ...all.map((s) => s.bytes)]);
}
