/** Test helpers shared by the shim packages' tests. */

/** Runs `fn`, which must throw, and returns what it threw (shims throw plain WIT error values). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

/** `ASYNC_WAIT_KEY` of @weft/wasi-manifest, which not every shim package depends on. */
const ASYNC_WAIT = Symbol.for('weft.async-wait');

/** Run a blocking WASI call the way the async modes do: it returns a promise instead of blocking. */
export async function asGuestWaits<T>(call: () => T): Promise<Awaited<T>> {
  const g = globalThis as Record<symbol, unknown>;
  g[ASYNC_WAIT] = true;
  let result: T;
  try {
    result = call();
  } finally {
    delete g[ASYNC_WAIT];
  }
  return await result;
}
