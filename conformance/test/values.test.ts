import { describe, expect, it } from 'vitest';
import { read } from '../src/sexpr.js';
import { camelCase, mismatch, parseFloatLiteral, parseIntLiteral, parseValue, toJs, ValueSyntaxError } from '../src/values.js';

const v = (s: string) => parseValue(read(s)[0]!);
const js = (s: string) => toJs(v(s));

describe('value literals', () => {
  it('parses integers in every base and range', () => {
    expect(parseIntLiteral('0xff', 'u8')).toBe(255n);
    expect(parseIntLiteral('-128', 's8')).toBe(-128n);
    expect(parseIntLiteral('1_000', 'u32')).toBe(1000n);
    expect(parseIntLiteral('18446744073709551615', 'u64')).toBe(2n ** 64n - 1n);
    expect(() => parseIntLiteral('256', 'u8')).toThrow(ValueSyntaxError);
    expect(() => parseIntLiteral('-1', 'u32')).toThrow(/out of range/);
    expect(() => parseIntLiteral('1.5', 'u32')).toThrow(/bad u32/);
  });

  it('parses floats, hex floats, infinities and NaN patterns', () => {
    expect(parseFloatLiteral('1.5', 'f64')).toEqual({ value: 1.5 });
    expect(parseFloatLiteral('0x1.8p1', 'f64')).toEqual({ value: 3 });
    expect(parseFloatLiteral('-0x10', 'f32')).toEqual({ value: -16 });
    expect(parseFloatLiteral('0.1', 'f32')).toEqual({ value: Math.fround(0.1) });
    expect(parseFloatLiteral('-inf', 'f32')).toEqual({ value: -Infinity });
    expect(parseFloatLiteral('nan', 'f32')).toEqual({ nan: 'any' });
    expect(parseFloatLiteral('nan:canonical', 'f64')).toEqual({ nan: 'canonical' });
    expect(parseFloatLiteral('-nan:0x200000', 'f32')).toEqual({ value: NaN, bits: 0xffa00000n });
    expect(() => parseFloatLiteral('nan:0x0', 'f32')).toThrow(/NaN payload/);
    expect(() => parseFloatLiteral('1e', 'f64')).toThrow(/bad f64/);
  });
});

describe('script values to JS', () => {
  it('maps scalars', () => {
    expect(js('(bool.const true)')).toBe(true);
    expect(js('(u32.const 0xffffffff)')).toBe(4294967295);
    expect(js('(s64.const -1)')).toBe(-1n);
    expect(js('(u64.const 1)')).toBe(1n);
    expect(js('(f32.const -0)')).toBe(-0);
    expect(js('(char.const "🍰")')).toBe('🍰');
    expect(js('(str.const "a\\nb")')).toBe('a\nb');
  });

  it('maps compound values to the JS conventions', () => {
    expect(js('(list.const (u8.const 1) (u8.const 2))')).toEqual(new Uint8Array([1, 2]));
    expect(js('(list.const (s64.const -1))')).toEqual(new BigInt64Array([-1n]));
    expect(js('(list.const (str.const "a"))')).toEqual(['a']);
    expect(js('(list.const)')).toEqual([]);
    expect(js('(tuple.const (u32.const 1) (str.const "x"))')).toEqual([1, 'x']);
    expect(js('(record.const (field "big-num" u32.const 7) (field "b" (str.const "s")))')).toEqual({ bigNum: 7, b: 's' });
    expect(js('(variant.const "some-case" (u32.const 1))')).toEqual({ tag: 'some-case', val: 1 });
    expect(js('(variant.const "empty")')).toEqual({ tag: 'empty' });
    expect(js('(enum.const "dark-green")')).toBe('dark-green');
    expect(js('(option.none)')).toBeUndefined();
    expect(js('(option.some (u32.const 5))')).toBe(5);
    expect(js('(option.some (option.none))')).toEqual({ tag: 'some', val: undefined });
    expect(js('(result.ok (str.const "y"))')).toEqual({ tag: 'ok', val: 'y' });
    expect(js('(result.err)')).toEqual({ tag: 'err', val: undefined });
    expect(js('(flags.const "read" "exec-bit")')).toEqual({ read: true, execBit: true });
  });

  it('rejects malformed values', () => {
    expect(() => v('(u32.const)')).toThrow(/takes 1 operand/);
    expect(() => v('(char.const "ab")')).toThrow(/exactly one character/);
    expect(() => v('(bool.const yes)')).toThrow(/bad bool/);
    expect(() => v('(map.const)')).toThrow(/unknown value form map.const/);
    expect(() => v('(record.const (x "a"))')).toThrow(/field/);
  });

  it('converts kebab names like the glue', () => {
    expect(camelCase('get-1')).toBe('get1');
    expect(camelCase('a-b-c')).toBe('aBC');
    expect(camelCase('plain')).toBe('plain');
  });
});

describe('result comparison', () => {
  it('accepts equal values', () => {
    expect(mismatch(42, v('(u32.const 42)'))).toBeUndefined();
    expect(mismatch(5n, v('(s64.const 5)'))).toBeUndefined();
    expect(mismatch(NaN, v('(f32.const nan:canonical)'))).toBeUndefined();
    expect(mismatch(new Uint32Array([1]), v('(list.const (u32.const 1))'))).toBeUndefined();
    expect(mismatch(new Uint8Array(0), v('(list.const)'))).toBeUndefined();
    expect(mismatch({ a: 1, b: 's' }, v('(record.const (field "a" u32.const 1) (field "b" str.const "s"))'))).toBeUndefined();
    expect(mismatch({ read: true, write: false }, v('(flags.const "read")'))).toBeUndefined();
    expect(mismatch(undefined, v('(option.none)'))).toBeUndefined();
    expect(mismatch({ tag: 'some', val: undefined }, v('(option.some (option.none))'))).toBeUndefined();
  });

  it('reports what differs', () => {
    expect(mismatch(42n, v('(u32.const 42)'))).toMatch(/expected 42 \(u32 number\), got 42n/);
    expect(mismatch(42, v('(u64.const 42)'))).toMatch(/bigint/);
    expect(mismatch(0, v('(f64.const -0)'))).toMatch(/expected -0/);
    expect(mismatch(1.5, v('(f32.const nan)'))).toBeDefined();
    expect(mismatch([1], v('(list.const (u8.const 1))'))).toMatch(/Uint8Array/);
    expect(mismatch(['a', 'b'], v('(list.const (str.const "a") (str.const "c"))'))).toMatch(/result\[1\]/);
    expect(mismatch({ a: 1 }, v('(record.const (field "a" u32.const 1) (field "b-c" u32.const 2))'))).toMatch(/field bC/);
    expect(mismatch({ tag: 'x', val: 2 }, v('(variant.const "x" (u32.const 1))'))).toMatch(/result\.val/);
    expect(mismatch({ read: true, write: true }, v('(flags.const "read")'))).toMatch(/flag write clear/);
    expect(mismatch(0, v('(option.none)'))).toMatch(/none/);
    expect(mismatch('a', v('(enum.const "b")'))).toBeDefined();
  });
});
