import { ASYNC_WAIT_KEY } from '@weft/wasi-manifest';
import { describe, expect, it } from 'vitest';
import { asyncWaitAllowed, poll, timerPollable, WouldBlockError } from '../src/index.js';

const FLAG = Symbol.for(ASYNC_WAIT_KEY);

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
    // Node can block, so the promise alone is the trouble: a worker would not help.
    expect(() => p.block()).toThrow(
      /^wasi:io\/poll#poll on never must wait for a promise, which a synchronous call cannot; transpile with an async mode \(asyncMode: "jspi" or "asyncify"\)$/,
    );
  });
});

describe('blocking stream calls under an async mode', () => {
  it('blocking-read waits for a source that becomes readable later', async () => {
    const { streams } = await import('../src/index.js');
    let data: Uint8Array | undefined;
    let wake: () => void = () => {};
    const stream = new streams.InputStream({
      read: (n: number) => (data ? data.subarray(0, n) : new Uint8Array(0)),
      ready: () => data !== undefined,
      block: () =>
        new Promise<void>((resolve) => {
          wake = resolve;
        }),
    });
    const pending = allowingAsync(() => stream.blockingRead(16n));
    expect(pending).toBeInstanceOf(Promise);
    data = new TextEncoder().encode('late bytes');
    wake();
    expect(new TextDecoder().decode(await pending)).toBe('late bytes');
  });

  it('blocking-write-and-flush waits for a sink with no room, then writes everything', async () => {
    const { streams } = await import('../src/index.js');
    const written: number[] = [];
    let room = 0;
    let wake: () => void = () => {};
    const stream = new streams.OutputStream({
      write: (chunk: Uint8Array) => {
        written.push(...chunk);
        room -= chunk.length;
      },
      capacity: () => room,
      block: () =>
        new Promise<void>((resolve) => {
          wake = resolve;
        }),
    });
    const pending = allowingAsync(() => stream.blockingWriteAndFlush(new Uint8Array([1, 2, 3])));
    expect(pending).toBeInstanceOf(Promise);
    room = 2;
    wake();
    await new Promise((r) => setTimeout(r, 0));
    room = 2;
    wake();
    await pending;
    expect(written).toEqual([1, 2, 3]);
  });

  it('blocking-write-and-flush into a sink with room answers at once, with no promise to unwind for', async () => {
    const { streams } = await import('../src/index.js');
    const written: number[] = [];
    let room = 4;
    const stream = new streams.OutputStream({
      write: (chunk: Uint8Array) => {
        written.push(...chunk);
        room -= chunk.length;
      },
      capacity: () => room,
      block: () => new Promise<void>(() => {}),
    });
    expect(allowingAsync(() => stream.blockingWriteAndFlush(new Uint8Array([1, 2, 3])))).toBeUndefined();
    expect(written).toEqual([1, 2, 3]);
    // The write filled the sink: the flush must wait for room again, so that is a promise.
    expect(allowingAsync(() => stream.blockingWriteAndFlush(new Uint8Array([4])))).toBeInstanceOf(Promise);
    expect(written).toEqual([1, 2, 3, 4]);
  });
});
