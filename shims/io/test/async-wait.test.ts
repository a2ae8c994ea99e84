import { describe, expect, it } from 'vitest';
import { asyncWaitAllowed, poll, timerPollable, WouldBlockError } from '../src/index.js';

const FLAG = Symbol.for('weft.async-wait');

function allowingAsync<T>(f: () => T): T {
  (globalThis as Record<symbol, unknown>)[FLAG] = true;
  try {
    return f();
  } finally {
    delete (globalThis as Record<symbol, unknown>)[FLAG];
  }
}

describe('waits under an async mode', () => {
  it('is allowed only while the glue says so', () => {
    expect(asyncWaitAllowed()).toBe(false);
    expect(allowingAsync(asyncWaitAllowed)).toBe(true);
  });

  it('poll on a timer returns a promise for the ready indices instead of blocking', async () => {
    const start = performance.now();
    const soon = timerPollable(start + 30);
    const later = timerPollable(start + 60_000);
    const result = allowingAsync(() => poll.poll([later, soon]));
    expect(result).toBeInstanceOf(Promise);
    // Only the near timer is ready, so poll really waited for it.
    expect(Array.from(await result)).toEqual([1]);
  });

  it('Pollable.block returns a promise that settles when the pollable is ready', async () => {
    const p = timerPollable(performance.now() + 20);
    const waiting = allowingAsync(() => p.block());
    expect(waiting).toBeInstanceOf(Promise);
    await waiting;
    expect(p.ready()).toBe(true);
  });

  it('without the async mode a source that can only wait asynchronously is a WouldBlockError', () => {
    const p = new poll.Pollable({ ready: () => false, block: () => new Promise(() => {}), label: 'never' });
    expect(() => p.block()).toThrow(WouldBlockError);
  });
});
