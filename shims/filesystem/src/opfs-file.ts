import type { ErrorCode, MaybeAsync } from './backend.js';
import { fail } from './rights.js';

/** The OPFS surface the DOM typings in use lack (sync access handles, `move`, directory iteration). */
export interface SyncAccessHandle {
  read(buffer: Uint8Array, opts: { at: number }): number;
  write(buffer: Uint8Array, opts: { at: number }): number;
  truncate(size: number): void;
  getSize(): number;
  flush(): void;
  close(): void;
}

export type FileHandle = FileSystemFileHandle & {
  createSyncAccessHandle?(): Promise<SyncAccessHandle>;
  move?(parent: FileSystemDirectoryHandle, name: string): Promise<void>;
};

export type DirHandle = FileSystemDirectoryHandle & {
  entries(): AsyncIterable<[string, FileSystemHandle]>;
  resolve(possibleDescendant: FileSystemHandle): Promise<string[] | null>;
  move?(parent: FileSystemDirectoryHandle, name: string): Promise<void>;
};

const DOM_CODES: Record<string, ErrorCode> = {
  NotFoundError: 'no-entry',
  TypeMismatchError: 'not-directory',
  NoModificationAllowedError: 'busy',
  InvalidModificationError: 'not-empty',
  QuotaExceededError: 'insufficient-space',
  NotAllowedError: 'access',
  SecurityError: 'access',
  TypeError: 'invalid',
  NotSupportedError: 'unsupported',
};

/** The WASI error code for what an OPFS call threw; an ErrorCode thrown by our own checks passes through. */
export function errorCode(e: unknown): ErrorCode {
  if (typeof e === 'string') return e as ErrorCode;
  const name = (e as { name?: unknown })?.name;
  return (typeof name === 'string' && DOM_CODES[name]) || 'io';
}

/** Awaits an OPFS call, rejecting with the WASI error code instead of a DOMException. */
export async function host<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw errorCode(e);
  }
}

/** Where a write lands: a byte offset, or the end of the file at the moment the write happens. */
export type WritePosition = number | 'end';

export interface FileInfo {
  size: number;
  lastModified: number;
}

/**
 * One OPFS file as every open descriptor of it shares it. OPFS allows one sync access
 * handle per file, and separate writable streams on one file each commit their own copy
 * (the last close wins, losing the others' writes), so descriptors of the same file must
 * share one of either.
 */
export abstract class OpenFile {
  handle: FileHandle;
  /** Size including writes not yet committed. */
  size: number;
  refs = 0;
  /** Removed or replaced: a new open of its path gets a fresh OpenFile. */
  detached = false;

  constructor(handle: FileHandle, size: number) {
    this.handle = handle;
    this.size = size;
  }

  abstract readAt(pos: number, len: number): MaybeAsync<Uint8Array>;
  abstract writeAt(bytes: Uint8Array, at: WritePosition): MaybeAsync<void>;
  abstract truncate(size: number): MaybeAsync<void>;
  /** Make every write so far durable and visible to `getFile()`. */
  abstract commit(): MaybeAsync<void>;
  abstract info(): Promise<FileInfo>;
  /** Commit what is pending, for a host that wants to look at the file another way. */
  abstract flush(): Promise<void>;
  /** Resolves once earlier work (a commit started by a drop) is done; rejects if it failed. */
  abstract settled(): Promise<void>;
  /**
   * Run `fn` with no writer or access handle open on the file, since OPFS refuses
   * `removeEntry` and `move` on a locked file. With `reopen` the file is opened again
   * afterwards (at its new path after a move); without, it stays closed and its
   * descriptors fail with `no-entry`.
   */
  abstract unlocked<T>(fn: () => Promise<T>, reopen: boolean): Promise<T>;
  /** The last descriptor was dropped. */
  protected abstract release(): void;

  retain(): void {
    this.refs++;
  }

  drop(): void {
    if (--this.refs === 0) this.release();
  }

  detach(): void {
    this.detached = true;
    unregister(this);
  }
}

