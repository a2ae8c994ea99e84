import { IoError } from './error.js';
import { Pollable, readyPollable } from './poll.js';
import { asyncWaitAllowed, blockSync, WouldBlockError } from './sleep.js';

/**
 * Where an input stream's bytes come from. Other shims (stdin, files, HTTP bodies)
 * implement this and wrap it in an `InputStream`.
 */
export interface ByteSource {
  /**
   * Up to `max` bytes (max >= 1) available now: an empty array when none are available
   * yet, `null` at end of stream. Throwing reports `last-operation-failed`; throw an
   * `IoError` to choose the message and code.
   */
  read(max: number): Uint8Array | null;
  /** True when `read` would return bytes or `null` at once. Default: always. */
  ready?: (() => boolean) | undefined;
  /**
   * Wait until `ready()`; a promise is allowed (for the async modes). Without it, a
   * blocking read that finds no bytes cannot wait.
   */
  block?: (() => void | PromiseLike<void>) | undefined;
  /** Called when the guest drops the stream. */
  close?: (() => void) | undefined;
}

/** Where an output stream's bytes go (stdout, files, HTTP bodies). */
export interface ByteSink {
  /** Take all of `bytes` (never more than `capacity()` reported). Throwing fails the stream. */
  write(bytes: Uint8Array): void;
  /** Bytes `write` accepts now. Default: `DEFAULT_WRITE_BUDGET`. */
  capacity?: (() => number) | undefined;
  /** Push buffered bytes onwards. Throwing fails the stream. */
  flush?: (() => void) | undefined;
  /** Wait until `capacity() > 0`; a promise is allowed (for the async modes). */
  block?: (() => void | PromiseLike<void>) | undefined;
  /** Called when the guest drops the stream. */
  close?: (() => void) | undefined;
}

/** Permit `check-write` reports for sinks that do not say. */
export const DEFAULT_WRITE_BUDGET = 65536;

/** Largest payload of `blocking-write-and-flush` and `blocking-write-zeroes-and-flush`. */
export const BLOCKING_WRITE_LIMIT = 4096;

/** `stream-error` values, thrown by methods whose WIT result is `result<T, stream-error>`. */
export type StreamError = { tag: 'closed' } | { tag: 'last-operation-failed'; val: IoError };

export function streamClosed(): StreamError {
  return { tag: 'closed' };
}

export function lastOperationFailed(err: unknown): StreamError {
  return { tag: 'last-operation-failed', val: toIoError(err) };
}

function toIoError(err: unknown): IoError {
  if (err instanceof IoError) return err;
  if (err instanceof Error) return new IoError(err.message);
  return new IoError(String(err));
}

const MAX_CHUNK = 0x7fffffff;

function lengthArg(len: bigint, method: string): number {
  if (typeof len !== 'bigint') throw new TypeError(`${method}: len must be a bigint (u64), got ${typeof len}`);
  if (len < 0n || len > 0xffffffffffffffffn) throw new RangeError(`${method}: len ${len} is not a u64`);
  return len > BigInt(MAX_CHUNK) ? MAX_CHUNK : Number(len);
}

type State = { kind: 'open' } | { kind: 'closed' };

/** `wasi:io/streams#input-stream` over a `ByteSource`. */
export class InputStream {
  readonly #source: ByteSource;
  readonly #label: string;
  #state: State = { kind: 'open' };

  constructor(source: ByteSource, label = 'input-stream') {
    this.#source = source;
    this.#label = label;
  }

  read(len: bigint): Uint8Array {
    const n = lengthArg(len, `${this.#label}.read`);
    this.#throwIfDone();
    if (n === 0) return new Uint8Array(0);
    let chunk: Uint8Array | null;
    try {
      chunk = this.#source.read(n);
    } catch (err) {
      this.#state = { kind: 'closed' };
      throw lastOperationFailed(err);
    }
    if (chunk === null) {
      this.#state = { kind: 'closed' };
      throw streamClosed();
    }
    if (chunk.length > n) throw new RangeError(`${this.#label}: source returned ${chunk.length} bytes for a read of ${n}`);
    return chunk;
  }

