import type { ByteSink, ByteSource } from '@weft/wasi-io';
import type {
  Advice,
  Datetime,
  DescriptorBackend,
  DescriptorFlags,
  DescriptorStat,
  DescriptorType,
  DirectoryEntryBackend,
  Filesize,
  MetadataHashValue,
  NewTimestamp,
  OpenFlags,
  PathFlags,
} from './backend.js';
import { checkDatetime, checkOffset, datetimeFromMs, splitPath } from './paths.js';
import { Descriptor } from './types.js';
import { fail, needRight, checkOpenRights } from './rights.js';

interface Times {
  atime: Datetime;
  mtime: Datetime;
  ctime: Datetime;
}

interface FileNode extends Times {
  kind: 'file';
  id: number;
  data: Uint8Array;
  size: number;
}

interface DirNode extends Times {
  kind: 'dir';
  id: number;
  entries: Map<string, Node>;
}

type Node = FileNode | DirNode;

function now(): Datetime {
  return datetimeFromMs(Date.now());
}

/** One in-memory tree; node ids are unique within it, which is what metadata hashes rely on. */
class Tree {
  #nextId = 1;

  dir(): DirNode {
    const t = now();
    return { kind: 'dir', id: this.#nextId++, entries: new Map(), atime: t, mtime: t, ctime: t };
  }

  file(): FileNode {
    const t = now();
    return { kind: 'file', id: this.#nextId++, data: new Uint8Array(0), size: 0, atime: t, mtime: t, ctime: t };
  }
}

function typeOf(node: Node): DescriptorType {
  return node.kind === 'dir' ? 'directory' : 'regular-file';
}

function touch(node: Node): void {
  const t = now();
  node.mtime = t;
  node.ctime = t;
}

function resize(file: FileNode, size: number): void {
  if (size > file.data.length) {
    const grown = new Uint8Array(Math.max(size, file.data.length * 2, 64));
    grown.set(file.data.subarray(0, file.size));
    file.data = grown;
  } else if (size < file.size) {
    file.data.fill(0, size, file.size);
  }
  file.size = size;
}

function writeAt(file: FileNode, bytes: Uint8Array, offset: number): void {
  const end = offset + bytes.length;
  if (end > file.size) resize(file, end);
  file.data.set(bytes, offset);
  touch(file);
}

function stamp(ts: NewTimestamp, current: Datetime): Datetime {
  switch (ts?.tag) {
    case 'no-change':
      return current;
    case 'now':
      return now();
    case 'timestamp':
      return checkDatetime(ts.val);
    default:
      return fail('invalid');
  }
}

/** A node reached by a path: the directory holding it and its name, unless it is the start directory. */
interface Located {
  parent: DirNode | undefined;
  name: string;
  node: Node | undefined;
}

class MemoryDescriptor implements DescriptorBackend {
  readonly #tree: Tree;
  readonly node: Node;
  readonly #flags: DescriptorFlags;

  constructor(tree: Tree, node: Node, flags: DescriptorFlags) {
    this.#tree = tree;
    this.node = node;
    this.#flags = flags;
  }

  #dir(): DirNode {
    return this.node.kind === 'dir' ? this.node : fail('not-directory');
  }

  #file(): FileNode {
    return this.node.kind === 'file' ? this.node : fail('is-directory');
  }

  #mutable(): DirNode {
    const dir = this.#dir();
    needRight(this.#flags, 'mutateDirectory');
    return dir;
  }

