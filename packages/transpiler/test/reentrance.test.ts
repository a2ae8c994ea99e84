import { expect, test } from 'vitest';
import { engine, loadWat, readFixture } from './harness.js';

test('a host import that returns normally leaves the instance enterable', async () => {
  const exp = await loadWat(readFixture('reentrance.wat'), { 'local:test/host': { callback: () => 41 } });
  expect(exp.outer()).toBe(42);
  expect(exp.inner()).toBe(5);
});

// jco lets a host import call back into the instance that is calling it.
test.skipIf(engine === 'jco')('re-entering the same instance from a host import traps', async () => {
  let exp: any;
  let reentryError: unknown;
  exp = await loadWat(readFixture('reentrance.wat'), {
    'local:test/host': {
      callback: () => {
        try {
          return exp.inner();
        } catch (e) {
          reentryError = e;
          throw e;
        }
      },
    },
  });
  expect(() => exp.outer()).toThrow();
  expect(reentryError).toBeInstanceOf(WebAssembly.RuntimeError);
  expect(String((reentryError as Error).message)).toMatch(/enter/i);
});

test('a host import may call into a different instance of the same component', async () => {
  const other = await loadWat(readFixture('reentrance.wat'), { 'local:test/host': { callback: () => 0 } });
  const exp = await loadWat(readFixture('reentrance.wat'), { 'local:test/host': { callback: () => other.inner() * 2 } });
  expect(exp.outer()).toBe(11);
});

test('an exception thrown by a host import reaches the caller of the export unchanged', async () => {
  const boom = new Error('boom');
  const exp = await loadWat(readFixture('reentrance.wat'), {
    'local:test/host': {
      callback: () => {
        throw boom;
      },
    },
  });
  let caught: unknown;
  try {
    exp.outer();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBe(boom);
});