  /** Under an async mode (see asyncWaitAllowed) the wait is a promise for the bytes. */
  blockingRead(len: bigint): Uint8Array | Promise<Uint8Array> {
    const chunk = this.read(len);
    if (chunk.length > 0 || len === 0n) return chunk;
    if (asyncWaitAllowed()) return this.blockingReadAsync(len);
    for (;;) {
      this.#wait();
      const next = this.read(len);
      if (next.length > 0) return next;
    }
  }

  /** `blocking-read` that waits without blocking, for callers already in an async mode. */
  async blockingReadAsync(len: bigint): Promise<Uint8Array> {
    const first = this.read(len);
    if (first.length > 0 || len === 0n) return first;
    for (;;) {
      const source = this.#source;
      if (!source.block) throw new WouldBlockError(`blocking read of ${this.#label}`);
      await source.block();
      const chunk = this.read(len);
      if (chunk.length > 0) return chunk;
    }
  }

  skip(len: bigint): bigint {
    return BigInt(this.read(len).length);
  }

  blockingSkip(len: bigint): bigint | Promise<bigint> {
    const read = this.blockingRead(len);
    return read instanceof Promise ? read.then((r) => BigInt(r.length)) : BigInt(read.length);
  }

  subscribe(): Pollable {
    return new Pollable({
      ready: () => this.#state.kind !== 'open' || (this.#source.ready?.() ?? true),
      block: this.#source.block ? () => this.#source.block!() : undefined,
      label: this.#label,
    });
  }

  [Symbol.dispose](): void {
    this.#state = { kind: 'closed' };
    this.#source.close?.();
  }

  #throwIfDone(): void {
    if (this.#state.kind !== 'open') throw streamClosed();
  }

  #wait(): void {
    const source = this.#source;
    if (!source.block) throw new WouldBlockError(`blocking read of ${this.#label}`);
    blockSync(() => source.block!(), `blocking read of ${this.#label}`);
  }
}

/** `wasi:io/streams#output-stream` over a `ByteSink`. */
export class OutputStream {
  readonly #sink: ByteSink;
  readonly #label: string;
  #state: State = { kind: 'open' };
  #permit = 0;

  constructor(sink: ByteSink, label = 'output-stream') {
    this.#sink = sink;
    this.#label = label;
  }

