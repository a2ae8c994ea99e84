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

/** How to get a thread that can wait with `Atomics.wait`, and which engines cannot give one. */
const WORKER_WAIT =
  'a dedicated worker can wait with Atomics.wait only given SharedArrayBuffer, which browsers grant only to ' +
  'cross-origin isolated pages and their workers (served with Cross-Origin-Opener-Policy: same-origin and ' +
  'Cross-Origin-Embedder-Policy: require-corp); Chromium and Firefox grant it there, WebKitGTK does not even then';

/** Why this thread cannot wait synchronously, as far as it can tell; '' when it could, but the wait is for a promise. */
function whyNoWait(): string {
  const g = globalThis as { document?: unknown; crossOriginIsolated?: boolean };
  if (atomicsCell() !== null) return '';
  if (g.document !== undefined) return "a page's main thread may not Atomics.wait";
  if (typeof SharedArrayBuffer !== 'function') {
    if (g.crossOriginIsolated === true) return 'this engine gives no SharedArrayBuffer even to a cross-origin isolated context';
    if (g.crossOriginIsolated === false) return 'there is no SharedArrayBuffer here: the page is not cross-origin isolated';
    return 'there is no SharedArrayBuffer here';
  }
  return 'Atomics.wait is not allowed here';
}

/** Error for a wait that the synchronous mode cannot perform on this thread. */
export class WouldBlockError extends Error {
  constructor(what: string) {
    const why = whyNoWait();
    super(
      why === ''
        ? `${what} must wait for a promise, which a synchronous call cannot; transpile with an async mode (asyncMode: "jspi" or "asyncify")`
        : `${what} must wait, and this thread cannot block synchronously (${why}); ` +
            `transpile with an async mode (asyncMode: "jspi" or "asyncify"), or run the component where it can block: ${WORKER_WAIT}`,
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
