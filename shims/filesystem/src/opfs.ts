import type { ByteSink, ByteSource } from '@weft/wasi-io';
import type {
  Advice,
  DescriptorBackend,
  DescriptorFlags,
  DescriptorStat,
  DescriptorType,
  DirectoryEntry,
  DirectoryEntryBackend,
  Filesize,
  MaybeAsync,
  MetadataHashValue,
  NewTimestamp,
  OpenFlags,
  PathFlags,
} from './backend.js';
import {
  acquire,
  errorCode,
  findOpen,
  flushOpenFiles,
  host,
  MAX_READ,
  OpenFile,
  openFilesUnder,
  renamed,
  StreamOpenFile,
  SyncOpenFile,
  type DirHandle,
  type FileHandle,
  type WritePosition,
} from './opfs-file.js';
import { checkDatetime, checkOffset, datetimeFromMs, splitPath } from './paths.js';
import { Descriptor, filesystemError, mapAsync } from './types.js';
import { fail, needRight, checkOpenRights } from './rights.js';

/** One opened OPFS directory tree; `key` is its path under the OPFS root, once known. */
interface Root {
  serial: number;
  key: string | undefined;
  /** Settles once `key` is as known as it will be; path operations wait for it. */
  ready: Promise<void>;
}

let roots = 0;

type Entry = DirHandle | FileHandle;

interface Located {
  /** Undefined when the path names the descriptor's own directory. */
  parent: DirHandle | undefined;
  name: string;
  entry: Entry | undefined;
  /** Names from the root to the target. */
  names: string[];
}

const SWAP_SUFFIX = '.crswap';
/** Least a stream read fetches at a time. */
const STREAM_CHUNK = 1 << 16;
/** Most a stream read or a file copy moves at a time: files are never held whole in memory. */
const MAX_CHUNK = 1 << 20;
/** Bytes a write stream may have in flight before check-write makes the guest wait. */
const WRITE_WINDOW = 1 << 20;

function isDir(e: Entry): e is DirHandle {
  return e.kind === 'directory';
}

class OpfsDescriptor implements DescriptorBackend {
  readonly #root: Root;
  readonly #names: readonly string[];
  readonly #dirHandle: DirHandle | undefined;
  readonly #open: OpenFile | undefined;
  readonly #flags: DescriptorFlags;
  #closed = false;

  constructor(root: Root, names: readonly string[], target: DirHandle | OpenFile, flags: DescriptorFlags) {
    this.#root = root;
    this.#names = names;
    if (target instanceof OpenFile) this.#open = target;
    else this.#dirHandle = target;
    this.#flags = flags;
  }

