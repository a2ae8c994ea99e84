import { describe, expect, it } from 'vitest';
import { thrown } from '../../test-support.js';
import { BLOCKING_WRITE_LIMIT, bytesSource, InputStream, IoError, OutputStream, WouldBlockError, type ByteSink, type ByteSource } from '../src/index.js';

/** A sink with a fixed-size buffer that only `flush` (or `block`) empties. */
class BufferSink implements ByteSink {
  written: number[] = [];
  buffered = 0;
  flushes = 0;
  blocks = 0;
  closed = false;
  constructor(readonly size: number) {}
  write(bytes: Uint8Array) {
    if (bytes.length > this.capacity()) throw new Error('sink overrun');
    this.written.push(...bytes);
    this.buffered += bytes.length;
  }
  capacity() {
    return this.size - this.buffered;
  }
  flush() {
    this.flushes++;
    this.buffered = 0;
  }
  block() {
    this.blocks++;
    this.buffered = 0;
  }
  close() {
    this.closed = true;
  }
}

const bytes = (...v: number[]) => new Uint8Array(v);

describe('OutputStream check-write budget', () => {
  it('reports the sink capacity and traps on writes beyond the permit', () => {
    const sink = new BufferSink(10);
    const out = new OutputStream(sink);
    expect(out.checkWrite()).toBe(10n);
    expect(thrown(() => out.write(new Uint8Array(11)))).toBeInstanceOf(RangeError);
    out.write(new Uint8Array(4));
    expect(thrown(() => out.write(new Uint8Array(7)))).toBeInstanceOf(RangeError);
    out.write(new Uint8Array(6));
    expect(out.checkWrite()).toBe(0n);
    expect(sink.written.length).toBe(10);
  });

  it('traps on a write before any check-write', () => {
    const out = new OutputStream(new BufferSink(10));
    expect(thrown(() => out.write(bytes(1)))).toBeInstanceOf(RangeError);
  });

  it('a flush frees the budget again', () => {
    const sink = new BufferSink(3);
    const out = new OutputStream(sink);
    out.checkWrite();
    out.write(bytes(1, 2, 3));
    expect(out.checkWrite()).toBe(0n);
    out.flush();
    expect(sink.flushes).toBe(1);
    expect(out.checkWrite()).toBe(3n);
  });

  it('subscribe is ready exactly when check-write would permit a byte', () => {
    const sink = new BufferSink(2);
    const out = new OutputStream(sink);
    const p = out.subscribe();
    expect(p.ready()).toBe(true);
    out.checkWrite();
    out.write(bytes(1, 2));
    expect(p.ready()).toBe(false);
    p.block();
    expect(sink.blocks).toBe(1);
    expect(p.ready()).toBe(true);
  });

  it('without a sink capacity, permits the default budget', () => {
    const out = new OutputStream({ write() {} });
    expect(out.checkWrite()).toBe(65536n);
  });
});

describe('OutputStream blocking writes', () => {
  it('blocking-write-and-flush waits for room, writes everything and flushes', () => {
    const sink = new BufferSink(1000);
    const out = new OutputStream(sink);
    const data = Uint8Array.from({ length: 4096 }, (_, i) => i & 0xff);
    out.blockingWriteAndFlush(data);
    expect(sink.written).toEqual([...data]);
    expect(sink.blocks).toBeGreaterThanOrEqual(4);
    expect(sink.flushes).toBe(1);
  });

  it('blocking-write-and-flush traps above 4096 bytes', () => {
    const out = new OutputStream(new BufferSink(1 << 20));
    expect(thrown(() => out.blockingWriteAndFlush(new Uint8Array(BLOCKING_WRITE_LIMIT + 1)))).toBeInstanceOf(RangeError);
  });

  it('a sink that is full and cannot wait makes blocking writes fail clearly', () => {
    const out = new OutputStream({ write() {}, capacity: () => 0 }, 'full-sink');
    const e = thrown(() => out.blockingWriteAndFlush(bytes(1)));
    expect(e).toBeInstanceOf(WouldBlockError);
    expect((e as Error).message).toMatch(/full-sink.*async mode/);
  });

  it('write-zeroes and blocking-write-zeroes-and-flush write zero bytes', () => {
    const sink = new BufferSink(100);
    const out = new OutputStream(sink);
    out.checkWrite();
    out.writeZeroes(3n);
    out.blockingWriteZeroesAndFlush(5n);
    expect(sink.written).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(thrown(() => out.blockingWriteZeroesAndFlush(4097n))).toBeInstanceOf(RangeError);
  });

  it('blocking-flush flushes and leaves the stream writable', () => {
    const sink = new BufferSink(4);
    const out = new OutputStream(sink);
    out.checkWrite();
    out.write(bytes(9, 9, 9, 9));
    out.blockingFlush();
    expect(sink.flushes).toBe(1);
    expect(out.checkWrite()).toBe(4n);
  });
});

