import { DEFAULT_WRITE_BUDGET, type ByteSink, type ByteSource } from '@weft/wasi-io';
import { fetchFailure, httpIoError, RequestFailure } from './errors.js';

/** Bytes a streamed request body holds for `fetch` before writers must wait. */
const STREAM_HIGH_WATER = 65536;

/**
 * The bytes a guest writes to an outgoing body, on their way to `fetch`: either pulled
 * chunk by chunk through a ReadableStream (streamed upload) or collected until `finish`.
 */
export class BodyPipe {
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #streaming = false;
  #finished = false;
  #failure: RequestFailure | undefined;
  #cancelled = false;
  #wake: (() => void)[] = [];
  #finishedPromise: Promise<void>;
  #resolveFinished!: () => void;
  #rejectFinished!: (f: RequestFailure) => void;

  constructor() {
    this.#finishedPromise = new Promise((resolve, reject) => {
      this.#resolveFinished = resolve;
      this.#rejectFinished = reject;
    });
    this.#finishedPromise.catch(() => {});
  }

  get finished(): boolean {
    return this.#finished;
  }

  sink(): ByteSink {
    return {
      write: (bytes) => {
        if (this.#failure) throw httpIoError(this.#failure.code, this.#failure.message);
        if (this.#finished) throw new Error('outgoing-body: written after finish');
        this.#chunks.push(bytes.slice());
        this.#buffered += bytes.length;
        this.#notify();
      },
      capacity: () => {
        // Room lets the write go ahead and report the failure, instead of a guest waiting forever.
        if (this.#failure || this.#finished) return DEFAULT_WRITE_BUDGET;
        if (!this.#streaming) return DEFAULT_WRITE_BUDGET;
        return Math.max(0, STREAM_HIGH_WATER - this.#buffered);
      },
      block: () => (this.#failure || this.#buffered < STREAM_HIGH_WATER ? undefined : this.#waitChange()),
    };
  }

  finish(): void {
    this.#finished = true;
    this.#resolveFinished();
    this.#notify();
  }

  /** The first failure sticks, except that the request's own failure explains a cancelled upload better. */
  fail(failure: RequestFailure, fromRequest = false): void {
    if (this.#failure && !(fromRequest && this.#cancelled)) return;
    this.#failure = failure;
    this.#cancelled = false;
    this.#rejectFinished(failure);
    this.#notify();
  }

  /** The whole body once the guest finishes it (the platform cannot stream this request). */
  async collect(): Promise<Uint8Array> {
    await this.#finishedPromise;
    const out = new Uint8Array(this.#buffered);
    let at = 0;
    for (const c of this.#chunks) {
      out.set(c, at);
      at += c.length;
    }
    this.#chunks = [];
    this.#buffered = 0;
    return out;
  }

  /** A stream `fetch` pulls from; from now on writers wait while it holds enough. */
  stream(): ReadableStream<Uint8Array> {
    this.#streaming = true;
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          for (;;) {
            if (this.#failure) throw this.#failure;
            const chunk = this.#chunks.shift();
            if (chunk) {
              this.#buffered -= chunk.length;
              this.#notify();
              controller.enqueue(chunk);
              return;
            }
            if (this.#finished) {
              controller.close();
              return;
            }
            await this.#waitChange();
          }
        },
        cancel: () => {
          if (this.#failure) return;
          this.fail(new RequestFailure({ tag: 'connection-terminated' }, 'the request body was cancelled'));
          this.#cancelled = true;
        },
      },
      { highWaterMark: 0 },
    );
  }

  #waitChange(): Promise<void> {
    return new Promise((resolve) => this.#wake.push(resolve));
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = [];
    for (const w of wake) w();
  }
}

/**
 * A body the guest reads (a fetch response's, or a served request's), one platform chunk
 * at a time: at most one chunk is held, and the next is requested only when the guest has
 * taken the last one.
 */
export class IncomingBodySource implements ByteSource {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #betweenBytesMs: number | undefined;
  readonly #abort: AbortController | undefined;
  #chunk: Uint8Array | null = null;
  #offset = 0;
  #done = false;
  #failure: RequestFailure | undefined;
  #pending: Promise<void> | undefined;

  /** `abort` stops the transfer when `betweenBytesMs` passes with no bytes; without a limit neither is needed. */
  constructor(body: ReadableStream<Uint8Array> | null, abort: AbortController | undefined, betweenBytesMs: number | undefined) {
    this.#reader = (body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() })).getReader();
    this.#abort = abort;
    this.#betweenBytesMs = betweenBytesMs;
    this.#pull();
  }

  /** Where the body stands, for the trailers future. */
  get state(): 'reading' | 'done' | RequestFailure {
    return this.#failure ?? (this.#done ? 'done' : 'reading');
  }

  read(max: number): Uint8Array | null {
    if (this.#chunk) {
      const part = this.#chunk.subarray(this.#offset, this.#offset + max);
      this.#offset += part.length;
      if (this.#offset >= this.#chunk.length) {
        this.#chunk = null;
        this.#pull();
      }
      return part.slice();
    }
    if (this.#failure) throw httpIoError(this.#failure.code, this.#failure.message);
    if (this.#done) return null;
    this.#pull();
    return new Uint8Array(0);
  }

  ready(): boolean {
    return this.#chunk !== null || this.#done || this.#failure !== undefined;
  }

  block(): void | Promise<void> {
    if (this.ready()) return;
    return this.#pull();
  }

  close(): void {
    if (this.#done || this.#failure) return;
    this.#done = true;
    this.#reader.cancel().catch(() => {});
  }

  #pull(): Promise<void> {
    if (this.#pending) return this.#pending;
    if (this.#done || this.#failure || this.#chunk) return Promise.resolve();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let timedOut: RequestFailure | undefined;
    if (this.#betweenBytesMs !== undefined) {
      timer = setTimeout(() => {
        timedOut = new RequestFailure({ tag: 'connection-read-timeout' }, `no response bytes for ${this.#betweenBytesMs} ms`);
        this.#abort?.abort(timedOut);
      }, this.#betweenBytesMs);
    }
    this.#pending = this.#reader.read().then(
      ({ done, value }) => {
        if (done) this.#done = true;
        else if (value.length > 0) {
          this.#chunk = value;
          this.#offset = 0;
        }
      },
      (err: unknown) => {
        this.#failure = timedOut ?? fetchFailure(err);
      },
    );
    this.#pending = this.#pending.finally(() => {
      clearTimeout(timer);
      this.#pending = undefined;
      if (!this.#chunk && !this.#done && !this.#failure) this.#pull();
    });
    return this.#pending;
  }
}
