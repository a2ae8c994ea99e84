import { InputStream, IoError, OutputStream } from '@weft/wasi-io';
import type {
  Advice,
  DescriptorBackend,
  DescriptorFlags,
  DescriptorStat,
  DescriptorType,
  DirectoryEntry,
  DirectoryEntryBackend,
  ErrorCode,
  Filesize,
  MaybeAsync,
  MetadataHashValue,
  NewTimestamp,
  OpenFlags,
  PathFlags,
} from './backend.js';

/** `f` applied to a value now, or once its promise settles. (Not named `then`: a module exporting `then` is itself a thenable.) */
export function mapAsync<T, U>(value: MaybeAsync<T>, f: (v: T) => U): MaybeAsync<U> {
  return value instanceof Promise ? value.then(f) : f(value);
}

/** The backend behind a 0.2 descriptor, so the 0.3 interface can serve the same preopens. */
export let backendOf: (d: Descriptor) => DescriptorBackend;

/** `wasi:filesystem/types#descriptor`: a handle onto whatever backend opened it. */
export class Descriptor {
  readonly #b: DescriptorBackend;

  static {
    backendOf = (d) => d.#b;
  }

  constructor(b: DescriptorBackend) {
    this.#b = b;
  }

  static #backend(d: unknown, what: string): DescriptorBackend {
    if (!(d instanceof Descriptor)) throw new TypeError(`${what}: expected a Descriptor`);
    return d.#b;
  }

  #op<K extends keyof DescriptorBackend>(name: K): NonNullable<DescriptorBackend[K]> {
    const fn = this.#b[name];
    if (typeof fn !== 'function') throw 'unsupported' satisfies ErrorCode;
    return (fn as (...args: unknown[]) => unknown).bind(this.#b) as NonNullable<DescriptorBackend[K]>;
  }

  readViaStream(offset: Filesize): MaybeAsync<InputStream> {
    return mapAsync(this.#op('readViaStream')(offset), (source) => new InputStream(source, 'file input-stream'));
  }
  writeViaStream(offset: Filesize): MaybeAsync<OutputStream> {
    return mapAsync(this.#op('writeViaStream')(offset), (sink) => new OutputStream(sink, 'file output-stream'));
  }
  appendViaStream(): MaybeAsync<OutputStream> {
    return mapAsync(this.#op('appendViaStream')(), (sink) => new OutputStream(sink, 'file output-stream'));
  }
  advise(offset: Filesize, length: Filesize, advice: Advice): MaybeAsync<void> {
    return this.#op('advise')(offset, length, advice);
  }
  syncData(): MaybeAsync<void> {
    return this.#op('syncData')();
  }
  getFlags(): MaybeAsync<DescriptorFlags> {
    return this.#op('getFlags')();
  }
  getType(): MaybeAsync<DescriptorType> {
    return this.#op('getType')();
  }
  setSize(size: Filesize): MaybeAsync<void> {
    return this.#op('setSize')(size);
  }
  setTimes(atime: NewTimestamp, mtime: NewTimestamp): MaybeAsync<void> {
    return this.#op('setTimes')(atime, mtime);
  }
  read(length: Filesize, offset: Filesize): MaybeAsync<[Uint8Array, boolean]> {
    return this.#op('read')(length, offset);
  }
  write(buffer: Uint8Array, offset: Filesize): MaybeAsync<Filesize> {
    return this.#op('write')(buffer, offset);
  }
  readDirectory(): MaybeAsync<DirectoryEntryStream> {
    return mapAsync(this.#op('readDirectory')(), (entries) => new DirectoryEntryStream(entries));
  }
  sync(): MaybeAsync<void> {
    return this.#op('sync')();
  }
  createDirectoryAt(path: string): MaybeAsync<void> {
    return this.#op('createDirectoryAt')(path);
  }
  stat(): MaybeAsync<DescriptorStat> {
    return this.#op('stat')();
  }
  statAt(pathFlags: PathFlags, path: string): MaybeAsync<DescriptorStat> {
    return this.#op('statAt')(pathFlags, path);
  }
  setTimesAt(pathFlags: PathFlags, path: string, atime: NewTimestamp, mtime: NewTimestamp): MaybeAsync<void> {
    return this.#op('setTimesAt')(pathFlags, path, atime, mtime);
  }
  linkAt(oldPathFlags: PathFlags, oldPath: string, newDescriptor: Descriptor, newPath: string): MaybeAsync<void> {
    return this.#op('linkAt')(oldPathFlags, oldPath, Descriptor.#backend(newDescriptor, 'link-at'), newPath);
  }
  openAt(pathFlags: PathFlags, path: string, openFlags: OpenFlags, flags: DescriptorFlags): MaybeAsync<Descriptor> {
    return mapAsync(this.#op('openAt')(pathFlags, path, openFlags, flags), (b) => new Descriptor(b));
  }
  readlinkAt(path: string): MaybeAsync<string> {
    return this.#op('readlinkAt')(path);
  }
  removeDirectoryAt(path: string): MaybeAsync<void> {
    return this.#op('removeDirectoryAt')(path);
  }
  renameAt(oldPath: string, newDescriptor: Descriptor, newPath: string): MaybeAsync<void> {
    return this.#op('renameAt')(oldPath, Descriptor.#backend(newDescriptor, 'rename-at'), newPath);
  }
  symlinkAt(oldPath: string, newPath: string): MaybeAsync<void> {
    return this.#op('symlinkAt')(oldPath, newPath);
  }
  unlinkFileAt(path: string): MaybeAsync<void> {
    return this.#op('unlinkFileAt')(path);
  }
  isSameObject(other: Descriptor): boolean {
    const o = Descriptor.#backend(other, 'is-same-object');
    return o === this.#b || (this.#b.isSameObject?.(o) ?? false);
  }
  metadataHash(): MaybeAsync<MetadataHashValue> {
    return this.#op('metadataHash')();
  }
  metadataHashAt(pathFlags: PathFlags, path: string): MaybeAsync<MetadataHashValue> {
    return this.#op('metadataHashAt')(pathFlags, path);
  }
  [Symbol.dispose](): void {
    this.#b.close?.();
  }
}

/** `wasi:filesystem/types#directory-entry-stream`. */
export class DirectoryEntryStream {
  readonly #entries: DirectoryEntryBackend;

  constructor(entries: DirectoryEntryBackend) {
    this.#entries = entries;
  }

  readDirectoryEntry(): MaybeAsync<DirectoryEntry | undefined> {
    return this.#entries.next();
  }
}

/** An `IoError` a filesystem stream fails with, so `filesystem-error-code` can recover the code. */
export function filesystemError(code: ErrorCode, message: string): IoError {
  return new IoError(message, { domain: 'filesystem', code });
}

export const types = {
  Descriptor,
  DirectoryEntryStream,
  filesystemErrorCode(err: IoError): ErrorCode | undefined {
    if (!(err instanceof IoError)) throw new TypeError('filesystem-error-code: expected a wasi:io/error Error');
    return err.domain === 'filesystem' ? (err.code as ErrorCode) : undefined;
  },
};