/** Largest single read: a guest asking for more gets this much and asks again. */
export const MAX_READ = 1 << 24;

/** A dedicated worker's path: one sync access handle, read and written synchronously. */
export class SyncOpenFile extends OpenFile {
  #access: SyncAccessHandle | undefined;

  private constructor(handle: FileHandle, access: SyncAccessHandle) {
    super(handle, access.getSize());
    this.#access = access;
  }

  static async open(handle: FileHandle): Promise<SyncOpenFile> {
    return new SyncOpenFile(handle, await host(() => handle.createSyncAccessHandle!()));
  }

  readAt(pos: number, len: number): Uint8Array {
    const n = Math.max(0, Math.min(len, MAX_READ, this.size - pos));
    const buf = new Uint8Array(n);
    if (n === 0) return buf;
    const got = sync(() => this.#handle().read(buf, { at: pos }));
    return got === n ? buf : buf.subarray(0, got);
  }

  writeAt(bytes: Uint8Array, at: WritePosition): void {
    const pos = at === 'end' ? this.size : at;
    let done = 0;
    while (done < bytes.length) {
      const n = sync(() => this.#handle().write(bytes.subarray(done), { at: pos + done }));
      if (n <= 0) throw 'insufficient-space' satisfies ErrorCode;
      done += n;
    }
    this.size = Math.max(this.size, pos + done);
  }

  truncate(size: number): void {
    sync(() => this.#handle().truncate(size));
    this.size = size;
  }

  commit(): void {
    sync(() => this.#handle().flush());
  }

  async info(): Promise<FileInfo> {
    const file = await host(() => this.handle.getFile());
    return { size: this.size, lastModified: file.lastModified };
  }

  #handle(): SyncAccessHandle {
    return this.#access ?? fail('no-entry');
  }

  async flush(): Promise<void> {
    this.#access?.flush();
  }

  async settled(): Promise<void> {}

  async unlocked<T>(fn: () => Promise<T>, reopen: boolean): Promise<T> {
    this.#access?.close();
    this.#access = undefined;
    let done = false;
    try {
      const result = await fn();
      done = true;
      return result;
    } finally {
      if (reopen || !done) this.#access = await host(() => this.handle.createSyncAccessHandle!());
    }
  }

  protected release(): void {
    this.#access?.close();
    this.#access = undefined;
    unregister(this);
  }
}

function sync<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw errorCode(e);
  }
}

/** Bytes acknowledged to the guest but not yet written, before `write` makes it wait. */
const WRITE_BEHIND = 1 << 20;
/** Reads fetch at least this much: every `File.slice` read is a round trip to the browser process. */
const READ_AHEAD = 1 << 20;
/**
 * A file nobody has written to for a while is committed, so a guest that exits without
 * closing its files (libc flushes its buffers at exit but closes nothing) still leaves them
 * on disk. The wait grows with the file: after a commit the next write copies the whole
 * file again, and waiting ten times as long as such a copy takes (at about 100 MB/s) keeps
 * a guest that writes in bursts from spending more than a tenth of its time copying.
 */
function idleCommitMs(size: number): number {
  return 200 + (size / 100_000) * 10;
}
/** Most bytes of uncommitted writes kept to answer reads with; past it a read commits first. */
const OVERLAY_MAX = 8 << 20;

/** What the open writer has done to the file since its last commit, in order. */
type Change = { pos: number; bytes: Uint8Array } | { truncate: number };

/** Lays `change` over `out`, which holds the file's bytes from `pos`. */
function apply(out: Uint8Array, pos: number, change: Change): void {
  const end = pos + out.length;
  if ('truncate' in change) {
    if (change.truncate < end) out.fill(0, Math.max(0, change.truncate - pos));
    return;
  }
  const from = Math.max(pos, change.pos);
  const to = Math.min(end, change.pos + change.bytes.length);
  if (from < to) out.set(change.bytes.subarray(from - change.pos, to - change.pos), from - pos);
}

/**
 * The path outside a dedicated worker: one `FileSystemWritableFileStream` while there are
 * uncommitted writes, committed (closed) before anything reads the file, on sync, and when
 * the last descriptor is dropped. Every operation runs in order on one queue, so a read or
 * an open after a drop waits for that drop's commit.
 *
 * Like an OS page cache, `write` is acknowledged once queued (up to WRITE_BEHIND bytes
 * pending), and reads are served from a read-ahead buffer of the committed contents with the
 * uncommitted writes laid over it (up to OVERLAY_MAX bytes of them, else a read commits
 * first). A failure nobody was waiting for (a queued write, a commit started by a drop) is
 * reported by the next operation on the file.
 */
export class StreamOpenFile extends OpenFile {
  #queue: Promise<unknown> = Promise.resolve();
  #writable: FileSystemWritableFileStream | undefined;
  /** The committed contents: a `getFile()` snapshot goes stale at a commit, so it is dropped then. */
  #snapshot: File | undefined;
  #readAhead: { pos: number; bytes: Uint8Array } | undefined;
  /** Undefined once they pass OVERLAY_MAX bytes. */
  #changes: Change[] | undefined = [];
  #changeBytes = 0;
  #late: ErrorCode | undefined;
  #behind = 0;
  /** When the open writer last changed the file (`Date.now()`), for stats before its commit. */
  #writtenAt = 0;
  #idleCommit: ReturnType<typeof setTimeout> | undefined;
  /** Removed or replaced by an unlink or rename: there is nothing left to read or write. */
  #gone = false;

