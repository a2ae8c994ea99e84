import { WeftError } from '../error.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A cursor over a byte range. Every read checks bounds and reports failures with the
 * absolute byte offset and what was expected there, so malformed input never surfaces
 * as an internal exception.
 */
export class Reader {
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  fail(expected: string, at = this.pos): never {
    throw new WeftError(`malformed component: expected ${expected}`, at);
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.end) this.fail(`${what}, found end of ${this.end === this.bytes.length ? 'input' : 'section'}`);
  }

  u8(what = 'a byte'): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }

  peek(): number | undefined {
    return this.pos < this.end ? this.bytes[this.pos] : undefined;
  }

  u32(what = 'a u32 (LEB128)'): number {
    const start = this.pos;
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      const b = this.u8(what);
      if (shift === 28 && b > 0x0f) this.fail(`${what}: LEB128 value out of u32 range`, start);
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
    }
  }

  /** Signed LEB128 up to 64 bits; returned as bigint. */
  s64(what = 'an s64 (LEB128)'): bigint {
    const start = this.pos;
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.u8(what);
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) {
        if (shift < 64n && b & 0x40) result -= 1n << shift;
        return BigInt.asIntN(64, result);
      }
      if (shift >= 70n) this.fail(`${what}: LEB128 value too long`, start);
    }
  }

  /** Signed 33-bit LEB128 (core block types / heap types). */
  s33(what = 'an s33 (LEB128)'): number {
    return Number(this.s64(what));
  }

  bytesN(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  name(what = 'a name'): string {
    const len = this.u32(`${what} length`);
    const at = this.pos;
    const raw = this.bytesN(len, what);
    try {
      return utf8.decode(raw);
    } catch {
      return this.fail(`${what} in valid UTF-8`, at);
    }
  }

  vec<T>(item: (r: Reader, i: number) => T, what = 'a vector length'): T[] {
    const n = this.u32(what);
    // Each element takes at least one byte: a huge count in a short section is malformed.
    if (n > this.end - this.pos) this.fail(`${what} that fits in the remaining ${this.end - this.pos} bytes`);
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item(this, i));
    return out;
  }

  /** Reads `0x00 | 0x01 T` optional encoding. */
  optional<T>(item: (r: Reader) => T, what: string): T | undefined {
    const at = this.pos;
    const b = this.u8(what);
    if (b === 0) return undefined;
    if (b === 1) return item(this);
    return this.fail(`0x00 or 0x01 for ${what}, found 0x${hex(b)}`, at);
  }
}

export function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}
