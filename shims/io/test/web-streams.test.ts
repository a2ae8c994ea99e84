import { describe, expect, it } from 'vitest';
import { InputStream } from '../src/index.js';
import { checkByteStream, pipeToSink, readableSource, sourceStream } from '../src/web-streams.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

describe('byte sources and sinks as web streams', () => {
  it('sourceStream reads only when pulled and reports the end in done', async () => {
    const reads: number[] = [];
    let left = 3;
    const { stream, done } = sourceStream(
      {
        read(max) {
          reads.push(max);
          return left-- > 0 ? enc.encode('ab') : null;
        },
      },
      { closeOnCancel: false, chunkSize: 16 },
    );
    expect(reads).toEqual([]);
    const reader = stream.getReader();
    expect(dec.decode((await reader.read()).value)).toBe('ab');
    expect(reads).toEqual([16]);
    while (!(await reader.read()).done);
    expect(await done).toEqual({ tag: 'ok', val: undefined });
  });

  it('sourceStream waits on block when the source has nothing yet, and closes an owned source on cancel', async () => {
    let ready = false;
    let closed = 0;
    const { stream, done } = sourceStream(
      {
        read: () => (ready ? enc.encode('late') : new Uint8Array(0)),
        block: () => new Promise<void>((r) => setTimeout(() => ((ready = true), r()), 0)),
        close: () => void closed++,
      },
      { closeOnCancel: true },
    );
    const reader = stream.getReader();
    expect(dec.decode((await reader.read()).value)).toBe('late');
    await reader.cancel();
    expect(await done).toEqual({ tag: 'ok', val: undefined });
    expect(closed).toBe(1);
  });

  it('a source failure closes the stream and is the err of done', async () => {
    const boom = new Error('boom');
    const { stream, done } = sourceStream(
      {
        read: () => {
          throw boom;
        },
      },
      { closeOnCancel: false },
    );
    expect((await stream.getReader().read()).done).toBe(true);
    expect(await done).toEqual({ tag: 'err', val: boom });
  });

  it('pipeToSink writes no more than the sink has room for and flushes at the end', async () => {
    const log: string[] = [];
    let room = 3;
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(enc.encode('abcdefg'));
        c.close();
      },
    });
    const r = await pipeToSink(stream, {
      write: (b) => {
        log.push(dec.decode(b));
        room -= b.length;
      },
      capacity: () => room,
      block: () => {
        room = 3;
      },
      flush: () => void log.push('flush'),
    });
    expect(r).toEqual({ tag: 'ok', val: undefined });
    expect(log).toEqual(['abc', 'def', 'g', 'flush']);
  });

  it('readableSource lets the 0.2 streams read a ReadableStream, waiting for chunks in the async modes', async () => {
    const input = new InputStream(
      readableSource(
        new ReadableStream<Uint8Array | ArrayBuffer>({
          start(c) {
            c.enqueue(enc.encode('one'));
            c.enqueue(enc.encode('two').buffer);
            c.close();
          },
        }),
      ),
    );
    expect(input.read(10n).length).toBe(0);
    expect(dec.decode(await input.blockingReadAsync(2n))).toBe('on');
    expect(dec.decode(await input.blockingReadAsync(10n))).toBe('e');
    expect(dec.decode(await input.blockingReadAsync(10n))).toBe('two');
    await expect(input.blockingReadAsync(10n)).rejects.toEqual({ tag: 'closed' });
  });

  it('checkByteStream names where a wrong value came from', () => {
    expect(() => checkByteStream(null, 'f: data')).toThrow('f: data: expected a ReadableStream<Uint8Array> (WIT stream<u8>), got null');
  });
});
