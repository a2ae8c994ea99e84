import { beforeAll, describe, expect, test } from 'vitest';
import { engine, loadWat, readFixture } from './harness.js';

let hostValue: unknown = 0;
const imports = { 'local:test/host': { hostU32: () => hostValue } };

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to throw');
}

describe('valid JS values (fixture check)', () => {
  test('every function accepts good values', async () => {
    const c = (await loadWat(readFixture('js-values.wat'), imports)).checks;
    expect(c.add(2 ** 32 - 1, 0)).toBe(2 ** 32 - 1);
    expect(c.small(255)).toBe(255);
    expect(c.signed(-32768)).toBe(-32768);
    expect(c.big(2n ** 64n - 1n)).toBe(2n ** 64n - 1n);
    expect(c.letter('😀')).toBe('😀');
    expect(c.paint('blue')).toBe('blue');
    expect(c.describe({ name: 'Ada', age: 36 })).toBe(36);
    expect(c.pick({ tag: 'dot', val: 9 })).toBe(9);
    expect(c.pick({ tag: 'none' })).toBe(0);
    expect(c.text('héllo')).toBe(6);
    hostValue = 7;
    expect(c.relay()).toBe(7);
  });
});

// Weft validates JS values with errors that name the function, parameter and WIT type;
// jco coerces some wrong values instead of throwing, and its messages name none of them.
describe.skipIf(engine === 'jco')('wrong JS values throw TypeError/RangeError naming function, parameter and type', () => {
  let c: any;
  beforeAll(async () => {
    c = (await loadWat(readFixture('js-values.wat'), imports)).checks;
  });

  const cases: [string, () => unknown, (new (...a: any[]) => Error)[], RegExp][] = [
    ['a string for a u32', () => c.add('1', 2), [TypeError], /add.*\ba\b.*u32/],
    ['2**32 for a u32', () => c.add(2 ** 32, 0), [RangeError], /add.*\ba\b.*u32/],
    ['a negative second u32 argument', () => c.add(1, -1), [RangeError], /add.*\bb\b.*u32/],
    ['a missing u32 argument', () => c.add(1), [TypeError], /add.*\bb\b.*u32/],
    ['a fraction for a u32', () => c.add(1.5, 0), [RangeError, TypeError], /add.*\ba\b.*u32/],
    ['NaN for a u32', () => c.add(NaN, 0), [RangeError, TypeError], /add.*\ba\b.*u32/],
    ['-1 for a u8', () => c.small(-1), [RangeError], /small.*\bv\b.*u8/],
    ['256 for a u8', () => c.small(256), [RangeError], /small.*\bv\b.*u8/],
    ['32768 for an s16', () => c.signed(32768), [RangeError], /signed.*\bv\b.*s16/],
    ['a number for a u64', () => c.big(5), [TypeError], /big.*\bn\b.*u64/],
    ['-1n for a u64', () => c.big(-1n), [RangeError], /big.*\bn\b.*u64/],
    ['2n**64n for a u64', () => c.big(2n ** 64n), [RangeError], /big.*\bn\b.*u64/],
    ['a lone surrogate for a char', () => c.letter('\uD800'), [TypeError, RangeError], /letter.*\bc\b.*char/],
    ['a 2-char string for a char', () => c.letter('ab'), [TypeError, RangeError], /letter.*\bc\b.*char/],
    ['an empty string for a char', () => c.letter(''), [TypeError, RangeError], /letter.*\bc\b.*char/],
    ['a number for a char', () => c.letter(97), [TypeError], /letter.*\bc\b.*char/],
    ['an unknown enum case', () => c.paint('purple'), [TypeError, RangeError], /paint.*\bc\b.*color/],
    ['a missing record field', () => c.describe({ name: 'Ada' }), [TypeError], /describe.*\bp\b.*(person|age)/],
    ['a wrong variant tag', () => c.pick({ tag: 'circle', val: 1 }), [TypeError, RangeError], /pick.*\bs\b.*shape/],
    ['a number for a string', () => c.text(5), [TypeError], /text.*\bs\b.*string/],
  ];

  for (const [what, call, classes, message] of cases) {
    test(what, () => {
      const err = thrown(call);
      expect(
        classes.some((k) => err instanceof k),
        `${err?.constructor?.name}: ${err?.message}`,
      ).toBe(true);
      expect(err.message).toMatch(message);
    });
  }

  test('a wrong JS value is not a trap: the instance stays usable', () => {
    expect(() => c.add('x', 1)).toThrow();
    expect(c.add(1, 2)).toBe(3);
  });

  test('a host import returning a wrong value names the import and its type', () => {
    hostValue = 2 ** 32;
    const err = thrown(() => c.relay());
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/host-u32|hostU32/);
    expect(err.message).toMatch(/u32/);
  });
});
