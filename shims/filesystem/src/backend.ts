import type { InputStream, OutputStream } from '@weft/wasi-io';

export type Filesize = bigint;

export interface Datetime {
  seconds: bigint;
  nanoseconds: number;
}

export type DescriptorType =
  | 'unknown'
  | 'block-device'
  | 'character-device'
  | 'directory'
  | 'fifo'
  | 'symbolic-link'
  | 'regular-file'
  | 'socket';

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

/**
 * What a storage backend (memory, node:fs, OPFS) implements for one open file or
 * directory. Every operation is optional: a missing one reports `unsupported` to the
 * guest. Failures are reported by throwing an `ErrorCode` string.
 */
export interface DescriptorBackend {
  readViaStream?(offset: Filesize): InputStream;
  writeViaStream?(offset: Filesize): OutputStream;
  appendViaStream?(): OutputStream;
  advise?(offset: Filesize, length: Filesize, advice: Advice): void;
  syncData?(): void;
  getFlags?(): DescriptorFlags;
  getType?(): DescriptorType;
  setSize?(size: Filesize): void;
  setTimes?(atime: NewTimestamp, mtime: NewTimestamp): void;
  read?(length: Filesize, offset: Filesize): [Uint8Array, boolean];
  write?(buffer: Uint8Array, offset: Filesize): Filesize;
  readDirectory?(): DirectoryEntryBackend;
  sync?(): void;
  createDirectoryAt?(path: string): void;
  stat?(): DescriptorStat;
  statAt?(pathFlags: PathFlags, path: string): DescriptorStat;
  setTimesAt?(pathFlags: PathFlags, path: string, atime: NewTimestamp, mtime: NewTimestamp): void;
  linkAt?(oldPathFlags: PathFlags, oldPath: string, newDescriptor: DescriptorBackend, newPath: string): void;
  openAt?(pathFlags: PathFlags, path: string, openFlags: OpenFlags, flags: DescriptorFlags): DescriptorBackend;
  readlinkAt?(path: string): string;
  removeDirectoryAt?(path: string): void;
  renameAt?(oldPath: string, newDescriptor: DescriptorBackend, newPath: string): void;
  symlinkAt?(oldPath: string, newPath: string): void;
  unlinkFileAt?(path: string): void;
  isSameObject?(other: DescriptorBackend): boolean;
  metadataHash?(): MetadataHashValue;
  metadataHashAt?(pathFlags: PathFlags, path: string): MetadataHashValue;
  /** Release host resources (an open fd) when the guest drops the descriptor. */
  close?(): void;
}

export interface DirectoryEntryBackend {
  next(): DirectoryEntry | undefined;
}