describe('OutputStream failures and closing', () => {
  it('a failing sink reports last-operation-failed once, then closed', () => {
    const out = new OutputStream({
      write() {
        throw new IoError('disk on fire', { domain: 'filesystem', code: 'io' });
      },
    });
    out.checkWrite();
    const e = thrown(() => out.write(bytes(1))) as { tag: string; val: IoError };
    expect(e.tag).toBe('last-operation-failed');
    expect(e.val).toBeInstanceOf(IoError);
    expect(e.val.toDebugString()).toBe('disk on fire (filesystem: io)');
    expect(thrown(() => out.checkWrite())).toEqual({ tag: 'closed' });
    expect(thrown(() => out.flush())).toEqual({ tag: 'closed' });
    expect(out.subscribe().ready()).toBe(true);
  });

  it('a plain exception from a sink becomes an io error with its message', () => {
    const out = new OutputStream({
      write() {},
      flush() {
        throw new TypeError('socket gone');
      },
    });
    const e = thrown(() => out.flush()) as { tag: string; val: IoError };
    expect(e.tag).toBe('last-operation-failed');
    expect(e.val.toDebugString()).toBe('socket gone');
  });

  it('dropping the stream flushes and closes the sink', () => {
    const sink = new BufferSink(8);
    const out = new OutputStream(sink);
    out.checkWrite();
    out.write(bytes(1));
    out[Symbol.dispose]();
    expect(sink.flushes).toBe(1);
    expect(sink.closed).toBe(true);
    expect(thrown(() => out.checkWrite())).toEqual({ tag: 'closed' });
  });

  it('rejects arguments of the wrong type', () => {
    const out = new OutputStream(new BufferSink(8));
    out.checkWrite();
    expect(thrown(() => out.write([1, 2] as unknown as Uint8Array))).toBeInstanceOf(TypeError);
    expect(thrown(() => out.writeZeroes(1 as unknown as bigint))).toBeInstanceOf(TypeError);
    expect(thrown(() => out.writeZeroes(-1n))).toBeInstanceOf(RangeError);
  });
});

