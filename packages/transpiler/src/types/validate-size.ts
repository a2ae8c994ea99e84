import type { ValType } from './model.js';

/** Validation bound on `elem_size(t, 'i64')` of every defined value type (CanonicalABI.md § Element Size). */
export const MAX_ELEM_SIZE = 2 ** 28;

const PTR = 8;
const sizes = new WeakMap<ValType, { size: number; align: number }>();

function alignTo(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

function discriminant(n: number): number {
  return n <= 256 ? 1 : n <= 65536 ? 2 : 4;
}

function variant(cases: (ValType | undefined)[]): { size: number; align: number } {
  let caseAlign = 1;
  let caseSize = 0;
  for (const c of cases) {
    if (!c) continue;
    const l = layout(c);
    caseAlign = Math.max(caseAlign, l.align);
    caseSize = Math.max(caseSize, l.size);
  }
  const d = discriminant(cases.length);
  const align = Math.max(d, caseAlign);
  return { size: alignTo(alignTo(d, caseAlign) + caseSize, align), align };
}

function record(types: ValType[]): { size: number; align: number } {
  let size = 0;
  let align = 1;
  for (const t of types) {
    const l = layout(t);
    size = alignTo(size, l.align) + l.size;
    align = Math.max(align, l.align);
  }
  return { size: alignTo(size, align), align };
}

/** Size and alignment in a 64-bit memory, the larger of the two layouts. */
export function layout(t: ValType): { size: number; align: number } {
  const hit = sizes.get(t);
  if (hit) return hit;
  let out: { size: number; align: number };
  switch (t.kind) {
    case 'bool': case 's8': case 'u8': out = { size: 1, align: 1 }; break;
    case 's16': case 'u16': out = { size: 2, align: 2 }; break;
    case 's64': case 'u64': case 'f64': out = { size: 8, align: 8 }; break;
    case 'string': case 'map': out = { size: 2 * PTR, align: PTR }; break;
    case 'list':
      if (t.length === undefined) out = { size: 2 * PTR, align: PTR };
      else { const e = layout(t.elem); out = { size: e.size * t.length, align: e.align }; }
      break;
    case 'record': out = record(t.fields.map((f) => f.type)); break;
    case 'tuple': out = record(t.types); break;
    case 'variant': out = variant(t.cases.map((c) => c.type)); break;
    case 'enum': out = variant(t.names.map(() => undefined)); break;
    case 'option': out = variant([undefined, t.type]); break;
    case 'result': out = variant([t.ok, t.err]); break;
    case 'flags': { const n = t.names.length <= 8 ? 1 : t.names.length <= 16 ? 2 : 4; out = { size: n, align: n }; break; }
    default: out = { size: 4, align: 4 }; break;
  }
  sizes.set(t, out);
  return out;
}
