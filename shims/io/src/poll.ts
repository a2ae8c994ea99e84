import { asyncWaitAllowed, blockSync, sleepUntil, WouldBlockError } from './sleep.js';

/**
 * What a pollable asks of the thing it watches. Timers give a `deadline` (on the
 * `performance.now()` clock) so `poll` can sleep exactly until the earliest one; sources
 * that can wait on their own give `block`, which may return a promise for the async
 * modes (the synchronous mode then reports that it cannot wait).
 */
export interface Readiness {
  ready(): boolean;
  deadline?(): number;
  block?: (() => void | PromiseLike<void>) | undefined;
  /** Named in the error when waiting is impossible. */
  readonly label?: string;
}

/** `wasi:io/poll#pollable`. Other shims create these around their own readiness. */
export class Pollable {
  constructor(readiness: Readiness) {
    readinessOf.set(this, readiness);
  }

  ready(): boolean {
    return readinessOf.get(this)!.ready();
  }

  /** Returns a promise when the wait happens asynchronously (see asyncWaitAllowed). */
  block(): void | Promise<void> {
    const ready = pollList([this]);
    if (ready instanceof Promise) return ready.then(() => undefined);
  }
}

const readinessOf = new WeakMap<Pollable, Readiness>();

const alwaysReady: Readiness = { ready: () => true, label: 'ready pollable' };

/** A pollable that is ready at once (closed streams, completed operations). */
export function readyPollable(): Pollable {
  return new Pollable(alwaysReady);
}

/** A pollable that becomes ready at `deadline` on the `performance.now()` clock. */
export function timerPollable(deadline: number): Pollable {
  return new Pollable({
    ready: () => performance.now() >= deadline,
    deadline: () => deadline,
    label: 'timer',
  });
}

/**
 * `wasi:io/poll#poll`: indices of the ready pollables, waiting until at least one is. Where
 * an async mode allows it, the wait is a promise for the indices instead of a blocked thread.
 */
export function pollList(list: Pollable[]): Uint32Array | Promise<Uint32Array> {
  if (!Array.isArray(list) || list.length === 0) {
    throw new RangeError('wasi:io/poll#poll: the list of pollables must not be empty');
  }
  if (list.length > 0xffffffff) throw new RangeError('wasi:io/poll#poll: too many pollables');
  const all = list.map((p, i) => {
    if (!(p instanceof Pollable)) throw new TypeError(`wasi:io/poll#poll: element ${i} is not a Pollable`);
    return readinessOf.get(p)!;
  });
  const first = readyOf(all);
  if (first) return first;
  if (asyncWaitAllowed()) return pollAsync(all);
  for (;;) {
    const ready = readyOf(all);
    if (ready) return ready;
    const { earliest, blocker } = nextWait(all);
    if (earliest !== Infinity) sleepUntil(earliest, 'wasi:io/poll#poll on a timer');
    else if (blocker?.block) blockSync(() => blocker.block!(), `wasi:io/poll#poll on ${blocker.label ?? 'a pollable'}`);
    else {
      const names = all.map((r) => r.label ?? 'pollable').join(', ');
      throw new WouldBlockError(`wasi:io/poll#poll on [${names}]`);
    }
  }
}

function readyOf(all: Readiness[]): Uint32Array | undefined {
  const ready: number[] = [];
  all.forEach((r, i) => {
    if (r.ready()) ready.push(i);
  });
  return ready.length > 0 ? Uint32Array.from(ready) : undefined;
}

/** The earliest timer deadline among `all`, else the first pollable that can wait on its own. */
function nextWait(all: Readiness[]): { earliest: number; blocker?: Readiness } {
  let earliest = Infinity;
  let blocker: Readiness | undefined;
  for (const r of all) {
    const d = r.deadline?.();
    if (d !== undefined) earliest = Math.min(earliest, d);
    else if (r.block && !blocker) blocker = r;
  }
  return blocker ? { earliest, blocker } : { earliest };
}

/** `poll` for the async modes: the same loop, waiting on timers and sources without blocking. */
async function pollAsync(all: Readiness[]): Promise<Uint32Array> {
  for (;;) {
    const ready = readyOf(all);
    if (ready) return ready;
    const { earliest, blocker } = nextWait(all);
    if (earliest !== Infinity) await new Promise((resolve) => setTimeout(resolve, Math.max(0, earliest - performance.now())));
    else if (blocker?.block) await blocker.block();
    else throw new WouldBlockError(`wasi:io/poll#poll on [${all.map((r) => r.label ?? 'pollable').join(', ')}]`);
  }
}

export const poll = { Pollable, poll: pollList };
