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