  private constructor(handle: FileHandle, file: File) {
    super(handle, file.size);
    this.#snapshot = file;
  }

  static async open(handle: FileHandle): Promise<StreamOpenFile> {
    return new StreamOpenFile(handle, await host(() => handle.getFile()));
  }

  #reportLate(): void {
    const late = this.#late;
    this.#late = undefined;
    if (late !== undefined) throw late;
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => {
      if (this.#gone) fail('no-entry');
      this.#reportLate();
      return host(fn);
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #commitNow(): Promise<void> {
    const w = this.#writable;
    if (w === undefined) return;
    this.#writable = undefined;
    this.#changes = [];
    this.#changeBytes = 0;
    this.#forgetCommitted();
    await w.close();
  }

  #forgetCommitted(): void {
    this.#snapshot = undefined;
    this.#readAhead = undefined;
  }

  async #committed(): Promise<File> {
    if (this.#snapshot === undefined) {
      this.#snapshot = await this.handle.getFile();
      if (this.#writable === undefined) this.size = this.#snapshot.size;
    }
    return this.#snapshot;
  }

  async #file(): Promise<File> {
    await this.#commitNow();
    return this.#committed();
  }

  #record(change: Change, bytes: number): void {
    if (this.#changes === undefined) return;
    this.#changeBytes += bytes;
    if (this.#changeBytes > OVERLAY_MAX) this.#changes = undefined;
    else this.#changes.push(change);
  }

  /**
   * The open writable stream. Chromium starts a new one with a copy of the whole file (its
   * swap file), unless it is told the contents go anyway (`keepExistingData: false`).
   */
  async #writer(keepExistingData = true): Promise<FileSystemWritableFileStream> {
    this.#writtenAt = Date.now();
    return (this.#writable ??= await this.handle.createWritable({ keepExistingData }));
  }

  #commitWhenIdle(): void {
    clearTimeout(this.#idleCommit);
    this.#idleCommit = setTimeout(() => {
      this.#idleCommit = undefined;
      if (this.#writable !== undefined) this.#commitLater();
    }, idleCommitMs(this.size));
  }

