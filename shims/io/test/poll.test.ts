import { describe, expect, it } from 'vitest';
import { canBlock, error, IoError, poll, Pollable, readyPollable, sleepUntil, timerPollable, WouldBlockError } from '../src/index.js';

describe('wasi:io/poll', () => {
  it('a ready pollable is ready and block returns at once', () => {
    const p = readyPollable();
    expect(p.ready()).toBe(true);
    p.block();
  });

  it('a timer pollable becomes ready at its deadline, and block waits for it', () => {
    const deadline = performance.now() + 25;
    const p = timerPollable(deadline);
    expect(p.ready()).toBe(false);
    p.block();
    expect(performance.now()).toBeGreaterThanOrEqual(deadline);
    expect(p.ready()).toBe(true);
  });

  it('poll returns the indices of every ready pollable', () => {
    const far = timerPollable(performance.now() + 60_000);
    const list = [far, readyPollable(), far, readyPollable()];
    expect([...poll.poll(list)]).toEqual([1, 3]);
    expect(poll.poll(list)).toBeInstanceOf(Uint32Array);
  });

  it('poll sleeps until the earliest timer and reports only the ready ones', () => {
    const now = performance.now();
    const list = [timerPollable(now + 60_000), timerPollable(now + 20), timerPollable(now + 60_000)];
    expect([...poll.poll(list)]).toEqual([1]);
  });

  it('poll waits through a source that can block', () => {
    let ready = false;
    const p = new Pollable({ ready: () => ready, block: () => void (ready = true) });
    expect([...poll.poll([p])]).toEqual([0]);
  });

  it('poll traps on an empty list and on non-pollables', () => {
    expect(() => poll.poll([])).toThrow(RangeError);
    expect(() => poll.poll([{} as Pollable])).toThrow(TypeError);
  });

  it('poll on pollables nothing can make ready says an async mode is needed', () => {
    const p = new Pollable({ ready: () => false, label: 'fetch body' });
    expect(() => poll.poll([p])).toThrow(WouldBlockError);
    expect(() => p.block()).toThrow(/fetch body.*async mode/);
  });
});

describe('synchronous sleep', () => {
  it('Node can block the thread with Atomics.wait', () => {
    expect(canBlock()).toBe(true);
  });

  it('sleepUntil returns no earlier than its deadline', () => {
    const until = performance.now() + 15;
    sleepUntil(until);
    expect(performance.now()).toBeGreaterThanOrEqual(until);
  });
});

describe('wasi:io/error', () => {
  it('error.Error carries a debug string', () => {
    expect(error.Error).toBe(IoError);
    expect(new IoError('boom').toDebugString()).toBe('boom');
    expect(new IoError('gone', { domain: 'filesystem', code: 'no-entry' }).toDebugString()).toBe('gone (filesystem: no-entry)');
  });
});

describe('sources written for the async modes', () => {
  it('a block() that returns a promise cannot be waited on synchronously: the error says so', () => {
    const p = new Pollable({ ready: () => false, block: () => Promise.resolve(), label: 'fetch body' });
    expect(() => p.block()).toThrow(/fetch body must wait.*async mode/);
  });
});
