/**
 * The byte sources and sinks other shims implement (stdin, files, HTTP bodies), seen as
 * WHATWG streams: what WASI 0.3's `stream<u8>` is on the JS side. A stream's outcome (end,
 * failure, or the reader going away) is reported apart from the stream, as WASI 0.3 pairs
 * each stream with a `future<result>`.
 */
import type { ByteSink, ByteSource } from './streams.js';

/** A WIT `result` as a future carries it: a value, never a rejection. */
export type Result<T, E> = { tag: 'ok'; val: T } | { tag: 'err'; val: E };

export function ok(): Result<undefined, never>;
export function ok<T>(val: T): Result<T, never>;
export function ok<T>(val?: T): Result<T | undefined, never> {
  return { tag: 'ok', val };
}

export function err<E>(val: E): Result<never, E> {
  return { tag: 'err', val };
}

/** Bytes one pull asks a source for. */
export const CHUNK_SIZE = 65536;

/** A stream and how it ended: ok at the end or when the reader cancels, err with what a read threw. */
export interface SourceStream {
  stream: ReadableStream<Uint8Array>;
  done: Promise<Result<undefined, unknown>>;
}

/**
 * The bytes of `source` as a ReadableStream that reads only when pulled (no read-ahead), so
 * the source is drained no further than the reader asks. The end, a failure or a cancel
 * closes the source when `closeOnCancel` (a file the stream owns), and leaves it open
 * otherwise (stdin, which later streams read on).
 */
export function sourceStream(source: ByteSource, opts: { closeOnCancel: boolean; chunkSize?: number }): SourceStream {
  const chunkSize = opts.chunkSize ?? CHUNK_SIZE;
  let settle!: (r: Result<undefined, unknown>) => void;
  const done = new Promise<Result<undefined, unknown>>((resolve) => (settle = resolve));
  const finish = (r: Result<undefined, unknown>) => {
    settle(r);
    if (opts.closeOnCancel) source.close?.();
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          for (;;) {
            const chunk = source.read(chunkSize);
            if (chunk === null) {
              controller.close();
              finish(ok());
              return;
            }
            if (chunk.length > 0) {
              controller.enqueue(chunk.slice());
              return;
            }
            if (!source.block) throw new Error('the source has no bytes yet and cannot wait for them');
            await source.block();
          }
        } catch (e) {
          // The failure goes to `done`; the reader sees the stream end where the bytes stopped.
          controller.close();
          finish(err(e));
        }
      },
      cancel() {
        finish(ok());
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, done };
}

/**
 * Copy `stream` into `sink`, waiting for the sink's room as it asks, then flush it. A sink
 * failure cancels the stream (the writer learns its bytes go nowhere) and is the err.
 */
export async function pipeToSink(stream: ReadableStream<Uint8Array>, sink: ByteSink): Promise<Result<undefined, unknown>> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      let rest = value;
      while (rest.length > 0) {
        const room = sink.capacity ? sink.capacity() : rest.length;
        if (room <= 0) {
          if (!sink.block) throw new Error('the sink is full and cannot wait for room');
          await sink.block();
          continue;
        }
        const n = Math.min(room, rest.length);
        sink.write(rest.subarray(0, n));
        rest = rest.subarray(n);
      }
    }
    sink.flush?.();
    return ok();
  } catch (e) {
    reader.cancel(e).catch(() => {});
    return err(e);
  } finally {
    reader.releaseLock();
  }
}

/** A ByteSource over a ReadableStream, for shims that read one through the 0.2 stream API. */
export function readableSource(stream: ReadableStream<Uint8Array | ArrayBuffer>): ByteSource {
  const reader = stream.getReader();
  let buffered: Uint8Array = new Uint8Array(0);
  let ended = false;
  let failure: { error: unknown } | undefined;
  let pending: Promise<void> | undefined;
  const fill = (): Promise<void> =>
    (pending ??= reader.read().then(
      ({ done, value }) => {
        pending = undefined;
        if (done) ended = true;
        else buffered = value instanceof ArrayBuffer ? new Uint8Array(value) : value;
      },
      (error: unknown) => {
        pending = undefined;
        failure = { error };
      },
    ));
  return {
    read(max) {
      if (buffered.length > 0) {
        const chunk = buffered.subarray(0, max);
        buffered = buffered.subarray(chunk.length);
        return chunk;
      }
      if (failure) throw failure.error;
      if (ended) return null;
      void fill();
      return new Uint8Array(0);
    },
    ready: () => buffered.length > 0 || ended || failure !== undefined,
    block: () => (buffered.length > 0 || ended || failure ? undefined : fill()),
    close: () => void reader.cancel().catch(() => {}),
  };
}

/** A TypeError for a JS value that is not the `stream<u8>` a WIT parameter wants. */
export function checkByteStream(value: unknown, where: string): ReadableStream<Uint8Array> {
  if (!(value instanceof ReadableStream)) {
    throw new TypeError(`${where}: expected a ReadableStream<Uint8Array> (WIT stream<u8>), got ${value === null ? 'null' : typeof value}`);
  }
  return value as ReadableStream<Uint8Array>;
}