  /** A commit nobody waits for: its failure is reported by the next operation on the file. */
  #commitLater(): Promise<void> {
    return this.#serial(() => this.#commitNow()).then(
      () => undefined,
      (code: ErrorCode) => {
        this.#late ??= code;
      },
    );
  }

  readAt(pos: number, len: number): Promise<Uint8Array> {
    return this.#serial(async () => {
      if (this.#writable !== undefined && this.#changes === undefined) await this.#commitNow();
      const base = await this.#committed();
      const changes = this.#writable === undefined ? undefined : this.#changes;
      const end = Math.min(changes ? this.size : base.size, pos + Math.min(len, MAX_READ));
      if (pos >= end) return new Uint8Array(0);
      if (changes === undefined) return this.#readCommitted(base, pos, end);
      const out = new Uint8Array(end - pos);
      const have = Math.min(end, base.size);
      if (pos < have) out.set(await this.#readCommitted(base, pos, have));
      for (const change of changes) apply(out, pos, change);
      return out;
    });
  }

  async #readCommitted(file: File, pos: number, end: number): Promise<Uint8Array> {
    const ahead = this.#readAhead;
    if (ahead && pos >= ahead.pos && end <= ahead.pos + ahead.bytes.length) return ahead.bytes.slice(pos - ahead.pos, end - ahead.pos);
    if (end - pos >= READ_AHEAD) return new Uint8Array(await file.slice(pos, end).arrayBuffer());
    const bytes = new Uint8Array(await file.slice(pos, Math.min(file.size, pos + READ_AHEAD)).arrayBuffer());
    this.#readAhead = { pos, bytes };
    return bytes.slice(0, end - pos);
  }

  /**
   * A write on the queue, settling when it has landed; `bytes` must not change until then.
   * The queue moves on once the write is handed to the writable stream, which keeps writes
   * in order and lets several be on their way at once; a commit (close) waits for them all.
   */
  queueWrite(bytes: Uint8Array, at: WritePosition): Promise<void> {
    this.#commitWhenIdle();
    let landed: Promise<void> | undefined;
    const handed = this.#serial(async () => {
      const w = await this.#writer();
      const position = at === 'end' ? this.size : at;
      this.size = Math.max(this.size, position + bytes.length);
      this.#record({ pos: position, bytes }, bytes.length);
      landed = w.write({ type: 'write', position, data: bytes as Uint8Array<ArrayBuffer> });
      landed.catch(() => undefined);
    });
    return handed.then(() => host(() => landed!));
  }

  writeAt(bytes: Uint8Array, at: WritePosition): MaybeAsync<void> {
    this.#reportLate();
    const n = bytes.length;
    this.#behind += n;
    const landed = this.queueWrite(bytes.slice(), at).then(
      () => {
        this.#behind -= n;
      },
      (code: ErrorCode) => {
        this.#behind -= n;
        this.#late ??= code;
      },
    );
    if (this.#behind > WRITE_BEHIND) return landed.then(() => this.#reportLate());
  }

  truncate(size: number): Promise<void> {
    this.#commitWhenIdle();
    return this.#serial(async () => {
      const w = await this.#writer(size > 0);
      this.#record({ truncate: size }, 0);
      await w.truncate(size);
      this.size = size;
    });
  }

  commit(): Promise<void> {
    return this.#serial(() => this.#commitNow());
  }

  info(): Promise<FileInfo> {
    return this.#serial(async () => {
      // Uncommitted writes are answered from what the queue knows: committing for a stat
      // would make the next write copy the whole file again.
      if (this.#writable !== undefined) return { size: this.size, lastModified: this.#writtenAt };
      const file = await this.#file();
      return { size: file.size, lastModified: file.lastModified };
    });
  }

  flush(): Promise<void> {
    return this.commit();
  }

  settled(): Promise<void> {
    return this.#serial(async () => undefined);
  }

  unlocked<T>(fn: () => Promise<T>, reopen: boolean): Promise<T> {
    return this.#serial(async () => {
      await this.#commitNow();
      this.#forgetCommitted();
      const result = await fn();
      if (!reopen) this.#gone = true;
      return result;
    });
  }

  protected release(): void {
    if (this.#gone) return;
    clearTimeout(this.#idleCommit);
    // Dropping is synchronous: the commit runs on the queue, where later opens of this file wait for it.
    void this.#commitLater();
    void this.#queue.then(() => {
      if (this.refs === 0 && this.#late === undefined) unregister(this);
    });
  }
}

/** Files with open descriptors (or a pending commit), by name; the same entry is found with `isSameEntry`. */
const registry = new Map<string, OpenFile[]>();

