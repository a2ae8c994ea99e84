/**
 * `wasi:filesystem@0.3.0` over the same backends (memory, node:fs, OPFS) and the same
 * preopens as the 0.2 interface (`setPreopens` from `@weft/wasi-filesystem`): the backend
 * keeps the sandbox, this module only changes how results travel (promises, streams,
 * futures, variants).
 */
import { IoError, type ByteSink, type ByteSource } from '@weft/wasi-io';
import { checkByteStream, err, ok, pipeToSink, sourceStream, type Result } from '@weft/wasi-io/web-streams';
import type {
  Advice,
  DescriptorBackend,
  DescriptorFlags,
  DescriptorStat as DescriptorStat02,
  DescriptorType as DescriptorType02,
  ErrorCode as ErrorCode02,
  Filesize,
  MaybeAsync,
  MetadataHashValue,
  NewTimestamp,
  OpenFlags,
  PathFlags,
} from '../backend.js';
import { preopens as preopens02 } from '../preopens.js';
import { backendOf } from '../types.js';

export type { Advice, DescriptorFlags, Filesize, MetadataHashValue, NewTimestamp, OpenFlags, PathFlags } from '../backend.js';

/** `wasi:filesystem/types#descriptor-type`: a variant in 0.3, whose `other` replaces 0.2's `unknown`. */
export type DescriptorType = { tag: Exclude<DescriptorType02, 'unknown'> } | { tag: 'other'; val: string | undefined };

/** `wasi:filesystem/types#error-code`: a variant in 0.3; `other` carries what has no case of its own. */
export type ErrorCode = { tag: Exclude<ErrorCode02, 'would-block'> } | { tag: 'other'; val: string | undefined };

export interface DescriptorStat extends Omit<DescriptorStat02, 'type'> {
  type: DescriptorType;
}

export interface DirectoryEntry {
  type: DescriptorType;
  name: string;
}

/** 0.2 codes 0.3 dropped (with wasi:io's non-blocking operations). */
const DROPPED_CODES: ReadonlySet<string> = new Set(['would-block']);

function errorCode(code: ErrorCode02): ErrorCode {
  return DROPPED_CODES.has(code) ? { tag: 'other', val: code } : ({ tag: code } as ErrorCode);
}

/**
 * What a failure is to the guest: backends throw a 0.2 code string (or a stream's
 * `IoError` carrying one). Anything else is a fault of the host or of the JS caller, and
 * goes on as it is.
 */
function toErrorCode(e: unknown): unknown {
  if (typeof e === 'string') return errorCode(e as ErrorCode02);
  if (e instanceof IoError && e.domain === 'filesystem' && e.code !== undefined) return errorCode(e.code as ErrorCode02);
  return e;
}

function resultOf(r: Result<undefined, unknown>): Result<undefined, ErrorCode> {
  if (r.tag === 'ok') return r;
  const code = toErrorCode(r.val);
  return err(typeof code === 'object' && code !== null && 'tag' in code ? (code as ErrorCode) : { tag: 'io' });
}

function descriptorType(t: DescriptorType02): DescriptorType {
  return t === 'unknown' ? { tag: 'other', val: undefined } : { tag: t };
}

function stat(s: DescriptorStat02): DescriptorStat {
  return { ...s, type: descriptorType(s.type) };
}

/** A source the backend opens asynchronously (OPFS): reads wait for the open, and a failed open fails the first read. */
function pendingSource(opening: Promise<ByteSource>): ByteSource {
  let source: ByteSource | undefined;
  const opened = opening.then((s) => void (source = s));
  return {
    read: (max) => (source ? source.read(max) : new Uint8Array(0)),
    ready: () => source?.ready?.() ?? source !== undefined,
    block: () => (source ? source.block?.() : opened),
    close: () =>
      void opened.then(
        () => source?.close?.(),
        () => {},
      ),
  };
}

/** The backend's operation `name`, or `unsupported` when it has none. */
function op<K extends keyof DescriptorBackend>(b: DescriptorBackend, name: K): NonNullable<DescriptorBackend[K]> {
  const fn = b[name];
  if (typeof fn !== 'function') throw 'unsupported' satisfies ErrorCode02;
  return (fn as (...args: unknown[]) => unknown).bind(b) as NonNullable<DescriptorBackend[K]>;
}

