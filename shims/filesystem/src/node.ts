import * as fs from 'node:fs';
import { join, sep } from 'node:path';
import type { ByteSink, ByteSource } from '@weft/wasi-io';
import type {
  Advice,
  DescriptorBackend,
  DescriptorFlags,
  DescriptorStat,
  DescriptorType,
  DirectoryEntryBackend,
  ErrorCode,
  Filesize,
  MetadataHashValue,
  NewTimestamp,
  OpenFlags,
  PathFlags,
} from './backend.js';
import { checkDatetime, checkOffset, datetimeFromNs, splitPath } from './paths.js';
import { Descriptor, filesystemError } from './types.js';
import { fail, needRight, checkOpenRights } from './rights.js';

const ERRNO_CODES: Record<string, ErrorCode> = {
  EACCES: 'access',
  EAGAIN: 'would-block',
  EALREADY: 'already',
  EBADF: 'bad-descriptor',
  EBUSY: 'busy',
  EDEADLK: 'deadlock',
  EDQUOT: 'quota',
  EEXIST: 'exist',
  EFBIG: 'file-too-large',
  EILSEQ: 'illegal-byte-sequence',
  EINPROGRESS: 'in-progress',
  EINTR: 'interrupted',
  EINVAL: 'invalid',
  EIO: 'io',
  EISDIR: 'is-directory',
  ELOOP: 'loop',
  EMLINK: 'too-many-links',
  EMSGSIZE: 'message-size',
  ENAMETOOLONG: 'name-too-long',
  ENODEV: 'no-device',
  ENOENT: 'no-entry',
  ENOLCK: 'no-lock',
  ENOMEM: 'insufficient-memory',
  ENOSPC: 'insufficient-space',
  ENOTDIR: 'not-directory',
  ENOTEMPTY: 'not-empty',
  ENOTRECOVERABLE: 'not-recoverable',
  ENOTSUP: 'unsupported',
  EOPNOTSUPP: 'unsupported',
  ENOSYS: 'unsupported',
  ENOTTY: 'no-tty',
  ENXIO: 'no-such-device',
  EOVERFLOW: 'overflow',
  EPERM: 'not-permitted',
  EPIPE: 'pipe',
  EROFS: 'read-only',
  ESPIPE: 'invalid-seek',
  ETXTBSY: 'text-file-busy',
  EXDEV: 'cross-device',
};

/** Runs a node:fs call, turning its errno into the WASI error code the guest expects. */
function host<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    if (typeof code === 'string') throw ERRNO_CODES[code] ?? 'io';
    throw e;
  }
}

function typeOf(st: fs.Stats | fs.BigIntStats | fs.Dirent): DescriptorType {
  if (st.isFile()) return 'regular-file';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symbolic-link';
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'character-device';
  if (st.isBlockDevice()) return 'block-device';
  return 'unknown';
}

function statOf(st: fs.BigIntStats): DescriptorStat {
  return {
    type: typeOf(st),
    linkCount: st.nlink,
    size: st.size,
    dataAccessTimestamp: datetimeFromNs(st.atimeNs),
    dataModificationTimestamp: datetimeFromNs(st.mtimeNs),
    statusChangeTimestamp: datetimeFromNs(st.ctimeNs),
  };
}

function hashOf(st: fs.BigIntStats): MetadataHashValue {
  const mask = 0xffffffffffffffffn;
  return {
    lower: (st.ino ^ (st.dev << 32n)) & mask,
    upper: (st.mtimeNs ^ (st.ctimeNs << 1n) ^ (st.size << 17n)) & mask,
  };
}

/** Seconds since the epoch as node:fs wants them, or undefined to keep the current value. */
function timeArg(ts: NewTimestamp, current: bigint): number {
  switch (ts?.tag) {
    case 'no-change':
      return Number(current) / 1e9;
    case 'now':
      return Date.now() / 1000;
    case 'timestamp': {
      const d = checkDatetime(ts.val);
      return Number(d.seconds) + d.nanoseconds / 1e9;
    }
    default:
      return fail('invalid');
  }
}

const closer = new FinalizationRegistry<number>((fd) => {
  try {
    fs.closeSync(fd);
  } catch {
    // The fd was already closed by an explicit drop.
  }
});