  checkWrite(): bigint {
    this.#throwIfDone();
    this.#permit = this.#capacity();
    return BigInt(this.#permit);
  }

  write(contents: Uint8Array): void {
    if (!(contents instanceof Uint8Array)) throw new TypeError(`${this.#label}.write: contents must be a Uint8Array`);
    this.#throwIfDone();
    if (contents.length > this.#permit) {
      throw new RangeError(`${this.#label}.write: ${contents.length} bytes exceed the ${this.#permit} permitted by check-write`);
    }
    this.#permit -= contents.length;
    if (contents.length === 0) return;
    try {
      this.#sink.write(contents);
    } catch (err) {
      this.#fail(err);
    }
  }

  /** Under an async mode (see asyncWaitAllowed) a write that must wait returns a promise. */
  blockingWriteAndFlush(contents: Uint8Array): void | Promise<void> {
    if (!(contents instanceof Uint8Array)) {
      throw new TypeError(`${this.#label}.blocking-write-and-flush: contents must be a Uint8Array`);
    }
    if (contents.length > BLOCKING_WRITE_LIMIT) {
      throw new RangeError(`${this.#label}.blocking-write-and-flush: ${contents.length} bytes exceed the limit of ${BLOCKING_WRITE_LIMIT}`);
    }
    if (asyncWaitAllowed()) {
      // With room for it all, nothing waits: answering without a promise spares an
      // async-mode guest an unwind and rewind of its stack for every write.
      const room = Number(this.checkWrite());
      if (room === 0 || room < contents.length) return this.#writeAndFlushAsync(contents);
      this.write(contents);
      this.flush();
      return Number(this.checkWrite()) > 0 ? undefined : this.#permitAsync().then(() => undefined);
    }
    let rest = contents;
    while (rest.length > 0) {
      const n = Math.min(this.#awaitPermit(), rest.length);
      this.write(rest.subarray(0, n));
      rest = rest.subarray(n);
    }
    this.blockingFlush();
  }

  flush(): void {
    this.#throwIfDone();
    try {
      this.#sink.flush?.();
    } catch (err) {
      this.#fail(err);
    }
  }

  blockingFlush(): void | Promise<void> {
    this.flush();
    if (asyncWaitAllowed()) return this.#permitAsync().then(() => undefined);
    this.#awaitPermit();
  }

  async #writeAndFlushAsync(contents: Uint8Array): Promise<void> {
    let rest = contents;
    while (rest.length > 0) {
      const n = Math.min(await this.#permitAsync(), rest.length);
      this.write(rest.subarray(0, n));
      rest = rest.subarray(n);
    }
    this.flush();
    await this.#permitAsync();
  }

  async #permitAsync(): Promise<number> {
    for (;;) {
      const n = Number(this.checkWrite());
      if (n > 0) return n;
      const sink = this.#sink;
      if (!sink.block) throw new WouldBlockError(`a blocking write to ${this.#label}`);
      await sink.block();
    }
  }

  subscribe(): Pollable {
    if (this.#state.kind !== 'open') return readyPollable();
    return new Pollable({
      ready: () => this.#state.kind !== 'open' || this.#capacity() > 0,
      block: this.#sink.block ? () => this.#sink.block!() : undefined,
      label: this.#label,
    });
  }

  writeZeroes(len: bigint): void {
    this.write(new Uint8Array(lengthArg(len, `${this.#label}.write-zeroes`)));
  }

  blockingWriteZeroesAndFlush(len: bigint): void | Promise<void> {
    const n = lengthArg(len, `${this.#label}.blocking-write-zeroes-and-flush`);
    if (n > BLOCKING_WRITE_LIMIT) {
      throw new RangeError(`${this.#label}.blocking-write-zeroes-and-flush: ${n} bytes exceed the limit of ${BLOCKING_WRITE_LIMIT}`);
    }
    return this.blockingWriteAndFlush(new Uint8Array(n));
  }

  splice(src: InputStream, len: bigint): bigint {
    const want = lengthArg(len, `${this.#label}.splice`);
    const n = Math.min(Number(this.checkWrite()), want);
    const chunk = src.read(BigInt(n));
    this.write(chunk);
    return BigInt(chunk.length);
  }

  blockingSplice(src: InputStream, len: bigint): bigint | Promise<bigint> {
    const want = lengthArg(len, `${this.#label}.blocking-splice`);
    if (asyncWaitAllowed()) return this.#spliceAsync(src, want);
    const n = Math.min(this.#awaitPermit(), want);
    const chunk = src.blockingRead(BigInt(n)) as Uint8Array;
    this.write(chunk);
    return BigInt(chunk.length);
  }

  async #spliceAsync(src: InputStream, want: number): Promise<bigint> {
    const n = Math.min(await this.#permitAsync(), want);
    // Still inside the async mode's call: the source may wait too.
    const chunk = await src.blockingReadAsync(BigInt(n));
    this.write(chunk);
    return BigInt(chunk.length);
  }

  [Symbol.dispose](): void {
    if (this.#state.kind === 'open') {
      try {
        this.#sink.flush?.();
      } catch {
        // the guest dropped the stream, so nobody is left to hear of a failed final flush
      }
    }
    this.#state = { kind: 'closed' };
    this.#sink.close?.();
  }

  #capacity(): number {
    const c = this.#sink.capacity ? this.#sink.capacity() : DEFAULT_WRITE_BUDGET;
    return Math.max(0, Math.min(c, MAX_CHUNK));
  }

  /** Wait until the sink takes at least one byte; returns the new permit. */
  #awaitPermit(): number {
    for (;;) {
      const n = Number(this.checkWrite());
      if (n > 0) return n;
      const sink = this.#sink;
      if (!sink.block) throw new WouldBlockError(`a blocking write to ${this.#label}`);
      blockSync(() => sink.block!(), `a blocking write to ${this.#label}`);
    }
  }

  #throwIfDone(): void {
    if (this.#state.kind !== 'open') throw streamClosed();
  }

  #fail(err: unknown): never {
    this.#state = { kind: 'closed' };
    throw lastOperationFailed(err);
  }
}

/** A source that yields `bytes` and then ends. */
export function bytesSource(bytes: Uint8Array): ByteSource {
  let offset = 0;
  return {
    read(max) {
      if (offset >= bytes.length) return null;
      const chunk = bytes.slice(offset, offset + max);
      offset += chunk.length;
      return chunk;
    },
  };
}

export const streams = { InputStream, OutputStream };