describe('InputStream', () => {
  it('reads up to len, then reports closed at the end and ever after', () => {
    const input = new InputStream(bytesSource(bytes(1, 2, 3, 4, 5)));
    expect([...input.read(2n)]).toEqual([1, 2]);
    expect([...input.read(10n)]).toEqual([3, 4, 5]);
    expect(thrown(() => input.read(1n))).toEqual({ tag: 'closed' });
    expect(thrown(() => input.read(0n))).toEqual({ tag: 'closed' });
    expect(input.subscribe().ready()).toBe(true);
  });

  it('a zero-length read of an open stream succeeds with nothing', () => {
    const input = new InputStream(bytesSource(bytes(1)));
    expect(input.read(0n).length).toBe(0);
    expect([...input.read(1n)]).toEqual([1]);
  });

  it('skip and blocking-skip count consumed bytes', () => {
    const input = new InputStream(bytesSource(new Uint8Array(10)));
    expect(input.skip(4n)).toBe(4n);
    expect(input.blockingSkip(100n)).toBe(6n);
    expect(thrown(() => input.skip(1n))).toEqual({ tag: 'closed' });
  });

  it('a read with nothing available returns empty; blocking-read waits through the source', () => {
    const queue: Uint8Array[] = [];
    let blocks = 0;
    const source: ByteSource = {
      read: (max) => (queue.length ? queue.shift()!.subarray(0, max) : new Uint8Array(0)),
      ready: () => queue.length > 0,
      block: () => {
        blocks++;
        queue.push(bytes(7, 8));
      },
    };
    const input = new InputStream(source);
    expect(input.read(5n).length).toBe(0);
    expect(input.subscribe().ready()).toBe(false);
    expect([...input.blockingRead(5n)]).toEqual([7, 8]);
    expect(blocks).toBe(1);
  });

  it('a blocking read on a source that cannot wait says an async mode is needed', () => {
    const input = new InputStream({ read: () => new Uint8Array(0) }, 'stdin');
    const e = thrown(() => input.blockingRead(1n));
    expect(e).toBeInstanceOf(WouldBlockError);
    expect((e as Error).message).toMatch(/blocking read of stdin.*async mode/);
  });

  it('a failing source reports last-operation-failed, then closed', () => {
    const input = new InputStream({
      read() {
        throw new IoError('read error');
      },
    });
    const e = thrown(() => input.read(1n)) as { tag: string; val: IoError };
    expect(e.tag).toBe('last-operation-failed');
    expect(e.val.toDebugString()).toBe('read error');
    expect(thrown(() => input.read(1n))).toEqual({ tag: 'closed' });
  });

  it('dropping it closes the source', () => {
    let closed = false;
    const input = new InputStream({ read: () => null, close: () => void (closed = true) });
    input[Symbol.dispose]();
    expect(closed).toBe(true);
  });
});

describe('splice', () => {
  it('moves the smaller of len, the write permit and what is available', () => {
    const sink = new BufferSink(4);
    const out = new OutputStream(sink);
    const src = new InputStream(bytesSource(bytes(1, 2, 3, 4, 5, 6)));
    expect(out.splice(src, 3n)).toBe(3n);
    expect(out.splice(src, 10n)).toBe(1n);
    expect(out.splice(src, 10n)).toBe(0n);
    out.flush();
    expect(out.splice(src, 10n)).toBe(2n);
    expect(sink.written).toEqual([1, 2, 3, 4, 5, 6]);
    expect(thrown(() => out.splice(src, 1n))).toEqual({ tag: 'closed' });
  });

  it('blocking-splice waits for room in the sink and data in the source', () => {
    const sink = new BufferSink(2);
    const out = new OutputStream(sink);
    out.checkWrite();
    out.write(bytes(0, 0));
    const src = new InputStream(bytesSource(bytes(1, 2, 3)));
    expect(out.blockingSplice(src, 5n)).toBe(2n);
    expect(sink.blocks).toBe(1);
    expect(sink.written).toEqual([0, 0, 1, 2]);
  });

  it('a closed output ends the splice with closed', () => {
    const out = new OutputStream(new BufferSink(4));
    out[Symbol.dispose]();
    expect(thrown(() => out.splice(new InputStream(bytesSource(bytes(1))), 1n))).toEqual({ tag: 'closed' });
  });
});

describe('sources and sinks written for the async modes', () => {
  it('a promise from block() makes blocking reads and writes fail clearly in synchronous mode', () => {
    const input = new InputStream({ read: () => new Uint8Array(0), block: () => Promise.resolve() }, 'body');
    expect(thrown(() => input.blockingRead(1n))).toBeInstanceOf(WouldBlockError);
    const out = new OutputStream({ write() {}, capacity: () => 0, block: () => Promise.reject(new Error('x')) }, 'upload');
    const e = thrown(() => out.blockingFlush());
    expect(e).toBeInstanceOf(WouldBlockError);
    expect((e as Error).message).toMatch(/upload/);
  });
});