/** An async method's result: the value, or a rejection with the error code. */
async function settle<T>(f: () => MaybeAsync<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw toErrorCode(e);
  }
}

const wrappers = new WeakMap<DescriptorBackend, Descriptor>();

/** `wasi:filesystem/types#descriptor` (0.3). */
export class Descriptor {
  readonly #b: DescriptorBackend;

  constructor(b: DescriptorBackend) {
    this.#b = b;
  }

  static #backend(d: unknown, where: string): DescriptorBackend {
    if (!(d instanceof Descriptor)) throw new TypeError(`${where}: expected a Descriptor (WIT borrow<descriptor>)`);
    return d.#b;
  }

  /**
   * The file's bytes from `offset`, read as the guest pulls. The future settles ok at the
   * end or when the guest drops the stream, err when the read fails (a descriptor not
   * open for reading fails at once).
   */
  readViaStream(offset: Filesize): [ReadableStream<Uint8Array>, Promise<Result<undefined, ErrorCode>>] {
    let source: ByteSource;
    try {
      const opened = op(this.#b, 'readViaStream')(offset);
      source = opened instanceof Promise ? pendingSource(opened) : opened;
    } catch (e) {
      if (typeof e !== 'string') throw e;
      const empty = new ReadableStream<Uint8Array>({ start: (c) => c.close() });
      return [empty, Promise.resolve(resultOf(err(e)))];
    }
    const { stream, done } = sourceStream(source, { closeOnCancel: true });
    return [stream, done.then(resultOf)];
  }

  /** Writes the guest's stream from `offset`; the future settles when the stream ends or the write fails. */
  writeViaStream(data: ReadableStream<Uint8Array>, offset: Filesize): Promise<Result<undefined, ErrorCode>> {
    checkByteStream(data, 'wasi:filesystem/types#[method]descriptor.write-via-stream: data');
    return this.#write(data, () => op(this.#b, 'writeViaStream')(offset));
  }

  /** Appends the guest's stream at the end of the file as it is when each chunk lands. */
  appendViaStream(data: ReadableStream<Uint8Array>): Promise<Result<undefined, ErrorCode>> {
    checkByteStream(data, 'wasi:filesystem/types#[method]descriptor.append-via-stream: data');
    return this.#write(data, () => op(this.#b, 'appendViaStream')());
  }

  async #write(data: ReadableStream<Uint8Array>, open: () => MaybeAsync<ByteSink>): Promise<Result<undefined, ErrorCode>> {
    let sink: ByteSink;
    try {
      sink = await open();
    } catch (e) {
      if (typeof e !== 'string') throw e;
      // Nobody will read the guest's bytes: drop its stream so its writes end.
      await data.cancel(e).catch(() => {});
      return resultOf(err(e));
    }
    const r = await pipeToSink(data, sink);
    sink.close?.();
    return resultOf(r);
  }

  /** The directory's entries, one per chunk, fetched as the guest pulls. */
  readDirectory(): [ReadableStream<DirectoryEntry>, Promise<Result<undefined, ErrorCode>>] {
    let settleDone!: (r: Result<undefined, ErrorCode>) => void;
    const done = new Promise<Result<undefined, ErrorCode>>((resolve) => (settleDone = resolve));
    const b = this.#b;
    let entries: ReturnType<NonNullable<DescriptorBackend['readDirectory']>> | undefined;
    const stream = new ReadableStream<DirectoryEntry>(
      {
        async pull(controller) {
          try {
            entries ??= op(b, 'readDirectory')();
            const next = await (await entries).next();
            if (next === undefined) {
              controller.close();
              settleDone(ok());
            } else controller.enqueue({ type: descriptorType(next.type), name: next.name });
          } catch (e) {
            controller.close();
            settleDone(resultOf(err(e)));
          }
        },
        cancel() {
          settleDone(ok());
        },
      },
      { highWaterMark: 0 },
    );
    return [stream, done];
  }

  advise(offset: Filesize, length: Filesize, advice: Advice): Promise<void> {
    return settle(() => op(this.#b, 'advise')(offset, length, advice));
  }
  syncData(): Promise<void> {
    return settle(() => op(this.#b, 'syncData')());
  }
  getFlags(): Promise<DescriptorFlags> {
    return settle(() => op(this.#b, 'getFlags')());
  }
  async getType(): Promise<DescriptorType> {
    return descriptorType(await settle(() => op(this.#b, 'getType')()));
  }
  setSize(size: Filesize): Promise<void> {
    return settle(() => op(this.#b, 'setSize')(size));
  }
  setTimes(dataAccessTimestamp: NewTimestamp, dataModificationTimestamp: NewTimestamp): Promise<void> {
    return settle(() => op(this.#b, 'setTimes')(dataAccessTimestamp, dataModificationTimestamp));
  }
  sync(): Promise<void> {
    return settle(() => op(this.#b, 'sync')());
  }
  createDirectoryAt(path: string): Promise<void> {
    return settle(() => op(this.#b, 'createDirectoryAt')(path));
  }
  async stat(): Promise<DescriptorStat> {
    return stat(await settle(() => op(this.#b, 'stat')()));
  }
  async statAt(pathFlags: PathFlags, path: string): Promise<DescriptorStat> {
    return stat(await settle(() => op(this.#b, 'statAt')(pathFlags, path)));
  }
  setTimesAt(pathFlags: PathFlags, path: string, dataAccessTimestamp: NewTimestamp, dataModificationTimestamp: NewTimestamp): Promise<void> {
    return settle(() => op(this.#b, 'setTimesAt')(pathFlags, path, dataAccessTimestamp, dataModificationTimestamp));
  }
  linkAt(oldPathFlags: PathFlags, oldPath: string, newDescriptor: Descriptor, newPath: string): Promise<void> {
    const target = Descriptor.#backend(newDescriptor, 'wasi:filesystem/types#[method]descriptor.link-at: new-descriptor');
    return settle(() => op(this.#b, 'linkAt')(oldPathFlags, oldPath, target, newPath));
  }
  async openAt(pathFlags: PathFlags, path: string, openFlags: OpenFlags, flags: DescriptorFlags): Promise<Descriptor> {
    return new Descriptor(await settle(() => op(this.#b, 'openAt')(pathFlags, path, openFlags, flags)));
  }
  readlinkAt(path: string): Promise<string> {
    return settle(() => op(this.#b, 'readlinkAt')(path));
  }
  removeDirectoryAt(path: string): Promise<void> {
    return settle(() => op(this.#b, 'removeDirectoryAt')(path));
  }
  renameAt(oldPath: string, newDescriptor: Descriptor, newPath: string): Promise<void> {
    const target = Descriptor.#backend(newDescriptor, 'wasi:filesystem/types#[method]descriptor.rename-at: new-descriptor');
    return settle(() => op(this.#b, 'renameAt')(oldPath, target, newPath));
  }
  symlinkAt(oldPath: string, newPath: string): Promise<void> {
    return settle(() => op(this.#b, 'symlinkAt')(oldPath, newPath));
  }
  unlinkFileAt(path: string): Promise<void> {
    return settle(() => op(this.#b, 'unlinkFileAt')(path));
  }
  isSameObject(other: Descriptor): Promise<boolean> {
    const o = Descriptor.#backend(other, 'wasi:filesystem/types#[method]descriptor.is-same-object: other');
    return Promise.resolve(o === this.#b || (this.#b.isSameObject?.(o) ?? false));
  }
  metadataHash(): Promise<MetadataHashValue> {
    return settle(() => op(this.#b, 'metadataHash')());
  }
  metadataHashAt(pathFlags: PathFlags, path: string): Promise<MetadataHashValue> {
    return settle(() => op(this.#b, 'metadataHashAt')(pathFlags, path));
  }
  [Symbol.dispose](): void {
    this.#b.close?.();
  }
}

/** The one 0.3 descriptor for a preopen's backend, so it is the same object on every call. */
function preopenOf(b: DescriptorBackend): Descriptor {
  let d = wrappers.get(b);
  if (!d) wrappers.set(b, (d = new Descriptor(b)));
  return d;
}

export const types = { Descriptor };

export const preopens = {
  /** The directories `setPreopens` gave, as 0.3 descriptors over the same backends. */
  getDirectories(): [Descriptor, string][] {
    return preopens02.getDirectories().map(([d, path]) => [preopenOf(backendOf(d)), path]);
  },
};