function within(real: string, root: string): boolean {
  return real === root || real.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * A host file or directory. Directories are kept by their real path, which is also the
 * sandbox every path resolved against them must stay inside; files by an open fd.
 */
class NodeDescriptor implements DescriptorBackend {
  readonly path: string;
  readonly #fd: number | undefined;
  readonly #flags: DescriptorFlags;
  #closed = false;

  constructor(path: string, fd: number | undefined, flags: DescriptorFlags) {
    this.path = path;
    this.#fd = fd;
    this.#flags = flags;
    if (fd !== undefined) closer.register(this, fd, this);
  }

  close(): void {
    if (this.#fd === undefined || this.#closed) return;
    this.#closed = true;
    closer.unregister(this);
    host(() => fs.closeSync(this.#fd!));
  }

  #dir(): string {
    if (this.#fd !== undefined) fail('not-directory');
    return this.path;
  }

  #file(): number {
    if (this.#fd === undefined) fail('is-directory');
    if (this.#closed) fail('bad-descriptor');
    return this.#fd;
  }

  #mutable(): string {
    const dir = this.#dir();
    needRight(this.#flags, 'mutateDirectory');
    return dir;
  }

  #readable(): number {
    const fd = this.#file();
    needRight(this.#flags, 'read');
    return fd;
  }

  #writable(): number {
    const fd = this.#file();
    needRight(this.#flags, 'write');
    return fd;
  }

  /**
   * The host path `path` names under this directory. Each existing component is checked:
   * a symbolic link is followed only to a real path inside this directory, otherwise the
   * path is `not-permitted`. The last component is followed only when `follow` is set.
   */
  #resolve(path: string, follow: boolean, root: string = this.#dir()): string {
    const { names, mustBeDirectory } = splitPath(path);
    let cur = root;
    for (let i = 0; i < names.length; i++) {
      const next = join(cur, names[i]!);
      const last = i === names.length - 1;
      let st: fs.Stats | undefined;
      try {
        st = fs.lstatSync(next);
      } catch {
        return join(next, ...names.slice(i + 1)) + (mustBeDirectory ? sep : '');
      }
      if (st.isSymbolicLink() && (!last || follow)) {
        const real = host(() => fs.realpathSync(next));
        if (!within(real, root)) fail('not-permitted');
        cur = real;
      } else {
        cur = next;
      }
    }
    return cur + (mustBeDirectory && names.length > 0 ? sep : '');
  }

  #isRoot(path: string): boolean {
    return splitPath(path).names.length === 0;
  }

  readViaStream(offset: Filesize): ByteSource {
    const fd = this.#readable();
    let pos = checkOffset(offset, 'read-via-stream offset');
    return {
      read: (max) => {
        const buf = new Uint8Array(Math.min(max, 1 << 20));
        let n: number;
        try {
          n = fs.readSync(fd, buf, 0, buf.length, pos);
        } catch (e) {
          throw filesystemError(ERRNO_CODES[(e as NodeJS.ErrnoException).code ?? ''] ?? 'io', String((e as Error).message));
        }
        if (n === 0) return null;
        pos += n;
        return buf.subarray(0, n);
      },
    };
  }

  #sink(position: () => number, advance: (n: number) => void): ByteSink {
    const fd = this.#writable();
    return {
      write: (bytes) => {
        try {
          let done = 0;
          while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done, position() + done);
          advance(done);
        } catch (e) {
          throw filesystemError(ERRNO_CODES[(e as NodeJS.ErrnoException).code ?? ''] ?? 'io', String((e as Error).message));
        }
      },
    };
  }

  writeViaStream(offset: Filesize): ByteSink {
    let pos = checkOffset(offset, 'write-via-stream offset');
    return this.#sink(
      () => pos,
      (n) => (pos += n),
    );
  }

  appendViaStream(): ByteSink {
    const fd = this.#writable();
    return this.#sink(
      () => fs.fstatSync(fd).size,
      () => undefined,
    );
  }

  advise(offset: Filesize, length: Filesize, _advice: Advice): void {
    this.#file();
    checkOffset(offset, 'advise offset');
    checkOffset(length, 'advise length');
  }

  syncData(): void {
    if (this.#fd === undefined) return;
    const fd = this.#file();
    host(() => fs.fdatasyncSync(fd));
  }

  sync(): void {
    if (this.#fd === undefined) return;
    const fd = this.#file();
    host(() => fs.fsyncSync(fd));
  }

  getFlags(): DescriptorFlags {
    return { ...this.#flags };
  }

  getType(): DescriptorType {
    return this.stat().type;
  }

  setSize(size: Filesize): void {
    const fd = this.#writable();
    const n = checkOffset(size, 'set-size size');
    host(() => fs.ftruncateSync(fd, n));
  }

  #bigStat(): fs.BigIntStats {
    return this.#fd === undefined ? host(() => fs.statSync(this.path, { bigint: true })) : host(() => fs.fstatSync(this.#file(), { bigint: true }));
  }

  setTimes(atime: NewTimestamp, mtime: NewTimestamp): void {
    const st = this.#bigStat();
    const a = timeArg(atime, st.atimeNs);
    const m = timeArg(mtime, st.mtimeNs);
    if (this.#fd === undefined) host(() => fs.utimesSync(this.path, a, m));
    else host(() => fs.futimesSync(this.#file(), a, m));
  }

  read(length: Filesize, offset: Filesize): [Uint8Array, boolean] {
    const fd = this.#readable();
    const len = Math.min(checkOffset(length, 'read length'), 1 << 24);
    const pos = checkOffset(offset, 'read offset');
    const buf = new Uint8Array(len);
    let n = 0;
    while (n < len) {
      const got = host(() => fs.readSync(fd, buf, n, len - n, pos + n));
      if (got === 0) break;
      n += got;
    }
    const size = Number(host(() => fs.fstatSync(fd)).size);
    return [buf.slice(0, n), pos + n >= size];
  }

  write(buffer: Uint8Array, offset: Filesize): Filesize {
    const fd = this.#writable();
    if (!(buffer instanceof Uint8Array)) throw new TypeError('write: buffer must be a Uint8Array');
    const pos = checkOffset(offset, 'write offset');
    return BigInt(host(() => fs.writeSync(fd, buffer, 0, buffer.length, pos)));
  }

  readDirectory(): DirectoryEntryBackend {
    const dir = this.#dir();
    if (!this.#flags.read) fail('not-permitted');
    const entries = host(() => fs.readdirSync(dir, { withFileTypes: true })).map((e) => ({ name: e.name, type: typeOf(e) }));
    let i = 0;
    return { next: () => entries[i++] };
  }

  createDirectoryAt(path: string): void {
    const target = this.#resolve(path, false, this.#mutable());
    host(() => fs.mkdirSync(target));
  }

  stat(): DescriptorStat {
    return statOf(this.#bigStat());
  }

  statAt(pathFlags: PathFlags, path: string): DescriptorStat {
    const target = this.#resolve(path, !!pathFlags.symlinkFollow);
    return statOf(host(() => fs.lstatSync(target, { bigint: true })));
  }

  setTimesAt(pathFlags: PathFlags, path: string, atime: NewTimestamp, mtime: NewTimestamp): void {
    const target = this.#resolve(path, !!pathFlags.symlinkFollow);
    const st = host(() => fs.lstatSync(target, { bigint: true }));
    const a = timeArg(atime, st.atimeNs);
    const m = timeArg(mtime, st.mtimeNs);
    host(() => (st.isSymbolicLink() ? fs.lutimesSync(target, a, m) : fs.utimesSync(target, a, m)));
  }

  linkAt(oldPathFlags: PathFlags, oldPath: string, newDescriptor: DescriptorBackend, newPath: string): void {
    if (!(newDescriptor instanceof NodeDescriptor)) fail('cross-device');
    const from = this.#resolve(oldPath, !!oldPathFlags.symlinkFollow, this.#mutable());
    const to = newDescriptor.#resolve(newPath, false, newDescriptor.#mutable());
    host(() => fs.linkSync(from, to));
  }

  symlinkAt(oldPath: string, newPath: string): void {
    // A link target is stored verbatim and followed later; one that could leave the sandbox is refused now.
    if (oldPath.startsWith('/')) fail('not-permitted');
    const to = this.#resolve(newPath, false, this.#mutable());
    const { names } = splitPath(newPath);
    splitPath([...names.slice(0, -1), oldPath].join('/'));
    host(() => fs.symlinkSync(oldPath, to));
  }

  readlinkAt(path: string): string {
    const target = this.#resolve(path, false);
    return host(() => fs.readlinkSync(target));
  }

  openAt(pathFlags: PathFlags, path: string, openFlags: OpenFlags, flags: DescriptorFlags): DescriptorBackend {
    const dir = this.#dir();
    checkOpenRights(this.#flags, openFlags, flags);
    if (openFlags.create && openFlags.directory) fail('invalid');
    const target = this.#resolve(path, !!pathFlags.symlinkFollow, dir);
    // Without symlink-follow a final link is neither entered nor opened (O_NOFOLLOW's ELOOP).
    const existing = (() => {
      try {
        return pathFlags.symlinkFollow ? fs.statSync(target) : fs.lstatSync(target);
      } catch {
        return undefined;
      }
    })();
    if (existing?.isSymbolicLink()) fail('loop');
    if (existing?.isDirectory()) {
      if (openFlags.create && openFlags.exclusive) fail('exist');
      if (flags.write || openFlags.truncate) fail('is-directory');
      return new NodeDescriptor(this.#isRoot(path) ? dir : host(() => fs.realpathSync(target)), undefined, { ...flags });
    }
    if (openFlags.directory) fail(existing === undefined ? 'no-entry' : 'not-directory');
    if (flags.mutateDirectory && existing !== undefined) fail('not-directory');
    const c = fs.constants;
    let mode = flags.write ? (flags.read ? c.O_RDWR : c.O_WRONLY) : c.O_RDONLY;
    if (openFlags.create) mode |= c.O_CREAT;
    if (openFlags.exclusive) mode |= c.O_EXCL;
    if (openFlags.truncate) mode |= c.O_TRUNC;
    if (!pathFlags.symlinkFollow) mode |= c.O_NOFOLLOW;
    if (flags.dataIntegritySync) mode |= c.O_DSYNC;
    if (flags.fileIntegritySync) mode |= c.O_SYNC;
    const fd = host(() => fs.openSync(target, mode, 0o666));
    return new NodeDescriptor(target, fd, { ...flags });
  }

  removeDirectoryAt(path: string): void {
    if (this.#isRoot(path)) fail('invalid');
    const target = this.#resolve(path, false, this.#mutable());
    host(() => fs.rmdirSync(target));
  }

  unlinkFileAt(path: string): void {
    if (this.#isRoot(path)) fail('is-directory');
    const target = this.#resolve(path, false, this.#mutable());
    if (host(() => fs.lstatSync(target)).isDirectory()) fail('is-directory');
    host(() => fs.unlinkSync(target));
  }

  renameAt(oldPath: string, newDescriptor: DescriptorBackend, newPath: string): void {
    if (!(newDescriptor instanceof NodeDescriptor)) fail('cross-device');
    const from = this.#resolve(oldPath, false, this.#mutable());
    const to = newDescriptor.#resolve(newPath, false, newDescriptor.#mutable());
    if (this.#isRoot(oldPath) || newDescriptor.#isRoot(newPath)) fail('busy');
    host(() => fs.renameSync(from, to));
  }

  isSameObject(other: DescriptorBackend): boolean {
    if (!(other instanceof NodeDescriptor)) return false;
    const a = this.#bigStat();
    const b = other.#bigStat();
    return a.ino === b.ino && a.dev === b.dev;
  }

  metadataHash(): MetadataHashValue {
    return hashOf(this.#bigStat());
  }

  metadataHashAt(pathFlags: PathFlags, path: string): MetadataHashValue {
    const target = this.#resolve(path, !!pathFlags.symlinkFollow);
    return hashOf(host(() => fs.lstatSync(target, { bigint: true })));
  }
}

export interface NodeDirectoryOptions {
  /** Give the guest read access only: no writes, creates, renames or removals. */
  readOnly?: boolean;
}

/**
 * A host directory as a directory `Descriptor` for `setPreopens`. The guest can reach
 * nothing outside it: not by `..`, absolute paths, nor symbolic links pointing out.
 */
export function openNodeDirectory(hostPath: string, opts: NodeDirectoryOptions = {}): Descriptor {
  let real: string;
  try {
    real = fs.realpathSync(hostPath);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (e as Error).message;
    throw new Error(`cannot open directory ${hostPath}: ${why}`);
  }
  if (!fs.statSync(real).isDirectory()) throw new Error(`cannot open directory ${hostPath}: not a directory`);
  return new Descriptor(new NodeDescriptor(real, undefined, { read: true, mutateDirectory: !opts.readOnly }));
}
