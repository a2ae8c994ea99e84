import { bytesSource, type ByteSink, type ByteSource } from '@weft/wasi-io';
import { readableSource } from '@weft/wasi-io/web-streams';
import { nodeProcess, nodeStdinSource, readFdSync, writeFdSync } from './node.js';

/** Something with `append`, as a DOM element has; text is appended as it arrives. */
export interface TextContainer {
  append(...nodes: string[]): void;
  readonly nodeType: number;
}

/** Anything with a `write(chunk)` method, such as a Node `Writable`. */
export interface ChunkWriter {
  write(chunk: Uint8Array): unknown;
}

/**
 * Where stdout or stderr go:
 * - `'inherit'`: the process's own stream in Node, the console in a browser;
 * - `'console'`: `console.log` (stdout) or `console.error` (stderr), one call per line;
 * - `'ignore'`: discarded;
 * - a function: called with each chunk of bytes;
 * - a DOM element: the text is appended to it;
 * - an object with `write(chunk)` (a Node `Writable`, or a full `ByteSink`).
 */
export type OutputTarget = 'inherit' | 'console' | 'ignore' | ((chunk: Uint8Array) => void) | TextContainer | ChunkWriter;

/**
 * Where stdin comes from: its whole content (string or bytes), `'inherit'` (the process's
 * stdin in Node, empty in a browser), `'none'` (empty), a `ReadableStream` of bytes (read
 * as the guest asks), or any `ByteSource`.
 */
export type InputSource = string | Uint8Array | 'inherit' | 'none' | ReadableStream<Uint8Array | ArrayBuffer> | ByteSource;

/** A sink that also reports whether it is a terminal and can push out a partial line. */
export interface StdioSink extends ByteSink {
  readonly isTerminal: boolean;
  /** Emit text held back while waiting for the end of a line. */
  drain(): void;
}

function lineSink(emit: (line: string) => void): StdioSink {
  const decoder = new TextDecoder();
  let pending = '';
  let scheduled = false;
  const drain = () => {
    pending += decoder.decode();
    if (pending) emit(pending);
    pending = '';
  };
  return {
    isTerminal: false,
    write(bytes) {
      pending += decoder.decode(bytes, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) emit(line);
      // A partial line waits for the end of the task, not of the microtask: bytes piped from
      // a stream arrive across microtasks, and a line must not be cut where a chunk ends.
      if (pending && !scheduled) {
        scheduled = true;
        setTimeout(() => {
          scheduled = false;
          drain();
        }, 0);
      }
    },
    drain,
  };
}

function isTextContainer(t: object): t is TextContainer {
  return typeof (t as TextContainer).nodeType === 'number' && typeof (t as TextContainer).append === 'function';
}

export function makeSink(target: OutputTarget, stream: 'stdout' | 'stderr'): StdioSink {
  const none = { isTerminal: false, drain() {} };
  if (target === 'ignore') return { ...none, write() {} };
  if (target === 'console') {
    return lineSink(stream === 'stdout' ? (l) => console.log(l) : (l) => console.error(l));
  }
  if (target === 'inherit') {
    const proc = nodeProcess();
    if (!proc) return makeSink('console', stream);
    const fd = stream === 'stdout' ? 1 : 2;
    return { isTerminal: proc[stream]?.isTTY === true, drain() {}, write: (bytes) => writeFdSync(fd, bytes) };
  }
  if (typeof target === 'function') return { ...none, write: (bytes) => target(bytes.slice()) };
  if (target && typeof target === 'object') {
    if (isTextContainer(target)) {
      const decoder = new TextDecoder();
      return {
        ...none,
        write: (bytes) => target.append(decoder.decode(bytes, { stream: true })),
        drain: () => {
          const tail = decoder.decode();
          if (tail) target.append(tail);
        },
      };
    }
    if (typeof target.write === 'function') {
      const sink = target as ChunkWriter & Partial<ByteSink>;
      return {
        isTerminal: false,
        drain() {},
        write: (bytes) => void sink.write(bytes.slice()),
        capacity: sink.capacity?.bind(sink),
        flush: sink.flush?.bind(sink),
        block: sink.block?.bind(sink),
      };
    }
  }
  throw new TypeError(`${stream}: expected 'inherit', 'console', 'ignore', a function, a DOM element or an object with write(), got ${String(target)}`);
}

export interface StdinSource extends ByteSource {
  readonly isTerminal: boolean;
  /**
   * The same bytes read without blocking the thread, where `read` itself would block
   * (Node's stdin read synchronously): what a reader that can wait for a promise uses.
   */
  readonly nonBlocking?: () => ByteSource;
}

const encoder = new TextEncoder();

export function makeSource(source: InputSource): StdinSource {
  if (typeof source === 'string' && source !== 'inherit' && source !== 'none') {
    return { isTerminal: false, ...bytesSource(encoder.encode(source)) };
  }
  if (source instanceof Uint8Array) return { isTerminal: false, ...bytesSource(source.slice()) };
  if (source === 'none') return { isTerminal: false, read: () => null };
  if (source === 'inherit') {
    const proc = nodeProcess();
    if (!proc) return makeSource('none');
    return { isTerminal: proc.stdin?.isTTY === true, read: (max) => readFdSync(0, max), nonBlocking: nodeStdinSource };
  }
  if (source instanceof ReadableStream) return { isTerminal: false, ...readableSource(source) };
  if (source && typeof source === 'object' && typeof source.read === 'function') {
    const s = source;
    return {
      isTerminal: false,
      read: (max) => s.read(max),
      ready: s.ready?.bind(s),
      block: s.block?.bind(s),
      close: s.close?.bind(s),
    };
  }
  throw new TypeError(`stdin: expected a string, a Uint8Array, 'inherit', 'none', a ReadableStream or a ByteSource, got ${String(source)}`);
}