function unregister(f: OpenFile): void {
  for (const [name, list] of registry) {
    const i = list.indexOf(f);
    if (i < 0) continue;
    list.splice(i, 1);
    if (list.length === 0) registry.delete(name);
    return;
  }
}

function register(f: OpenFile): void {
  const list = registry.get(f.handle.name);
  if (list) list.push(f);
  else registry.set(f.handle.name, [f]);
}

/** The shared state of `handle` if some descriptor has it open or its commit is pending. */
export async function findOpen(handle: FileSystemFileHandle): Promise<OpenFile | undefined> {
  for (const f of registry.get(handle.name) ?? []) {
    if (!f.detached && (await f.handle.isSameEntry(handle))) return f;
  }
  return undefined;
}

/**
 * Commit every open file's pending writes, and wait for the commits that dropped
 * descriptors started. Rejects naming the first file that failed.
 */
export async function flushOpenFiles(): Promise<void> {
  const files = [...registry.values()].flat();
  const results = await Promise.allSettled(files.map((f) => f.flush()));
  const i = results.findIndex((r) => r.status === 'rejected');
  if (i >= 0) throw new Error(`cannot commit ${files[i]!.handle.name}: ${String((results[i] as PromiseRejectedResult).reason)}`);
}

/** Files with descriptors or pending commits anywhere under `dir`. */
export async function openFilesUnder(dir: DirHandle): Promise<OpenFile[]> {
  const under: OpenFile[] = [];
  for (const f of [...registry.values()].flat()) {
    if (!f.detached && (await dir.resolve(f.handle)) !== null) under.push(f);
  }
  return under;
}

/** After `move` renamed `f`'s handle, find it under its new name. */
export function renamed(f: OpenFile, handle: FileHandle): void {
  unregister(f);
  f.handle = handle;
  register(f);
}

/** Whether this thread's engine grants sync access handles; asked once. */
let syncAccess: Promise<boolean> | undefined;

/**
 * Sync access handles exist only in dedicated workers, and some engines that have the method
 * refuse every handle (WebKitGTK rejects with `NotSupportedError`). A refused file then
 * refuses writable streams too, so the question is put to a scratch file in the OPFS root,
 * removed again, never to a file the guest uses.
 */
async function probeSyncAccess(): Promise<boolean> {
  const proto = (globalThis as { FileSystemFileHandle?: { prototype: FileHandle } }).FileSystemFileHandle?.prototype;
  if (typeof proto?.createSyncAccessHandle !== 'function') return false;
  try {
    const root = await navigator.storage.getDirectory();
    const name = `.weft-sync-access-probe-${Math.random().toString(36).slice(2)}`;
    const scratch = (await root.getFileHandle(name, { create: true })) as FileHandle;
    try {
      (await scratch.createSyncAccessHandle!()).close();
      return true;
    } catch {
      return false;
    } finally {
      await root.removeEntry(name).catch(() => undefined);
    }
  } catch {
    return false;
  }
}

/**
 * The fast path where sync access handles work, else writable streams as on a main thread:
 * the component needs an async mode either way (opening is asynchronous).
 */
async function openFile(handle: FileHandle): Promise<OpenFile> {
  return (await (syncAccess ??= probeSyncAccess())) ? SyncOpenFile.open(handle) : StreamOpenFile.open(handle);
}

let opening: Promise<unknown> = Promise.resolve();

/**
 * Open `handle` for one more descriptor, once a commit its last drop started is done. Opens
 * run one at a time so two opens of the same file cannot both miss the registry and create
 * two writers.
 */
export async function acquire(handle: FileHandle): Promise<OpenFile> {
  const next = opening.then(async () => {
    let f = await findOpen(handle);
    if (f === undefined) {
      f = await openFile(handle);
      register(f);
    }
    f.retain();
    return f;
  });
  opening = next.catch(() => undefined);
  const f = await next;
  try {
    await f.settled();
  } catch (e) {
    f.drop();
    throw e;
  }
  return f;
}
