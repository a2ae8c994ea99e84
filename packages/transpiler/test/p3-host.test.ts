/**
 * Preview 3 where JavaScript meets the component: async exports return promises and may
 * overlap, an async host import may answer with a promise, byte streams cross as
 * ReadableStreams of Uint8Array chunks (and come in as any stream, async iterable or
 * iterable of chunks), futures leave as lazy thenables and come in as promises or values.
 * No JSPI or asyncify: the guest is callback-lifted, as wit-bindgen's async exports are.
 */
import { describe, expect, test } from 'vitest';
import { EXIT_KEY } from '@weft/wasi-manifest';
import { engine, loadWat, readFixture } from './harness.js';

const wat = readFixture('p3-host.wat');
const later = <T>(v: T, ms = 2) => new Promise<T>((resolve) => setTimeout(() => resolve(v), ms));

async function load(delay: (x: number) => unknown = (x) => later(x * 10)) {
  return (await loadWat(wat, { 'host:p3/host': { delay } })) as any;
}

async function bytesOf(s: ReadableStream<Uint8Array>): Promise<number[]> {
  const out: number[] = [];
  for await (const chunk of s as unknown as AsyncIterable<Uint8Array>) {
    expect(chunk).toBeInstanceOf(Uint8Array);
    out.push(...chunk);
  }
  return out;
}

