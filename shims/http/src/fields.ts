import type { HeaderError } from './errors.js';

/**
 * Header names a guest may not set: hop-by-hop headers belong to the connection, which
 * `fetch` owns, and `host` must agree with the request's authority.
 */
const FORBIDDEN = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'host', 'http2-settings']);

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function fail(tag: HeaderError['tag']): never {
  throw { tag } satisfies HeaderError;
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || !TOKEN.test(name)) fail('invalid-syntax');
  const lower = name.toLowerCase();
  if (FORBIDDEN.has(lower)) fail('forbidden');
  return lower;
}

/** RFC 9110 field-value: visible ASCII, obs-text and inner spaces/tabs; no CR, LF or NUL. */
function checkValue(value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array)) fail('invalid-syntax');
  for (let i = 0; i < value.length; i++) {
    const b = value[i]!;
    if ((b < 0x20 && b !== 0x09) || b === 0x7f) fail('invalid-syntax');
  }
  if (value.length > 0 && isSpace(value[0]!)) fail('invalid-syntax');
  if (value.length > 0 && isSpace(value[value.length - 1]!)) fail('invalid-syntax');
  return value.slice();
}

const isSpace = (b: number) => b === 0x20 || b === 0x09;

/** `wasi:http/types#fields`: an ordered multimap of header names to byte values. */
export class Fields {
  #entries: [string, Uint8Array][] = [];
  #immutable = false;

  static fromList(entries: [string, Uint8Array][]): Fields {
    if (!Array.isArray(entries)) throw new TypeError('wasi:http/types#[static]fields.from-list: entries must be an array');
    const f = new Fields();
    for (const entry of entries) {
      if (!Array.isArray(entry) || entry.length !== 2) fail('invalid-syntax');
      const [name, value] = entry;
      checkName(name);
      f.#entries.push([name, checkValue(value)]);
    }
    return f;
  }

  get(name: string): Uint8Array[] {
    if (typeof name !== 'string') throw new TypeError('fields.get: name must be a string');
    const lower = name.toLowerCase();
    return this.#entries.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v.slice());
  }

  has(name: string): boolean {
    if (typeof name !== 'string') throw new TypeError('fields.has: name must be a string');
    const lower = name.toLowerCase();
    return this.#entries.some(([n]) => n.toLowerCase() === lower);
  }

  set(name: string, values: Uint8Array[]): void {
    this.#checkMutable();
    const lower = checkName(name);
    if (!Array.isArray(values)) fail('invalid-syntax');
    const checked = values.map(checkValue);
    this.#entries = this.#entries.filter(([n]) => n.toLowerCase() !== lower);
    for (const v of checked) this.#entries.push([name, v]);
  }

  delete(name: string): void {
    this.#checkMutable();
    const lower = checkName(name);
    this.#entries = this.#entries.filter(([n]) => n.toLowerCase() !== lower);
  }

  append(name: string, value: Uint8Array): void {
    this.#checkMutable();
    checkName(name);
    this.#entries.push([name, checkValue(value)]);
  }

  entries(): [string, Uint8Array][] {
    return this.#entries.map(([n, v]) => [n, v.slice()]);
  }

  /** 0.3's name for `entries`. */
  copyAll(): [string, Uint8Array][] {
    return this.entries();
  }

  /** 0.3: the values of `name`, which are then removed. */
  getAndDelete(name: string): Uint8Array[] {
    this.#checkMutable();
    const values = this.get(checkName(name));
    this.delete(name);
    return values;
  }

  /** A mutable copy, whatever this one is. */
  clone(): Fields {
    const f = new Fields();
    f.#entries = this.entries();
    return f;
  }

  #checkMutable(): void {
    if (this.#immutable) fail('immutable');
  }

  /** An immutable copy: what requests and responses hand out as their headers. */
  static frozenCopy(source: Fields): Fields {
    const f = source.clone();
    f.#immutable = true;
    return f;
  }

  /** Immutable fields from a platform `Headers` object, which has already validated them. */
  static fromHeaders(headers: Headers): Fields {
    const f = new Fields();
    headers.forEach((value, name) => {
      if (name === 'set-cookie') return;
      f.#entries.push([name, byteString(value)]);
    });
    for (const cookie of headers.getSetCookie?.() ?? []) f.#entries.push(['set-cookie', byteString(cookie)]);
    f.#immutable = true;
    return f;
  }
}

function byteString(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
}

/** Header values are bytes; `fetch` takes ByteStrings, one char per byte. */
export function toHeaderInit(fields: Fields): [string, string][] {
  return fields.entries().map(([n, v]) => [n, String.fromCharCode(...v)]);
}
