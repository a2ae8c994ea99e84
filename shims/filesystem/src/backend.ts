import type { ByteSink, ByteSource } from '@weft/wasi-io';

export type Filesize = bigint;

export interface Datetime {
  seconds: bigint;
  nanoseconds: number;
}

export type DescriptorType = 'unknown' | 'block-device' | 'character-device' | 'directory' | 'fifo' | 'symbolic-link' | 'regular-file' | 'socket';

export interface DescriptorFlags {
  read?: boolean;
  write?: boolean;
  fileIntegritySync?: boolean;
  dataIntegritySync?: boolean;
  requestedWriteSync?: boolean;
  mutateDirectory?: boolean;
}

export interface PathFlags {
  symlinkFollow?: boolean;
}

export interface OpenFlags {
  create?: boolean;
  directory?: boolean;
  exclusive?: boolean;
  truncate?: boolean;
}

export type NewTimestamp = { tag: 'no-change' } | { tag: 'now' } | { tag: 'timestamp'; val: Datetime };

export interface DescriptorStat {
  type: DescriptorType;
  linkCount: bigint;
  size: Filesize;
  dataAccessTimestamp?: Datetime;
  dataModificationTimestamp?: Datetime;
  statusChangeTimestamp?: Datetime;
}

export interface MetadataHashValue {
  lower: bigint;
  upper: bigint;
}

export interface DirectoryEntry {
  type: DescriptorType;
  name: string;
}

export type Advice = 'normal' | 'sequential' | 'random' | 'will-need' | 'dont-need' | 'no-reuse';

export type ErrorCode =
  | 'access'
  | 'would-block'
  | 'already'
  | 'bad-descriptor'
  | 'busy'
  | 'deadlock'
  | 'quota'
  | 'exist'
  | 'file-too-large'
  | 'illegal-byte-sequence'
  | 'in-progress'
  | 'interrupted'
  | 'invalid'
  | 'io'
  | 'is-directory'
  | 'loop'
  | 'too-many-links'
  | 'message-size'
  | 'name-too-long'
  | 'no-device'
  | 'no-entry'
  | 'no-lock'
  | 'insufficient-memory'
  | 'insufficient-space'
  | 'not-directory'
  | 'not-empty'
  | 'not-recoverable'
  | 'unsupported'
  | 'no-tty'
  | 'no-such-device'
  | 'overflow'
  | 'not-permitted'
  | 'pipe'
  | 'read-only'
  | 'invalid-seek'
  | 'text-file-busy'
  | 'cross-device';

/** A value now, or a promise of it from a backend whose storage is asynchronous (OPFS). */
export type MaybeAsync<T> = T | Promise<T>;

/**
 * What a storage backend (memory, node:fs, OPFS) implements for one open file or
 * directory. Every operation is optional: a missing one reports `unsupported` to the
 * guest. Failures are reported by throwing an `ErrorCode` string, or by rejecting with
 * one: an operation may return a promise, which glue transpiled with an async mode
 * (`jspi`, `asyncify`) waits for; the synchronous mode rejects promises.
 */
export interface DescriptorBackend {
  /** The file's bytes from `offset`; each WASI version wraps them in its own kind of stream. */
  readViaStream?(offset: Filesize): MaybeAsync<ByteSource>;
  writeViaStream?(offset: Filesize): MaybeAsync<ByteSink>;
  appendViaStream?(): MaybeAsync<ByteSink>;
  advise?(offset: Filesize, length: Filesize, advice: Advice): MaybeAsync<void>;
  syncData?(): MaybeAsync<void>;
  getFlags?(): MaybeAsync<DescriptorFlags>;
  getType?(): MaybeAsync<DescriptorType>;
  setSize?(size: Filesize): MaybeAsync<void>;
  setTimes?(atime: NewTimestamp, mtime: NewTimestamp): MaybeAsync<void>;
  read?(length: Filesize, offset: Filesize): MaybeAsync<[Uint8Array, boolean]>;
  write?(buffer: Uint8Array, offset: Filesize): MaybeAsync<Filesize>;
  readDirectory?(): MaybeAsync<DirectoryEntryBackend>;
  sync?(): MaybeAsync<void>;
  createDirectoryAt?(path: string): MaybeAsync<void>;
  stat?(): MaybeAsync<DescriptorStat>;
  statAt?(pathFlags: PathFlags, path: string): MaybeAsync<DescriptorStat>;
  setTimesAt?(pathFlags: PathFlags, path: string, atime: NewTimestamp, mtime: NewTimestamp): MaybeAsync<void>;
  linkAt?(oldPathFlags: PathFlags, oldPath: string, newDescriptor: DescriptorBackend, newPath: string): MaybeAsync<void>;
  openAt?(pathFlags: PathFlags, path: string, openFlags: OpenFlags, flags: DescriptorFlags): MaybeAsync<DescriptorBackend>;
  readlinkAt?(path: string): MaybeAsync<string>;
  removeDirectoryAt?(path: string): MaybeAsync<void>;
  renameAt?(oldPath: string, newDescriptor: DescriptorBackend, newPath: string): MaybeAsync<void>;
  symlinkAt?(oldPath: string, newPath: string): MaybeAsync<void>;
  unlinkFileAt?(path: string): MaybeAsync<void>;
  /** Synchronous: both descriptors are at hand, and `Descriptor.isSameObject` answers at once. */
  isSameObject?(other: DescriptorBackend): boolean;
  metadataHash?(): MaybeAsync<MetadataHashValue>;
  metadataHashAt?(pathFlags: PathFlags, path: string): MaybeAsync<MetadataHashValue>;
  /**
   * Release host resources (an open fd) when the guest drops the descriptor. Dropping is
   * synchronous: a backend that must finish asynchronously starts that work here.
   */
  close?(): void;
}

export interface DirectoryEntryBackend {
  next(): MaybeAsync<DirectoryEntry | undefined>;
}
