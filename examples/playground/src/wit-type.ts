/**
 * Reads back the WIT that `inspect()` prints for a function (`func(a: u32) -> string`),
 * so the page knows how to turn typed text into each parameter's JS value.
 */

export type WitType =
  | { kind: 'prim'; name: string }
  | { kind: 'list'; elem: WitType }
  | { kind: 'option'; type: WitType }
  | { kind: 'result'; ok?: WitType; err?: WitType }
  | { kind: 'tuple'; types: WitType[] }
  | { kind: 'map'; key: WitType; value: WitType }
  | { kind: 'record'; fields: { name: string; type: WitType }[] }
  | { kind: 'variant'; cases: { name: string; type?: WitType }[] }
  | { kind: 'enum'; names: string[] }
  | { kind: 'flags'; names: string[] }
  /** A named type or resource: its definition is not part of the signature. */
  | { kind: 'named'; name: string };

export interface WitFunc {
  params: { name: string; type: WitType }[];
  result?: WitType;
}

const PRIMS = new Set(['bool', 's8', 's16', 's32', 's64', 'u8', 'u16', 'u32', 'u64', 'f32', 'f64', 'char', 'string']);

class Tokens {
  private readonly list: string[];
  private at = 0;

  constructor(text: string) {
    this.list = text.match(/->|[<>(){},:]|[A-Za-z0-9_%-]+/g) ?? [];
  }

  peek(): string | undefined {
    return this.list[this.at];
  }

  next(): string {
    const t = this.list[this.at++];
    if (t === undefined) throw new SyntaxError('unexpected end of signature');
    return t;
  }

  expect(t: string): void {
    const got = this.next();
    if (got !== t) throw new SyntaxError(`expected '${t}' in signature, got '${got}'`);
  }

  /** Items separated by commas up to `close`, which is consumed. */
  until<T>(close: string, item: () => T): T[] {
    const out: T[] = [];
    while (this.peek() !== close) {
      out.push(item());
      if (this.peek() === ',') this.next();
    }
    this.next();
    return out;
  }
}

function parseType(t: Tokens): WitType {
  const word = t.next();
  const generic = (): WitType[] => {
    t.expect('<');
    return t.until('>', () => (t.peek() === '_' ? (t.next(), { kind: 'named', name: '_' } as WitType) : parseType(t)));
  };
  const body = <T>(item: () => T): T[] => {
    t.expect('{');
    return t.until('}', item);
  };
  switch (word) {
    case 'list':
      return { kind: 'list', elem: generic()[0]! };
    case 'option':
      return { kind: 'option', type: generic()[0]! };
    case 'tuple':
      return { kind: 'tuple', types: generic() };
    case 'borrow':
      return { kind: 'named', name: `borrow<${(generic()[0] as { name: string }).name}>` };
    case 'map': {
      const [key, value] = generic();
      return { kind: 'map', key: key!, value: value! };
    }
    case 'result': {
      if (t.peek() !== '<') return { kind: 'result' };
      const [ok, err] = generic();
      const real = (x: WitType | undefined) => (x && !(x.kind === 'named' && x.name === '_') ? x : undefined);
      const okType = real(ok);
      const errType = real(err);
      return { kind: 'result', ...(okType ? { ok: okType } : {}), ...(errType ? { err: errType } : {}) };
    }
    case 'record':
      return {
        kind: 'record',
        fields: body(() => {
          const name = t.next();
          t.expect(':');
          return { name, type: parseType(t) };
        }),
      };
    case 'variant':
      return {
        kind: 'variant',
        cases: body(() => {
          const name = t.next();
          if (t.peek() !== '(') return { name };
          t.next();
          const type = parseType(t);
          t.expect(')');
          return { name, type };
        }),
      };
    case 'enum':
      return { kind: 'enum', names: body(() => t.next()) };
    case 'flags':
      return { kind: 'flags', names: body(() => t.next()) };
    default:
      return PRIMS.has(word) ? { kind: 'prim', name: word } : { kind: 'named', name: word };
  }
}

/** `func(a: u32, b: list<u8>) -> result<string, e>` as parameter and result types. */
export function parseSignature(signature: string): WitFunc {
  const t = new Tokens(signature);
  t.expect('func');
  t.expect('(');
  const params = t.until(')', () => {
    const name = t.next();
    t.expect(':');
    return { name, type: parseType(t) };
  });
  if (t.peek() !== '->') return { params };
  t.next();
  return { params, result: parseType(t) };
}
