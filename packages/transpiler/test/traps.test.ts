import { describe, expect, test } from 'vitest';
import { engine, loadWat, readFixture } from './harness.js';

const received: unknown[] = [];
const sink = {
  'local:test/sink': {
    takeChar: (c: string) => void received.push(c),
    takeOption: (x: unknown) => void received.push(x),
    takeString: (s: string) => void received.push(s),
  },
};

async function load() {
  return (await loadWat(readFixture('traps.wat'), sink)).traps;
}

/**
 * The call must throw. weft throws a WebAssembly.RuntimeError whose message names the cause;
 * jco's trap errors are other classes with unspecified messages, so only the throw is checked there.
 */
function expectTrap(fn: () => unknown, cause: RegExp) {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a trap').toBeInstanceOf(Error);
  if (engine !== 'jco') {
    expect(err).toBeInstanceOf(WebAssembly.RuntimeError);
    expect((err as Error).message).toMatch(cause);
  }
}

/** Cases jco lets through carry the reason they are skipped under it. */
type Case = [fn: string, cause: RegExp, jcoGap?: string];

describe('validation traps on values lifted from the guest', () => {
  const cases: Case[] = [
    ['charSurrogate', /char/i],
    ['charTooBig', /char/i],
    ['enumOutOfRange', /discriminant/i],
    ['variantOutOfRange', /discriminant/i],
    ['optionOutOfRange', /discriminant/i],
    ['resultOutOfRange', /discriminant/i],
    ['listMisaligned', /align/i],
    ['stringOutOfBounds', /out of bounds/i],
    ['listOutOfBounds', /out of bounds/i, 'jco slices the buffer, which clamps instead of trapping'],
    ['listLengthOverflow', /out of bounds/i, 'jco slices the buffer, which clamps instead of trapping'],
    ['utf8Continuation', /utf-?8/i, 'jco decodes invalid utf-8 to U+FFFD'],
    ['utf8Overlong', /utf-?8/i, 'jco decodes invalid utf-8 to U+FFFD'],
    ['utf8Truncated', /utf-?8/i, 'jco decodes invalid utf-8 to U+FFFD'],
    ['utf16LoneSurrogate', /utf-?16|surrogate/i, 'jco passes lone surrogates through'],
    ['utf16Misaligned', /align/i],
    ['retptrMisaligned', /align/i, 'jco does not check the alignment of a return pointer'],
    ['emptyListMisaligned', /align/i],
    ['emptyStringOutOfBounds', /out of bounds/i],
  ];
  for (const [fn, cause, jcoGap] of cases) {
    test.skipIf(engine === 'jco' && jcoGap !== undefined)(`${fn} traps`, async () => {
      const t = await load();
      expect(t.ok()).toBe(1);
      expectTrap(() => t[fn](), cause);
    });
  }
});

describe('validation traps on guest arguments to host imports', () => {
  const cases: Case[] = [
    ['sendBadChar', /char/i],
    ['sendBadOption', /discriminant/i],
    ['sendBadUtf8', /utf-?8/i, 'jco decodes invalid utf-8 to U+FFFD'],
  ];
  for (const [fn, cause, jcoGap] of cases) {
    test.skipIf(engine === 'jco' && jcoGap !== undefined)(`${fn} traps before the host is called`, async () => {
      const t = await load();
      received.length = 0;
      expectTrap(() => t[fn](), cause);
      expect(received).toEqual([]);
    });
  }
});

test('a core trap surfaces as a WebAssembly.RuntimeError', async () => {
  const t = await load();
  expect(() => t.crash()).toThrow(WebAssembly.RuntimeError);
});

describe('values the spec accepts', () => {
  // jco throws "flags have extraneous bits set".
  test.skipIf(engine === 'jco')('flag bits beyond the defined flags are ignored (unpack_flags_from_int)', async () => {
    const t = await load();
    expect(t.flagsExtraBits()).toEqual({ read: true, write: false, exec: true });
  });

  // jco throws "invalid variant discriminant for bool".
  test.skipIf(engine === 'jco')('any non-zero i32 lifts to true (convert_int_to_bool)', async () => {
    const t = await load();
    expect(t.boolTwo()).toBe(true);
  });
});

describe('a trap poisons the instance', () => {
  const cases: [fn: string, jcoGap?: string][] = [
    ['crash'],
    ['charSurrogate', 'jco leaves the instance usable after a validation trap'],
    ['enumOutOfRange', 'jco leaves the instance usable after a validation trap'],
    ['stringOutOfBounds', 'jco leaves the instance usable after a validation trap'],
    ['sendBadChar', 'jco leaves the instance usable after a validation trap'],
  ];
  for (const [fn, jcoGap] of cases) {
    test.skipIf(engine === 'jco' && jcoGap !== undefined)(`after ${fn} every later call throws`, async () => {
      const t = await load();
      expect(t.ok()).toBe(1);
      expect(() => t[fn]()).toThrow();
      expect(() => t.ok()).toThrow();
      expect(() => t.boolTwo()).toThrow();
    });
  }
});