  #locate(path: string, from: DirNode = this.#dir()): Located {
    const { names, mustBeDirectory } = splitPath(path);
    if (names.length === 0) return { parent: undefined, name: '.', node: from };
    let dir = from;
    for (const name of names.slice(0, -1)) {
      const next = dir.entries.get(name);
      if (next === undefined) fail('no-entry');
      if (next.kind !== 'dir') fail('not-directory');
      dir = next;
    }
    const name = names[names.length - 1]!;
    const node = dir.entries.get(name);
    if (mustBeDirectory && node !== undefined && node.kind !== 'dir') fail('not-directory');
    return { parent: dir, name, node };
  }

  #existing(path: string): Node {
    return this.#locate(path).node ?? fail('no-entry');
  }

  #readable(): FileNode {
    const file = this.#file();
    needRight(this.#flags, 'read');
    return file;
  }

  #writable(): FileNode {
    const file = this.#file();
    needRight(this.#flags, 'write');
    return file;
  }

  readViaStream(offset: Filesize): ByteSource {
    const file = this.#readable();
    let pos = checkOffset(offset, 'read-via-stream offset');
    return {
      read: (max) => {
        if (pos >= file.size) return null;
        const chunk = file.data.slice(pos, Math.min(file.size, pos + max));
        pos += chunk.length;
        file.atime = now();
        return chunk;
      },
    };
  }

  writeViaStream(offset: Filesize): ByteSink {
    const file = this.#writable();
    let pos = checkOffset(offset, 'write-via-stream offset');
    return {
      write: (bytes) => {
        writeAt(file, bytes, pos);
        pos += bytes.length;
      },
    };
  }

  appendViaStream(): ByteSink {
    const file = this.#writable();
    return { write: (bytes) => writeAt(file, bytes, file.size) };
  }

  advise(offset: Filesize, length: Filesize, _advice: Advice): void {
    this.#file();
    checkOffset(offset, 'advise offset');
    checkOffset(length, 'advise length');
  }

  syncData(): void {}

  sync(): void {}

  getFlags(): DescriptorFlags {
    return { ...this.#flags };
  }

  getType(): DescriptorType {
    return typeOf(this.node);
  }

  setSize(size: Filesize): void {
    const file = this.#writable();
    resize(file, checkOffset(size, 'set-size size'));
    touch(file);
  }

  setTimes(atime: NewTimestamp, mtime: NewTimestamp): void {
    this.node.atime = stamp(atime, this.node.atime);
    this.node.mtime = stamp(mtime, this.node.mtime);
    this.node.ctime = now();
  }

  read(length: Filesize, offset: Filesize): [Uint8Array, boolean] {
    const file = this.#readable();
    const len = checkOffset(length, 'read length');
    const pos = checkOffset(offset, 'read offset');
    if (pos >= file.size) return [new Uint8Array(0), true];
    const end = Math.min(file.size, pos + len);
    file.atime = now();
    return [file.data.slice(pos, end), end >= file.size];
  }

  write(buffer: Uint8Array, offset: Filesize): Filesize {
    const file = this.#writable();
    if (!(buffer instanceof Uint8Array)) throw new TypeError('write: buffer must be a Uint8Array');
    writeAt(file, buffer, checkOffset(offset, 'write offset'));
    return BigInt(buffer.length);
  }

  readDirectory(): DirectoryEntryBackend {
    const dir = this.#dir();
    if (!this.#flags.read) fail('not-permitted');
    const entries = [...dir.entries].map(([name, node]) => ({ name, type: typeOf(node) }));
    let i = 0;
    return { next: () => entries[i++] };
  }

  createDirectoryAt(path: string): void {
    const { parent, name, node } = this.#locate(path, this.#mutable());
    if (node !== undefined) fail('exist');
    parent!.entries.set(name, this.#tree.dir());
    touch(parent!);
  }

  stat(): DescriptorStat {
    return statOf(this.node);
  }

  statAt(_pathFlags: PathFlags, path: string): DescriptorStat {
    return statOf(this.#existing(path));
  }

  setTimesAt(_pathFlags: PathFlags, path: string, atime: NewTimestamp, mtime: NewTimestamp): void {
    const node = this.#existing(path);
    node.atime = stamp(atime, node.atime);
    node.mtime = stamp(mtime, node.mtime);
    node.ctime = now();
  }

  linkAt(): void {
    fail('unsupported');
  }

  symlinkAt(): void {
    fail('unsupported');
  }

  readlinkAt(path: string): string {
    this.#existing(path);
    return fail('invalid');
  }

  openAt(_pathFlags: PathFlags, path: string, openFlags: OpenFlags, flags: DescriptorFlags): DescriptorBackend {
    const dir = this.#dir();
    checkOpenRights(this.#flags, openFlags, flags);
    if (openFlags.create && openFlags.directory) fail('invalid');
    let { parent, name, node } = this.#locate(path, dir);
    if (node === undefined) {
      if (!openFlags.create) fail('no-entry');
      if (splitPath(path).mustBeDirectory) fail('is-directory');
      node = this.#tree.file();
      parent!.entries.set(name, node);
      touch(parent!);
    } else if (openFlags.create && openFlags.exclusive) {
      fail('exist');
    }
    if (node.kind === 'dir') {
      if (flags.write || openFlags.truncate) fail('is-directory');
    } else {
      if (openFlags.directory) fail('not-directory');
      if (flags.mutateDirectory) fail('not-directory');
      if (openFlags.truncate) {
        resize(node, 0);
        touch(node);
      }
    }
    return new MemoryDescriptor(this.#tree, node, { ...flags });
  }

  removeDirectoryAt(path: string): void {
    const { parent, name, node } = this.#locate(path, this.#mutable());
    if (node === undefined) fail('no-entry');
    if (parent === undefined) fail('invalid');
    if (node.kind !== 'dir') fail('not-directory');
    if (node.entries.size > 0) fail('not-empty');
    parent.entries.delete(name);
    touch(parent);
  }

  unlinkFileAt(path: string): void {
    const { parent, name, node } = this.#locate(path, this.#mutable());
    if (node === undefined) fail('no-entry');
    if (parent === undefined || node.kind === 'dir') fail('is-directory');
    if (splitPath(path).mustBeDirectory) fail('not-directory');
    parent.entries.delete(name);
    touch(parent);
  }

  renameAt(oldPath: string, newDescriptor: DescriptorBackend, newPath: string): void {
    if (!(newDescriptor instanceof MemoryDescriptor) || newDescriptor.#tree !== this.#tree) fail('cross-device');
    const from = this.#locate(oldPath, this.#mutable());
    const to = newDescriptor.#locate(newPath, newDescriptor.#mutable());
    if (from.node === undefined) fail('no-entry');
    if (from.parent === undefined || to.parent === undefined) fail('busy');
    if (from.node === to.node) return;
    if (from.node.kind === 'dir') {
      if (contains(from.node, to.parent)) fail('invalid');
      if (to.node !== undefined && to.node.kind !== 'dir') fail('not-directory');
      if (to.node !== undefined && to.node.entries.size > 0) fail('not-empty');
    } else if (to.node?.kind === 'dir') {
      fail('is-directory');
    }
    from.parent.entries.delete(from.name);
    to.parent.entries.set(to.name, from.node);
    touch(from.parent);
    touch(to.parent);
    from.node.ctime = now();
  }

  isSameObject(other: DescriptorBackend): boolean {
    return other instanceof MemoryDescriptor && other.node === this.node;
  }

  metadataHash(): MetadataHashValue {
    return hashOf(this.node);
  }

  metadataHashAt(_pathFlags: PathFlags, path: string): MetadataHashValue {
    return hashOf(this.#existing(path));
  }
}

function contains(dir: DirNode, target: DirNode): boolean {
  if (dir === target) return true;
  for (const child of dir.entries.values()) {
    if (child.kind === 'dir' && contains(child, target)) return true;
  }
  return false;
}

function statOf(node: Node): DescriptorStat {
  return {
    type: typeOf(node),
    linkCount: 1n,
    size: BigInt(node.kind === 'file' ? node.size : node.entries.size),
    dataAccessTimestamp: { ...node.atime },
    dataModificationTimestamp: { ...node.mtime },
    statusChangeTimestamp: { ...node.ctime },
  };
}

/** Identity in the low half, last change in the high half: equal only for the same, unchanged node. */
function hashOf(node: Node): MetadataHashValue {
  const changed = node.ctime.seconds * 1_000_000_000n + BigInt(node.ctime.nanoseconds);
  const modified = node.mtime.seconds * 1_000_000_000n + BigInt(node.mtime.nanoseconds);
  const size = BigInt(node.kind === 'file' ? node.size : node.entries.size);
  return {
    lower: BigInt(node.id),
    upper: (changed ^ (modified << 1n) ^ (size << 17n)) & 0xffffffffffffffffn,
  };
}

export interface MemoryDirectoryOptions {
  /** Files to create up front, by relative path (`a/b.txt`); parent directories are made as needed. */
  files?: Record<string, string | Uint8Array>;
  /** Give the guest read access only: no writes, creates, renames or removals. */
  readOnly?: boolean;
}

/**
 * A fresh in-memory directory tree, as a directory `Descriptor` ready for
 * `setPreopens([[dir, '/tmp']])`. Works the same in browsers and Node.
 */
export function createMemoryDirectory(opts: MemoryDirectoryOptions = {}): Descriptor {
  const tree = new Tree();
  const root = tree.dir();
  const setup = new MemoryDescriptor(tree, root, { read: true, write: false, mutateDirectory: true });
  for (const [path, contents] of Object.entries(opts.files ?? {})) {
    const names = splitPath(path).names;
    if (names.length === 0) throw new TypeError(`createMemoryDirectory: ${JSON.stringify(path)} names no file`);
    let dir = root;
    for (const name of names.slice(0, -1)) {
      let next = dir.entries.get(name);
      if (next === undefined) dir.entries.set(name, (next = tree.dir()));
      if (next.kind !== 'dir') throw new TypeError(`createMemoryDirectory: ${JSON.stringify(path)} runs through a file`);
      dir = next;
    }
    const bytes = typeof contents === 'string' ? new TextEncoder().encode(contents) : contents;
    const file = setup.openAt({}, names.join('/'), { create: true, truncate: true }, { write: true });
    file.write!(bytes, 0n);
  }
  return new Descriptor(new MemoryDescriptor(tree, root, { read: true, mutateDirectory: !opts.readOnly }));
}
