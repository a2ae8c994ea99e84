/**
 * A content-addressed cache for slow rewrites of core modules: in memory for the process,
 * and on disk where there is one (Node). Output depends only on the input bytes and `key`.
 */
const memory = new Map<string, Promise<Uint8Array>>();

async function digest(bytes: Uint8Array, key: string[]): Promise<string> {
  const text = new TextEncoder().encode(key.join('\0'));
  const all = new Uint8Array(bytes.length + 1 + text.length);
  all.set(bytes);
  all.set(text, bytes.length + 1);
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', all));
  return [...hash].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The name an entry's file has in a cache folder, without its suffix (`.wasm`, `.json`). */
export async function entryId(kind: string, bytes: Uint8Array, key: string[]): Promise<string> {
  return `${kind}-${await digest(bytes, key)}`;
}

/** The default cache folder: `$WEFT_CACHE_DIR`, else `~/.cache/weft`; none outside Node. */
export async function defaultCacheDir(): Promise<string | false> {
  if (typeof process !== 'object' || !process.versions?.node) return false;
  const { homedir } = await import('node:os');
  const { join } = await import('node:path');
  return process.env.WEFT_CACHE_DIR || join(homedir(), '.cache', 'weft');
}

export async function cached(
  dir: string | false,
  kind: string,
  bytes: Uint8Array,
  key: string[],
  compute: () => Promise<Uint8Array>,
  suffix = 'wasm',
): Promise<Uint8Array> {
  const id = await entryId(kind, bytes, key);
  // Keyed by folder too, so that naming a new cache folder fills it.
  const slot = `${dir || ''}\0${id}`;
  let result = memory.get(slot);
  if (!result) {
    result = dir ? fromDisk(dir, `${id}.${suffix}`, compute) : compute();
    memory.set(slot, result);
    result.catch(() => memory.delete(slot));
  }
  return result;
}

async function fromDisk(dir: string, name: string, compute: () => Promise<Uint8Array>): Promise<Uint8Array> {
  const fs = await import('node:fs/promises');
  const { join } = await import('node:path');
  const file = join(dir, name);
  const lock = `${file}.lock`;
  for (;;) {
    try {
      return new Uint8Array(await fs.readFile(file));
    } catch {
      // Not cached yet.
    }
    const owned = await takeLock(fs, dir, lock);
    if (owned === 'unwritable') return compute();
    if (owned) break;
    // Another process is computing the same output (parallel test files transpiling one
    // component): wait for its result rather than spend the same minutes twice.
    await new Promise((ok) => setTimeout(ok, 250));
  }
  try {
    const out = await compute();
    const tmp = `${file}.${process.pid}.tmp`;
    // A cache that cannot be written only costs time on the next run.
    await fs
      .writeFile(tmp, out)
      .then(() => fs.rename(tmp, file))
      .catch(() => fs.rm(tmp, { force: true }));
    return out;
  } finally {
    await fs.rm(lock, { force: true });
  }
}

type Fs = typeof import('node:fs/promises');

/**
 * Takes the lock file (holding our pid) for one cache entry. False while a live process
 * holds it; a lock whose process is gone is taken over. 'unwritable' when the cache
 * folder cannot be written: then there is nothing to share and we compute alone.
 */
async function takeLock(fs: Fs, dir: string, lock: string): Promise<boolean | 'unwritable'> {
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch {
    return 'unwritable';
  }
  try {
    await fs.writeFile(lock, String(process.pid), { flag: 'wx' });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return 'unwritable';
  }
  const holder = Number(await fs.readFile(lock, 'utf8').catch(() => 'gone'));
  // Within one process the in-memory map already shares work, so our own pid means a
  // lock left by an earlier process that had it. An empty lock is one being written.
  const stale = holder > 0 ? holder === process.pid || !alive(holder) : holder === 0 && (await olderThan(fs, lock, 10_000));
  if (stale) await fs.rm(lock, { force: true });
  return false;
}

async function olderThan(fs: Fs, file: string, ms: number): Promise<boolean> {
  const st = await fs.stat(file).catch(() => undefined);
  return st !== undefined && Date.now() - st.mtimeMs > ms;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
