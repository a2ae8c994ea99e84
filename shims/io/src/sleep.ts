import { ASYNC_WAIT_KEY } from '@weft/wasi-manifest';
/**
 * Synchronous waiting. `Atomics.wait` sleeps without burning CPU where the platform allows
 * it (Node, workers); a browser main thread forbids it, so there we spin on
 * `performance.now()`, but only up to a short bound: longer waits need an async mode.
 */

/** Longest wait, in milliseconds, that may be spun on a thread that cannot `Atomics.wait`. */
export const MAX_SPIN_MS = 1000;

let waitCell: Int32Array | null | undefined;

function atomicsCell(): Int32Array | null {
  if (waitCell !== undefined) return waitCell;
  waitCell = null;
  if (typeof SharedArrayBuffer === 'function') {
    const cell = new Int32Array(new SharedArrayBuffer(4));
    try {
      Atomics.wait(cell, 0, 0, 0);
      waitCell = cell;
    } catch {
      waitCell = null;
    }
  }
  return waitCell;
}

const ASYNC_WAIT = Symbol.for(ASYNC_WAIT_KEY);

/**
 * True while weft glue transpiled with an async mode calls a host function that may
 * suspend the guest: a wait may then return a promise instead of blocking the thread.
 */
export function asyncWaitAllowed(): boolean {
  return (globalThis as Record<symbol, unknown>)[ASYNC_WAIT] === true;
}

/** True when this thread can block without spinning. */
export function canBlock(): boolean {
  return atomicsCell() !== null;
}

/** Error for a wait that the synchronous mode cannot perform on this thread. */
export class WouldBlockError extends Error {
  constructor(what: string) {
    super(
      `${what} must wait, and this thread cannot block synchronously; ` +
        'transpile with an async mode (asyncMode: "jspi" or "asyncify") or run the component in a worker',
    );
    this.name = 'WouldBlockError';
  }
}

/** Block the calling thread until `performance.now() >= until`. */
export function sleepUntil(until: number, what = 'a timer'): void {
  const cell = atomicsCell();
  let now = performance.now();
  if (now >= until) return;
  if (cell) {
    while (now < until) {
      Atomics.wait(cell, 0, 0, until - now);
      now = performance.now();
    }
    return;
  }
  if (until - now > MAX_SPIN_MS) throw new WouldBlockError(`${what} of ${Math.round(until - now)} ms`);
  while (performance.now() < until) {
    // spin: the main thread of a page offers no other way to wait synchronously
  }
}

/**
 * Run a source's `block()` in synchronous mode. A source may be written for the async
 * modes and return a promise; synchronously that wait cannot happen, so say so.
 */
export function blockSync(block: () => void | PromiseLike<void>, what: string): void {
  const result = block();
  if (result && typeof (result as PromiseLike<void>).then === 'function') {
    (result as PromiseLike<void>).then(undefined, () => {});
    throw new WouldBlockError(what);
  }
}
