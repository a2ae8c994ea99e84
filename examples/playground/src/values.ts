/**
 * Between text in the page and the JS values of weft's glue: an argument typed for a WIT
 * parameter becomes the value the glue expects (numbers, bigints for 64-bit integers,
 * typed arrays for numeric lists, camelCase record fields), and results are shown as text.
 */
import { isNumericKind, TYPED_ARRAYS } from '@weft/transpiler';
import type { WitType } from './wit-type';

const INTEGER = /^[+-]?(0x[0-9a-f]+|\d+)$/i;

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function bigint(v: unknown, where: string): bigint {
  if (typeof v === 'bigint') return v;
  if ((typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && INTEGER.test(v.trim()))) return BigInt(v);
  throw new TypeError(`${where}: expected an integer, got ${JSON.stringify(v)}`);
}

/** A JSON value shaped as `type` demands: the conversions JSON itself cannot express. */
function fromJson(type: WitType, v: unknown, where: string): unknown {
  switch (type.kind) {
    case 'prim':
      return type.name === 's64' || type.name === 'u64' ? bigint(v, where) : v;
    case 'list': {
      if (!Array.isArray(v)) return v;
      const elem = type.elem;
      const typed: { from(v: ArrayLike<unknown>): unknown } | undefined =
        elem.kind === 'prim' && isNumericKind(elem.name) ? TYPED_ARRAYS[elem.name] : undefined;
      const items = v.map((x, i) => fromJson(elem, x, `${where}[${i}]`));
      return typed ? typed.from(items) : items;
    }
    case 'option':
      return v === null || v === undefined ? undefined : fromJson(type.type, v, where);
    case 'result':
    case 'variant': {
      if (!v || typeof v !== 'object' || !('tag' in v)) return v;
      const { tag, val } = v as { tag: string; val?: unknown };
      const payload = type.kind === 'result' ? (tag === 'ok' ? type.ok : type.err) : type.cases.find((c) => c.name === tag)?.type;
      return payload ? { tag, val: fromJson(payload, val, `${where}.${tag}`) } : { tag };
    }
    case 'tuple':
      return Array.isArray(v) ? type.types.map((t, i) => fromJson(t, v[i], `${where}[${i}]`)) : v;
    case 'record': {
      if (!v || typeof v !== 'object') return v;
      const obj = v as Record<string, unknown>;
      return Object.fromEntries(
        type.fields.map((f) => {
          const key = camel(f.name);
          return [key, fromJson(f.type, key in obj ? obj[key] : obj[f.name], `${where}.${key}`)];
        }),
      );
    }
    case 'flags':
      // Either the set flags as a list of names or the object of booleans itself.
      return Array.isArray(v) ? Object.fromEntries(type.names.map((n) => [camel(n), v.includes(n) || v.includes(camel(n))])) : v;
    default:
      return v;
  }
}

/**
 * The value of one argument typed into the page. Strings, chars and enum cases are taken
 * as typed; numbers, bools and 64-bit integers as written; everything else as JSON, and
 * a named type's text that is not JSON as a word (an enum case).
 */
export function parseArgument(type: WitType, text: string, where: string): unknown {
  if (type.kind === 'enum') return text.trim();
  if (type.kind === 'prim') {
    const name = type.name;
    if (name === 'string' || name === 'char') return text;
    const t = text.trim();
    if (name === 'bool') {
      if (t !== 'true' && t !== 'false') throw new TypeError(`${where}: expected true or false, got ${JSON.stringify(text)}`);
      return t === 'true';
    }
    if (name === 's64' || name === 'u64') return bigint(t, where);
    if (t === '' || Number.isNaN(Number(t))) throw new TypeError(`${where}: expected a number, got ${JSON.stringify(text)}`);
    return Number(t);
  }
  let json: unknown;
  try {
    // A bigint has no JSON form; write 64-bit integers as plain numbers or strings.
    json = JSON.parse(text);
  } catch (e) {
    // The signature names a type without saying what it is: words that are not JSON are
    // most likely an enum case.
    if (type.kind === 'named') return text.trim();
    throw new TypeError(`${where}: expected JSON for this type: ${(e as Error).message}`);
  }
  return fromJson(type, json, where);
}

/** A placeholder showing what to type for a parameter of `type`. */
export function example(type: WitType): string {
  if (type.kind === 'enum') return type.names[0] ?? '';
  if (type.kind === 'prim' && type.name === 'string') return 'text';
  if (type.kind === 'prim' && type.name === 'char') return 'x';
  return jsonExample(type);
}

function jsonExample(type: WitType): string {
  switch (type.kind) {
    case 'prim':
      if (type.name === 'string' || type.name === 'char') return type.name === 'string' ? '"text"' : '"x"';
      return type.name === 'bool' ? 'true' : type.name.startsWith('f') ? '1.5' : '42';
    case 'list':
      return `[${jsonExample(type.elem)}, …]`;
    case 'option':
      return `null or ${jsonExample(type.type)}`;
    case 'enum':
      return `"${type.names[0] ?? ''}"`;
    case 'record':
      return `{ ${type.fields.map((f) => `"${camel(f.name)}": ${jsonExample(f.type)}`).join(', ')} }`;
    case 'variant':
      return `{ "tag": "${type.cases[0]?.name ?? ''}", "val": … }`;
    case 'result':
      return '{ "tag": "ok", "val": … }';
    case 'tuple':
      return `[${type.types.map(jsonExample).join(', ')}]`;
    case 'flags':
      return `["${type.names[0] ?? ''}"]`;
    default:
      return 'JSON';
  }
}

/** A result for display: JSON-like, with bigints as `123n` and typed arrays by name. */
export function show(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v !== 'object' || v === null) return String(v);
  if (ArrayBuffer.isView(v)) return `${v.constructor.name} [${Array.from(v as unknown as ArrayLike<unknown>, show).join(', ')}]`;
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  const entries = Object.entries(v);
  const name = v.constructor && v.constructor !== Object ? `${v.constructor.name} ` : '';
  return `${name}{ ${entries.map(([k, x]) => `${k}: ${show(x)}`).join(', ')} }`.replace('{  }', '{}');
}
