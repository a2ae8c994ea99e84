/**
 * Seeded mutations of component binaries: byte and bit flips, truncation, dropped, swapped and
 * resized sections, nudged small indices, and section sizes re-encoded as (valid) overlong LEBs.
 * A fixed seed makes every run see the same inputs.
 */

/** mulberry32: a small PRNG with a 32-bit state. */
export function prng(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Section {
  start: number;
  id: number;
  body: number;
  end: number;
}

/** The sections of one (component or core module) binary between `from` and `to`, as far as their headers read. */
export function sections(b: Uint8Array, from = 8, to = b.length): Section[] {
  const out: Section[] = [];
  let p = from;
  while (p < to) {
    const start = p;
    const id = b[p++]!;
    let size = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = b[p++] ?? 0;
      size += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80 && p < to && shift < 35);
    out.push({ start, id, body: p, end: p + size });
    p += size;
  }
  return out;
}

/** Byte ranges of every core module in a component binary, nested components included. */
export function coreModuleRanges(b: Uint8Array, from = 8, to = b.length): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const s of sections(b, from, to)) {
    const end = Math.min(s.end, to);
    if (s.id === 1) out.push({ start: s.body, end });
    else if (s.id === 4 && end - s.body >= 8) out.push(...coreModuleRanges(b, s.body + 8, end));
  }
  return out;
}

export type MutationKind = 'bit-flip' | 'byte' | 'truncate' | 'drop-section' | 'index' | 'section-size' | 'swap-sections' | 'overlong-leb';

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** One mutation of `b` (a component of at least its 8-byte header), or undefined when the drawn kind does not apply. */
export function mutate(b: Uint8Array, rnd: () => number): { kind: MutationKind; bytes: Uint8Array } | undefined {
  const int = (n: number) => Math.floor(rnd() * n);
  const c = new Uint8Array(b);
  const secs = sections(b).filter((s) => s.end <= b.length);
  const sec = () => secs[int(secs.length)]!;
  switch (int(8)) {
    case 0: {
      c[8 + int(c.length - 8)]! ^= 1 << int(8);
      return { kind: 'bit-flip', bytes: c };
    }
    case 1: {
      c[8 + int(c.length - 8)] = int(256);
      return { kind: 'byte', bytes: c };
    }
    case 2:
      return { kind: 'truncate', bytes: c.subarray(0, 8 + int(c.length - 8)) };
    case 3: {
      if (!secs.length) return undefined;
      const s = sec();
      return { kind: 'drop-section', bytes: concat(c.subarray(0, s.start), c.subarray(s.end)) };
    }
    case 4: {
      // Most indices, counts and sorts are small numbers.
      const small: number[] = [];
      for (let i = 8; i < c.length; i++) if (c[i]! < 8) small.push(i);
      if (!small.length) return undefined;
      const i = small[int(small.length)]!;
      c[i] = (c[i]! + (rnd() < 0.5 ? 1 : 255)) & 0xff;
      return { kind: 'index', bytes: c };
    }
    case 5: {
      if (!secs.length) return undefined;
      const s = sec();
      c[s.start + 1] = (c[s.start + 1]! + (rnd() < 0.5 ? 1 : 255)) & 0xff;
      return { kind: 'section-size', bytes: c };
    }
    case 6: {
      if (secs.length < 2) return undefined;
      const i = int(secs.length - 1);
      const a = secs[i]!;
      const d = secs[i + 1]!;
      return { kind: 'swap-sections', bytes: concat(c.subarray(0, a.start), c.subarray(d.start, d.end), c.subarray(a.start, a.end), c.subarray(d.end)) };
    }
    default: {
      if (!secs.length) return undefined;
      const s = sec();
      if (s.body - s.start - 1 >= 5) return undefined;
      let v = s.end - s.body;
      const leb: number[] = [];
      for (let i = 0; i < 4; i++) {
        leb.push((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      leb.push(v & 0x7f);
      return { kind: 'overlong-leb', bytes: concat(c.subarray(0, s.start + 1), new Uint8Array(leb), c.subarray(s.body)) };
    }
  }
}
