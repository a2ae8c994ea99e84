/**
 * Reader for the s-expression syntax of .wast scripts: atoms, strings (with the
 * text-format escapes), lists, `;;` line comments, nested `(; ;)` block comments
 * and annotations `(@name ...)`, which are dropped.
 */

export interface Atom {
  kind: 'atom';
  value: string;
  start: number;
  end: number;
}

export interface Str {
  kind: 'string';
  /** Raw bytes: `\xx` escapes may produce invalid UTF-8 (used by binary components). */
  bytes: Uint8Array;
  start: number;
  end: number;
}

export interface List {
  kind: 'list';
  items: SExpr[];
  /** Offset of `(`. */
  start: number;
  /** Offset just past `)`. */
  end: number;
}

export type SExpr = Atom | Str | List;

export class ReadError extends Error {
  override name = 'ReadError';
  constructor(
    message: string,
    readonly offset: number,
    source: string,
  ) {
    super(`${message} at ${lineCol(source, offset)}`);
  }
}

export function lineCol(source: string, offset: number): string {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      col = 1;
    } else col++;
  }
  return `line ${line}, column ${col}`;
}

const textEncoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/** A string's bytes as text; throws on invalid UTF-8 (names must be valid text). */
export function strText(s: Str): string {
  return strictDecoder.decode(s.bytes);
}

function isDelimiter(c: string): boolean {
  return c === '(' || c === ')' || c === '"' || c === ';' || c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

/** Reads every top-level expression in `source`. */
export function read(source: string): SExpr[] {
  let pos = 0;
  const n = source.length;

  function skipBlockComment(): void {
    const open = pos;
    pos += 2;
    let depth = 1;
    while (depth > 0) {
      if (pos >= n) throw new ReadError('unterminated block comment', open, source);
      if (source.startsWith('(;', pos)) {
        depth++;
        pos += 2;
      } else if (source.startsWith(';)', pos)) {
        depth--;
        pos += 2;
      } else pos++;
    }
  }

  function skipTrivia(): void {
    while (pos < n) {
      const c = source[pos]!;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') pos++;
      else if (source.startsWith(';;', pos)) {
        while (pos < n && source[pos] !== '\n') pos++;
      } else if (source.startsWith('(;', pos)) skipBlockComment();
      else break;
    }
  }

  function readString(): Str {
    const start = pos;
    pos++;
    const out: number[] = [];
    for (;;) {
      if (pos >= n) throw new ReadError('unterminated string', start, source);
      const c = source[pos]!;
      if (c === '"') {
        pos++;
        break;
      }
      if (c === '\n') throw new ReadError('newline in string', pos, source);
      if (c !== '\\') {
        const cp = source.codePointAt(pos)!;
        const ch = String.fromCodePoint(cp);
        for (const b of textEncoder.encode(ch)) out.push(b);
        pos += ch.length;
        continue;
      }
      const e = source[pos + 1];
      pos += 2;
      switch (e) {
        case 'n':
          out.push(0x0a);
          break;
        case 't':
          out.push(0x09);
          break;
        case 'r':
          out.push(0x0d);
          break;
        case '"':
          out.push(0x22);
          break;
        case "'":
          out.push(0x27);
          break;
        case '\\':
          out.push(0x5c);
          break;
        case 'u': {
          if (source[pos] !== '{') throw new ReadError('expected { after \\u', pos, source);
          const close = source.indexOf('}', pos);
          const hex = close < 0 ? '' : source.slice(pos + 1, close).replaceAll('_', '');
          if (!/^[0-9a-fA-F]+$/.test(hex)) throw new ReadError('bad \\u{...} escape', pos, source);
          const cp = parseInt(hex, 16);
          if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new ReadError('\\u escape is not a scalar value', pos, source);
          for (const b of textEncoder.encode(String.fromCodePoint(cp))) out.push(b);
          pos = close + 1;
          break;
        }
        default: {
          const hex = source.slice(pos - 1, pos + 1);
          if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new ReadError(`bad string escape \\${e ?? ''}`, pos - 2, source);
          out.push(parseInt(hex, 16));
          pos += 1;
        }
      }
    }
    return { kind: 'string', bytes: Uint8Array.from(out), start, end: pos };
  }

  function readAtom(): Atom {
    const start = pos;
    while (pos < n && !isDelimiter(source[pos]!)) pos++;
    return { kind: 'atom', value: source.slice(start, pos), start, end: pos };
  }

  /** Reads one expression; returns undefined for an annotation, which is dropped. */
  function readExpr(): SExpr | undefined {
    const c = source[pos]!;
    if (c === '"') return readString();
    if (c === ')') throw new ReadError('unexpected )', pos, source);
    if (c !== '(') return readAtom();
    const start = pos;
    pos++;
    const annotation = source[pos] === '@';
    const items: SExpr[] = [];
    for (;;) {
      skipTrivia();
      if (pos >= n) throw new ReadError('unclosed (', start, source);
      if (source[pos] === ')') {
        pos++;
        break;
      }
      const item = readExpr();
      if (item) items.push(item);
    }
    if (annotation) return undefined;
    return { kind: 'list', items, start, end: pos };
  }

  const top: SExpr[] = [];
  for (;;) {
    skipTrivia();
    if (pos >= n) return top;
    const e = readExpr();
    if (e) top.push(e);
  }
}

export function isAtom(e: SExpr | undefined, value?: string): e is Atom {
  return e?.kind === 'atom' && (value === undefined || e.value === value);
}

export function isList(e: SExpr | undefined, head?: string): e is List {
  return e?.kind === 'list' && (head === undefined || isAtom(e.items[0], head));
}

/** Short printable form of an expression, for messages. */
export function show(e: SExpr, max = 80): string {
  let s: string;
  if (e.kind === 'atom') s = e.value;
  else if (e.kind === 'string') s = JSON.stringify(new TextDecoder().decode(e.bytes));
  else s = `(${e.items.map((i) => show(i, max)).join(' ')})`;
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}