  #dir(): DirHandle {
    return this.#dirHandle ?? fail('not-directory');
  }

  #file(): OpenFile {
    if (this.#open === undefined) fail('is-directory');
    if (this.#closed) fail('bad-descriptor');
    return this.#open;
  }

  #mutable(): DirHandle {
    const dir = this.#dir();
    needRight(this.#flags, 'mutateDirectory');
    return dir;
  }

  #readable(): OpenFile {
    const file = this.#file();
    needRight(this.#flags, 'read');
    return file;
  }

  #writable(): OpenFile {
    const file = this.#file();
    needRight(this.#flags, 'write');
    return file;
  }

  async #locate(path: string, from: DirHandle = this.#dir()): Promise<Located> {
    const { names, mustBeDirectory } = splitPath(path);
    await this.#root.ready;
    const full = [...this.#names, ...names];
    if (names.length === 0) return { parent: undefined, name: '.', entry: from, names: full };
    let parent = from;
    for (const name of names.slice(0, -1)) {
      const p = parent;
      parent = (await host(() => p.getDirectoryHandle(name))) as DirHandle;
    }
    const name = names[names.length - 1]!;
    const entry = await lookup(parent, name);
    if (mustBeDirectory && entry !== undefined && !isDir(entry)) fail('not-directory');
    return { parent, name, entry, names: full };
  }

  async #existing(path: string): Promise<Located & { entry: Entry }> {
    const at = await this.#locate(path);
    if (at.entry === undefined) fail('no-entry');
    return at as Located & { entry: Entry };
  }

  readViaStream(offset: Filesize): ByteSource {
    const file = this.#readable();
    const start = checkOffset(offset, 'read-via-stream offset');
    return file instanceof SyncOpenFile ? syncSource(file, start) : asyncSource(file, start);
  }

  writeViaStream(offset: Filesize): ByteSink {
    const file = this.#writable();
    return sink(file, checkOffset(offset, 'write-via-stream offset'));
  }

  appendViaStream(): ByteSink {
    return sink(this.#writable(), 'end');
  }

  advise(offset: Filesize, length: Filesize, _advice: Advice): void {
    this.#file();
    checkOffset(offset, 'advise offset');
    checkOffset(length, 'advise length');
  }

  syncData(): MaybeAsync<void> {
    return this.sync();
  }

  sync(): MaybeAsync<void> {
    if (this.#open === undefined) return;
    return this.#file().commit();
  }

  getFlags(): DescriptorFlags {
    return { ...this.#flags };
  }

  getType(): DescriptorType {
    return this.#open === undefined ? 'directory' : 'regular-file';
  }

  setSize(size: Filesize): MaybeAsync<void> {
    const file = this.#writable();
    return file.truncate(checkOffset(size, 'set-size size'));
  }

  setTimes(atime: NewTimestamp, mtime: NewTimestamp): void {
    if (this.#open !== undefined) this.#file();
    unchangedTimes(atime, mtime);
  }

  read(length: Filesize, offset: Filesize): MaybeAsync<[Uint8Array, boolean]> {
    const file = this.#readable();
    const len = checkOffset(length, 'read length');
    const pos = checkOffset(offset, 'read offset');
    return mapAsync(file.readAt(pos, len), (bytes): [Uint8Array, boolean] => [bytes, pos + bytes.length >= file.size]);
  }

  write(buffer: Uint8Array, offset: Filesize): MaybeAsync<Filesize> {
    const file = this.#writable();
    if (!(buffer instanceof Uint8Array)) throw new TypeError('write: buffer must be a Uint8Array');
    const pos = checkOffset(offset, 'write offset');
    return mapAsync(file.writeAt(buffer, pos), () => BigInt(buffer.length));
  }

  async readDirectory(): Promise<DirectoryEntryBackend> {
    const dir = this.#dir();
    if (!this.#flags.read) fail('not-permitted');
    const found: DirectoryEntry[] = [];
    await host(async () => {
      for await (const [name, h] of dir.entries()) found.push({ name, type: h.kind === 'directory' ? 'directory' : 'regular-file' });
    });
    // Chromium lists the swap file `<name>.crswap` of a file with an open writable stream next to it.
    const names = new Set(found.map((e) => e.name));
    const entries = found.filter((e) => !(e.name.endsWith(SWAP_SUFFIX) && names.has(e.name.slice(0, -SWAP_SUFFIX.length))));
    let i = 0;
    return { next: () => entries[i++] };
  }

  async createDirectoryAt(path: string): Promise<void> {
    const { parent, name, entry } = await this.#locate(path, this.#mutable());
    if (entry !== undefined) fail('exist');
    await host(() => parent!.getDirectoryHandle(name, { create: true }));
  }

  async stat(): Promise<DescriptorStat> {
    if (this.#open === undefined) return dirStat();
    return fileStat(await this.#file().info());
  }

  async statAt(_pathFlags: PathFlags, path: string): Promise<DescriptorStat> {
    const { entry } = await this.#existing(path);
    if (isDir(entry)) return dirStat();
    return fileStat(await fileInfo(entry));
  }

  async setTimesAt(_pathFlags: PathFlags, path: string, atime: NewTimestamp, mtime: NewTimestamp): Promise<void> {
    await this.#existing(path);
    unchangedTimes(atime, mtime);
  }

  linkAt(): void {
    fail('unsupported');
  }

  symlinkAt(): void {
    fail('unsupported');
  }

  async readlinkAt(path: string): Promise<string> {
    await this.#existing(path);
    return fail('invalid');
  }

  async openAt(_pathFlags: PathFlags, path: string, openFlags: OpenFlags, flags: DescriptorFlags): Promise<DescriptorBackend> {
    const dir = this.#dir();
    checkOpenRights(this.#flags, openFlags, flags);
    if (openFlags.create && openFlags.directory) fail('invalid');
    const { parent, name, entry, names } = await this.#locate(path, dir);
    let target = entry;
    if (target === undefined) {
      if (!openFlags.create) fail('no-entry');
      if (splitPath(path).mustBeDirectory) fail('is-directory');
      target = (await host(() => parent!.getFileHandle(name, { create: true }))) as FileHandle;
    } else if (openFlags.create && openFlags.exclusive) {
      fail('exist');
    }
    if (isDir(target)) {
      if (flags.write || openFlags.truncate) fail('is-directory');
      return new OpfsDescriptor(this.#root, names, target, { ...flags });
    }
    if (openFlags.directory || flags.mutateDirectory) fail('not-directory');
    const file = await acquire(target);
    try {
      if (openFlags.truncate) await file.truncate(0);
    } catch (e) {
      file.drop();
      throw e;
    }
    return new OpfsDescriptor(this.#root, names, file, { ...flags });
  }

  async removeDirectoryAt(path: string): Promise<void> {
    const { parent, name, entry } = await this.#locate(path, this.#mutable());
    if (entry === undefined) fail('no-entry');
    if (parent === undefined) fail('invalid');
    if (!isDir(entry)) fail('not-directory');
    await host(() => parent.removeEntry(name));
  }

  async unlinkFileAt(path: string): Promise<void> {
    const { parent, name, entry } = await this.#locate(path, this.#mutable());
    if (entry === undefined) fail('no-entry');
    if (parent === undefined || isDir(entry)) fail('is-directory');
    const remove = () => host(() => parent.removeEntry(name));
    const open = await findOpen(entry);
    if (open === undefined) return remove();
    await open.unlocked(remove, false);
    open.detach();
  }

  async renameAt(oldPath: string, newDescriptor: DescriptorBackend, newPath: string): Promise<void> {
    if (!(newDescriptor instanceof OpfsDescriptor)) fail('cross-device');
    const from = await this.#locate(oldPath, this.#mutable());
    const to = await newDescriptor.#locate(newPath, newDescriptor.#mutable());
    if (from.entry === undefined) fail('no-entry');
    if (from.parent === undefined || to.parent === undefined) fail('busy');
    if (to.entry !== undefined && (await from.entry.isSameEntry(to.entry))) return;
    if (isDir(from.entry)) {
      if ((await from.entry.resolve(to.parent)) !== null) fail('invalid');
      if (to.entry !== undefined) {
        if (!isDir(to.entry)) fail('not-directory');
        if (!(await isEmpty(to.entry))) fail('not-empty');
      }
      await moveDirectory(from.entry, from.parent, from.name, to.parent, to.name, to.entry !== undefined);
      return;
    }
    if (to.entry !== undefined && isDir(to.entry)) fail('is-directory');
    const replaced = to.entry === undefined ? undefined : await findOpen(to.entry);
    const source = from.entry;
    const [fromParent, toParent] = [from.parent, to.parent];
    const moving = await findOpen(source);
    const move = async () => {
      const moved = await moveFile(moving?.handle ?? source, fromParent, from.name, toParent, to.name);
      if (moving) moving.handle = moved;
    };
    const moveUnlocked = () => (moving ? moving.unlocked(move, true) : move());
    await (replaced ? replaced.unlocked(moveUnlocked, false) : moveUnlocked());
    replaced?.detach();
    if (moving) renamed(moving, moving.handle);
  }

  isSameObject(other: DescriptorBackend): boolean {
    if (!(other instanceof OpfsDescriptor)) return false;
    return identity(this.#root, this.#names) === identity(other.#root, other.#names);
  }

  async metadataHash(): Promise<MetadataHashValue> {
    await this.#root.ready;
    const info = this.#open === undefined ? undefined : await this.#file().info();
    return hashOf(this.#root, this.#names, info);
  }

  async metadataHashAt(_pathFlags: PathFlags, path: string): Promise<MetadataHashValue> {
    const { entry, names } = await this.#existing(path);
    return hashOf(this.#root, names, isDir(entry) ? undefined : await fileInfo(entry));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#open?.drop();
  }
}

async function lookup(parent: DirHandle, name: string): Promise<Entry | undefined> {
  try {
    return (await parent.getFileHandle(name)) as FileHandle;
  } catch (e) {
    const code = errorCode(e);
    if (code === 'no-entry') return undefined;
    if (code !== 'not-directory') throw code;
  }
  return (await host(() => parent.getDirectoryHandle(name))) as DirHandle;
}

async function isEmpty(dir: DirHandle): Promise<boolean> {
  return host(async () => {
    for await (const _ of dir.entries()) return false;
    return true;
  });
}

/** A file's size and modification time, including writes an open descriptor has not committed. */
async function fileInfo(handle: FileHandle): Promise<{ size: number; lastModified: number }> {
  const open = await findOpen(handle);
  if (open) return open.info();
  const file = await host(() => handle.getFile());
  return { size: file.size, lastModified: file.lastModified };
}

function dirStat(): DescriptorStat {
  return { type: 'directory', linkCount: 1n, size: 0n };
}

function fileStat(info: { size: number; lastModified: number }): DescriptorStat {
  return {
    type: 'regular-file',
    linkCount: 1n,
    size: BigInt(info.size),
    dataModificationTimestamp: datetimeFromMs(info.lastModified),
  };
}

/** OPFS keeps no settable times: only a request that changes nothing can succeed. */
function unchangedTimes(atime: NewTimestamp, mtime: NewTimestamp): void {
  for (const ts of [atime, mtime]) {
    if (ts?.tag === 'timestamp') checkDatetime(ts.val);
    else if (ts?.tag !== 'no-change' && ts?.tag !== 'now') fail('invalid');
  }
  if (atime.tag !== 'no-change' || mtime.tag !== 'no-change') fail('unsupported');
}

const MASK64 = 0xffffffffffffffffn;

function fnv1a64(text: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(text)) h = ((h ^ BigInt(b)) * 0x100000001b3n) & MASK64;
  return h;
}

/**
 * OPFS has no inode numbers: an entry is its path under the OPFS root where that is known,
 * else its path under the directory it was opened from, which then counts as its own tree.
 */
function identity(root: Root, names: readonly string[]): string {
  if (root.key === undefined) return `#${root.serial}:${names.join('/')}`;
  return `/${[root.key, ...names].filter((n) => n !== '').join('/')}`;
}

/** The low half hashes the entry's identity, the high half a file's size and modification time. */
function hashOf(root: Root, names: readonly string[], info: { size: number; lastModified: number } | undefined): MetadataHashValue {
  const changed = info === undefined ? 0n : (BigInt(Math.round(info.lastModified)) ^ (BigInt(info.size) << 23n)) & MASK64;
  return { lower: fnv1a64(identity(root, names)), upper: changed };
}

/** Moves a file, answering the handle that now names it. */
async function moveFile(handle: FileHandle, fromParent: DirHandle, fromName: string, toParent: DirHandle, toName: string): Promise<FileHandle> {
  if (typeof handle.move === 'function') {
    await host(() => handle.move!(toParent, toName));
    return handle;
  }
  const copy = await copyFile(handle, toParent, toName);
  await host(() => fromParent.removeEntry(fromName));
  return copy;
}

/** Copies in slices, never holding the whole file in memory. */
async function copyFile(handle: FileHandle, toParent: DirHandle, toName: string): Promise<FileHandle> {
  return host(async () => {
    const file = await handle.getFile();
    const dest = await toParent.getFileHandle(toName, { create: true });
    const w = await dest.createWritable();
    try {
      for (let pos = 0; pos < file.size; pos += MAX_CHUNK) {
        await w.write(new Uint8Array(await file.slice(pos, pos + MAX_CHUNK).arrayBuffer()));
      }
      await w.close();
    } catch (e) {
      await w.abort();
      throw e;
    }
    return dest;
  });
}

/**
 * Directories move with `move()` where the browser has it; otherwise by copying the tree
 * and removing the original, refused while any file in it is open (its descriptors would
 * keep pointing at the removed copy).
 */
async function moveDirectory(dir: DirHandle, fromParent: DirHandle, fromName: string, toParent: DirHandle, toName: string, replacing: boolean): Promise<void> {
  if (typeof dir.move === 'function') {
    if (replacing) await host(() => toParent.removeEntry(toName));
    await host(() => dir.move!(toParent, toName));
    return;
  }
  await refuseOpenFiles(dir);
  if (replacing) await host(() => toParent.removeEntry(toName));
  const dest = (await host(() => toParent.getDirectoryHandle(toName, { create: true }))) as DirHandle;
  await copyTree(dir, dest);
  await host(() => fromParent.removeEntry(fromName, { recursive: true }));
}

/** Files under `dir` with open descriptors make it `busy`; commits that drops started are waited for. */
async function refuseOpenFiles(dir: DirHandle): Promise<void> {
  const open = await openFilesUnder(dir);
  if (open.some((f) => f.refs > 0)) fail('busy');
  await Promise.all(open.map((f) => f.flush()));
}

async function copyTree(from: DirHandle, to: DirHandle): Promise<void> {
  const children: [string, FileSystemHandle][] = [];
  await host(async () => {
    for await (const child of from.entries()) children.push(child);
  });
  for (const [name, h] of children) {
    if (h.kind === 'directory') {
      const sub = (await host(() => to.getDirectoryHandle(name, { create: true }))) as DirHandle;
      await copyTree(h as DirHandle, sub);
    } else {
      await copyFile(h as FileHandle, to, name);
    }
  }
}

function streamError(e: unknown): never {
  const code = errorCode(e);
  throw filesystemError(code, `file stream: ${code}`);
}

function syncSource(file: SyncOpenFile, start: number): ByteSource {
  let pos = start;
  return {
    read(max) {
      if (pos >= file.size) return null;
      let chunk: Uint8Array;
      try {
        chunk = file.readAt(pos, Math.min(max, MAX_CHUNK));
      } catch (e) {
        streamError(e);
      }
      pos += chunk.length;
      return chunk;
    },
  };
}

/** Reads ahead on the file's queue; `read` hands out what has arrived and `block` waits for more. */
function asyncSource(file: OpenFile, start: number): ByteSource {
  let pos = start;
  let buffered: Uint8Array = new Uint8Array(0);
  let ended = false;
  let failure: unknown;
  let pending: Promise<void> | undefined;
  const fetchMore = (want: number): Promise<void> =>
    (pending ??= (file.readAt(pos, Math.min(Math.max(want, STREAM_CHUNK), MAX_CHUNK, MAX_READ)) as Promise<Uint8Array>).then(
      (bytes) => {
        pending = undefined;
        pos += bytes.length;
        if (bytes.length === 0) ended = true;
        buffered = bytes;
      },
      (e: unknown) => {
        pending = undefined;
        failure = e;
      },
    ));
  const ready = () => buffered.length > 0 || ended || failure !== undefined;
  return {
    read(max) {
      if (buffered.length > 0) {
        const out = buffered.subarray(0, max);
        buffered = buffered.subarray(out.length);
        return out;
      }
      if (failure !== undefined) streamError(failure);
      if (ended) return null;
      void fetchMore(max);
      return new Uint8Array(0);
    },
    ready,
    block: () => (ready() ? undefined : fetchMore(STREAM_CHUNK)),
  };
}

function sink(file: OpenFile, start: WritePosition): ByteSink {
  let pos = start;
  const advance = (n: number) => {
    if (pos !== 'end') pos += n;
  };
  if (file instanceof SyncOpenFile) {
    return {
      write(bytes) {
        try {
          file.writeAt(bytes, pos);
        } catch (e) {
          streamError(e);
        }
        advance(bytes.length);
      },
    };
  }
  if (!(file instanceof StreamOpenFile)) throw new TypeError('file sink: unknown kind of open file');
  let inFlight = 0;
  let failure: unknown;
  let last: Promise<void> = Promise.resolve();
  return {
    write(bytes) {
      if (failure !== undefined) streamError(failure);
      // The guest may reuse its buffer as soon as this returns; the write lands later.
      const copy = bytes.slice();
      inFlight += copy.length;
      last = file.queueWrite(copy, pos).then(
        () => {
          inFlight -= copy.length;
        },
        (e: unknown) => {
          inFlight -= copy.length;
          failure ??= e;
        },
      );
      advance(copy.length);
    },
    capacity: () => (failure !== undefined ? WRITE_WINDOW : Math.max(0, WRITE_WINDOW - inFlight)),
    // Written bytes are already on the file's queue, in order, where every later read,
    // stat and commit of the file finds them (as an OS page cache holds them): a flush has
    // nothing to wait for. Failures surface on the next write or flush, and on sync.
    flush() {
      if (failure !== undefined) streamError(failure);
    },
    block: () => last,
  };
}

export interface OpfsDirectoryOptions {
  /** Give the guest read access only: no writes, creates, renames or removals. */
  readOnly?: boolean;
}

function rootDescriptor(handle: FileSystemDirectoryHandle, root: Root, opts: OpfsDirectoryOptions): Descriptor {
  if (!(handle instanceof FileSystemDirectoryHandle)) throw new TypeError('openOpfsDirectory: expected a FileSystemDirectoryHandle');
  return new Descriptor(new OpfsDescriptor(root, [], handle as DirHandle, { read: true, mutateDirectory: !opts.readOnly }));
}

/**
 * An OPFS directory as a directory `Descriptor` for `setPreopens`. The component must be
 * transpiled with an async mode (`asyncMode: 'jspi'` or `'asyncify'`) everywhere, a worker
 * included: opening, listing and stat-ing go through OPFS's promise-only API. In a dedicated
 * worker whose engine grants sync access handles, reads and writes of open files then run
 * synchronously through them; elsewhere (a page, or a worker refused such handles, as in
 * WebKitGTK) through writable streams, with promises.
 */
export function openOpfsDirectory(handle: FileSystemDirectoryHandle, opts: OpfsDirectoryOptions = {}): Descriptor {
  const root: Root = { serial: ++roots, key: undefined, ready: Promise.resolve() };
  const d = rootDescriptor(handle, root, opts);
  // Its path under the OPFS root lets two roots opened on one directory agree on
  // is-same-object and metadata hashes; a handle from outside OPFS keeps its own identity.
  root.ready = (hasOpfs() ? navigator.storage.getDirectory() : Promise.reject(new Error('no OPFS root')))
    .then((top) => (top as DirHandle).resolve(handle))
    .then(
      (path) => {
        if (path) root.key = path.join('/');
      },
      () => undefined,
    );
  return d;
}

function hasOpfs(): boolean {
  return typeof (globalThis.navigator as Navigator | undefined)?.storage?.getDirectory === 'function';
}

/**
 * Opens (creating when missing) `path` ('a/b', '' = the OPFS root) under
 * navigator.storage.getDirectory(). Needs an async mode like {@link openOpfsDirectory}.
 */
export async function opfsDirectory(path = '', opts: OpfsDirectoryOptions = {}): Promise<Descriptor> {
  if (typeof path !== 'string') throw new TypeError('opfsDirectory: path must be a string');
  let names: string[] = [];
  if (path !== '') {
    try {
      names = splitPath(path).names;
    } catch (code) {
      throw new Error(`opfsDirectory: ${JSON.stringify(path)} is not a relative path inside the OPFS root (${String(code)})`);
    }
  }
  if (!hasOpfs()) {
    throw new Error(
      'opfsDirectory: this environment has no origin private file system (navigator.storage.getDirectory is missing): ' +
        'it needs a browser with OPFS (Chromium, Firefox, Safari; WebKitGTK turns it off by default) and a secure context (https or localhost)',
    );
  }
  let dir = await navigator.storage.getDirectory();
  for (const name of names) {
    try {
      dir = await dir.getDirectoryHandle(name, { create: true });
    } catch (e) {
      throw new Error(`opfsDirectory: cannot open ${JSON.stringify(path)}: ${(e as Error).message}`);
    }
  }
  return rootDescriptor(dir, { serial: ++roots, key: names.join('/'), ready: Promise.resolve() }, opts);
}

/**
 * Resolves once everything the guest wrote through OPFS descriptors is committed, including
 * files whose descriptors it dropped a moment ago (drops commit in the background) and files
 * it still holds open. Call it before reading those files by other means.
 */
export function flushOpfs(): Promise<void> {
  return flushOpenFiles();
}
