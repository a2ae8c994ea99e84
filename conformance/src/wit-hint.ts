/**
 * Script values carry their own types except an empty `list.const`: `[]` could be a
 * `list<string>` or a `list<u32>` (a Uint32Array under the JS conventions). For that
 * case the parameter type is looked up in the component's WIT, as printed by wasm-tools.
 */
const NUMERIC_LIST = /^list<(u8|s8|u16|s16|u32|s32|u64|s64|f32|f64)>$/;

export type NumericElement = 'u8' | 's8' | 'u16' | 's16' | 'u32' | 's32' | 'u64' | 's64' | 'f32' | 'f64';

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '<' || c === '(') depth++;
    else if (c === '>' || c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out.map((p) => p.trim()).filter(Boolean);
}

/** For `export <func>: func(...)` in a WIT world, the element type of each numeric-list parameter by position. */
export function numericListParams(wit: string, func: string): (NumericElement | undefined)[] | undefined {
  const escaped = func.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`(?:^|\\s)export\\s+%?${escaped}\\s*:\\s*func\\s*\\(`).exec(wit);
  if (!m) return undefined;
  let depth = 1;
  let i = m.index + m[0].length;
  const start = i;
  for (; i < wit.length && depth > 0; i++) {
    if (wit[i] === '(') depth++;
    else if (wit[i] === ')') depth--;
  }
  const params = splitTopLevel(wit.slice(start, i - 1));
  return params.map((p) => {
    const type = p.slice(p.indexOf(':') + 1).replace(/\s+/g, '');
    return NUMERIC_LIST.exec(type)?.[1] as NumericElement | undefined;
  });
}