describe.skipIf(engine === 'jco')('Preview 3 at the JavaScript boundary', () => {
  test('an async export returns a promise, also when the host import answers at once', async () => {
    const exp = await load();
    const p = exp.addLater(1, 2);
    expect(p).toBeInstanceOf(Promise);
    expect(await p).toBe(13);
    const direct = await load((x) => x * 100);
    expect(await direct.addLater(1, 2)).toBe(103);
  });

  test('calls of an async export overlap, each with its own task state', async () => {
    const exp = await load((x) => later(x * 10, 10 - x));
    expect(await Promise.all([exp.addLater(1, 1), exp.addLater(2, 2), exp.addLater(3, 3)])).toEqual([12, 24, 36]);
  });

  test('a rejected host promise rejects the export call', async () => {
    const exp = await load(() => Promise.reject(new Error('host failed')));
    await expect(exp.addLater(1, 2)).rejects.toThrow('host failed');
  });

  test('a stream<u8> argument may be an iterable, async iterable or ReadableStream of chunks', async () => {
    const exp = await load();
    expect(await exp.sumStream([new Uint8Array([1, 2, 3]), new Uint8Array([4])])).toBe(10);
    expect(await exp.sumStream([[5, 6], new Uint16Array([0x0101]).buffer])).toBe(13);
    async function* chunks() {
      yield new Uint8Array(300).fill(1);
      await later(0);
      yield new Uint8Array(10).fill(2);
    }
    expect(await exp.sumStream(chunks())).toBe(320);
    const rs = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(1000).fill(3));
        c.close();
      },
    });
    expect(await exp.sumStream(rs)).toBe(3000);
  });

  test('a stream<u8> result is a ReadableStream of Uint8Array chunks, read as the guest writes', async () => {
    const exp = await load();
    const s = await exp.produce(1000);
    expect(s).toBeInstanceOf(ReadableStream);
    const bytes = await bytesOf(s);
    expect(bytes).toHaveLength(1000);
    expect(bytes.every((b, i) => b === (i & 255))).toBe(true);
  });

  test('a stream out of one call goes into another without the host reading it', async () => {
    const exp = await load();
    expect(await exp.sumStream(await exp.produce(10))).toBe(45);
  });

  test('a host that cancels its read drops the readable end, and the guest sees it', async () => {
    const exp = await load();
    const s: ReadableStream<Uint8Array> = await exp.produce(100);
    const reader = s.getReader();
    const first = await reader.read();
    expect(first.value).toHaveLength(100);
    await reader.cancel();
    expect(await exp.addLater(0, 0)).toBe(0);
  });

  test('a future result is a lazy thenable; a future argument takes a promise or a value', async () => {
    const exp = await load();
    const f = exp.futureOf(7);
    expect(typeof f.then).toBe('function');
    expect(await f).toBe(7);
    expect(await exp.readFuture(later(41))).toBe(42);
    expect(await exp.readFuture(5)).toBe(6);
    expect(await exp.readFuture(exp.futureOf(9))).toBe(10);
  });

  test('a trap after the call returned ends the host reading its stream with that trap', async () => {
    const exp = await load();
    const s: ReadableStream<Uint8Array> = await exp.produceThenTrap();
    await expect(s.getReader().read()).rejects.toThrow(WebAssembly.RuntimeError);
    await expect(exp.addLater(0, 0)).rejects.toThrow(/poisoned/);
  });

  test('a trap ends the calls still waiting in that instance, with the trap', async () => {
    const exp = await load(() => new Promise(() => {}));
    const waiting = exp.addLater(1, 2);
    const s: ReadableStream<Uint8Array> = await exp.produceThenTrap();
    await expect(s.getReader().read()).rejects.toThrow(WebAssembly.RuntimeError);
    await expect(waiting).rejects.toThrow(WebAssembly.RuntimeError);
  });

  test("a guest's exit ends every instance of the store: their waiting calls and streams fail with it", async () => {
    class Exit extends Error {
      [Symbol.for(EXIT_KEY)] = true;
    }
    const exit = new Exit('exit 3');
    const exp = (await loadWat(readFixture('p3-exit.wat'), {
      'host:exit/host': {
        never: () => new Promise(() => {}),
        exit: () => {
          throw exit;
        },
        fail: () => {},
      },
    })) as any;
    const waiting = exp.wait();
    const s: ReadableStream<Uint8Array> = await exp.produce();
    expect(() => exp.quit(3)).toThrow(exit);
    await expect(waiting).rejects.toBe(exit);
    await expect(s.getReader().read()).rejects.toBe(exit);
    await expect(exp.wait()).rejects.toThrow(/poisoned/);
  });

  test('a trap in one instance leaves the other instances of the store running', async () => {
    const failure = new Error('host failed');
    const exp = (await loadWat(readFixture('p3-exit.wat'), {
      'host:exit/host': {
        never: () => new Promise(() => {}),
        exit: () => {},
        fail: () => {
          throw failure;
        },
      },
    })) as any;
    let settled = false;
    exp.wait().finally(() => (settled = true));
    expect(() => exp.boom()).toThrow(failure);
    expect(() => exp.quit(0)).toThrow(/poisoned/);
    const s: ReadableStream<Uint8Array> = await exp.produce();
    const reader = s.getReader();
    const read = reader.read();
    await later(5);
    expect(settled).toBe(false);
    await reader.cancel();
    await expect(read).resolves.toEqual({ done: true, value: undefined });
  });

  test('an AbortSignal cancels a call: the guest sees TASK_CANCELLED and the call rejects with the reason', async () => {
    const answers: ((v: number) => void)[] = [];
    const exp = (await loadWat(readFixture('p3-cancel.wat'), {
      'host:p3/cancel': { delay: (x: number) => new Promise<number>((resolve) => answers.push(() => resolve(x * 10))) },
    })) as any;
    const ctl = new AbortController();
    const call = exp.untilCancelled(1, { signal: ctl.signal });
    ctl.abort();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    const done = new AbortController();
    const finished = exp.untilCancelled(2, { signal: done.signal });
    answers[1]!(0);
    expect(await finished).toBe(20);
    done.abort();
    answers.length = 2;
    const plain = exp.untilCancelled(3, {});
    await later(5);
    answers[2]!(0);
    expect(await plain).toBe(30);
  });

  test('a signal aborted before the call rejects at once; options that are no object are a TypeError', async () => {
    let calls = 0;
    const exp = (await loadWat(readFixture('p3-cancel.wat'), {
      'host:p3/cancel': { delay: (x: number) => (calls++, x * 10) },
    })) as any;
    const reason = new Error('not wanted');
    await expect(exp.untilCancelled(1, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(calls).toBe(0);
    await expect(exp.untilCancelled(1, 42)).rejects.toThrow(TypeError);
    await expect(exp.untilCancelled(1, { signal: {} })).rejects.toThrow(/AbortSignal/);
    expect(await exp.untilCancelled(4)).toBe(40);
  });

  test("the guest's subtask.cancel aborts the signal an async host import was given", async () => {
    const seen: AbortSignal[] = [];
    const honouring = (x: number, { signal }: { signal: AbortSignal }) => {
      seen.push(signal);
      return new Promise<number>((resolve, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason));
        setTimeout(() => resolve(x), 10_000).unref?.();
      });
    };
    const exp = (await loadWat(readFixture('p3-cancel.wat'), { 'host:p3/cancel': { delay: honouring } })) as any;
    expect(await exp.cancelDelay(5)).toBe(4);
    expect(seen[0]!.aborted).toBe(true);
    // A host that does not heed the signal answers anyway: the subtask returned.
    const ignoring = (await loadWat(readFixture('p3-cancel.wat'), { 'host:p3/cancel': { delay: (x: number) => later(x) } })) as any;
    expect(await ignoring.cancelDelay(5)).toBe(2);
  });

  test('an error context carries its debug message to the host', async () => {
    const exp = await load();
    expect(exp.makeError().message).toBe('oops');
  });

  test('a value that is no stream is a TypeError naming the function and parameter', async () => {
    const exp = await load();
    await expect(exp.sumStream(42)).rejects.toThrow(TypeError);
    await expect(exp.sumStream(42)).rejects.toThrow(/sum-stream.*s.*stream/);
    expect(await exp.sumStream([new Uint8Array([1])])).toBe(1);
  });
});
