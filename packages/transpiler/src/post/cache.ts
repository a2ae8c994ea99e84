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
): Promise<Uint8Array> {
  const id = `${kind}-${await digest(bytes, key)}`;
  // Keyed by folder too, so that naming a new cache folder fills it.
  const slot = `${dir || ''}\0${id}`;
  let result = memory.get(slot);
  if (!result) {
    result = dir ? fromDisk(dir, id, compute) : compute();
    memory.set(slot, result);
    result.catch(() => memory.delete(slot));
  }
  return result;
}

async function fromDisk(dir: string, id: string, compute: () => Promise<Uint8Array>): Promise<Uint8Array> {
  const fs = await import('node:fs/promises');
  const { join } = await import('node:path');
  const file = join(dir, `${id}.wasm`);
  try {
    return new Uint8Array(await fs.readFile(file));
  } catch {
    // Not cached yet.
  }
  const out = await compute();
  try {
    await fs.mkdir(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, out);
    await fs.rename(tmp, file);
  } catch {
    // A cache that cannot be written only costs time on the next run.
  }
  return out;
}
