import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cached, entryId } from '../src/post/cache.js';

let dir: string;
let n = 0;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'weft-cache-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const input = new Uint8Array([1, 2, 3]);

/** A fresh entry each time, so this process's in-memory cache never answers first. */
async function entry(): Promise<{ key: string[]; file: string }> {
  const key = [`entry ${++n}`];
  return { key, file: join(dir, `${await entryId('probe', input, key)}.wasm`) };
}

describe('the rewrite cache shared by processes', () => {
  it('stores the output and lets go of its lock', async () => {
    const { key, file } = await entry();
    expect(await cached(dir, 'probe', input, key, async () => new Uint8Array([7]))).toEqual(new Uint8Array([7]));
    expect(new Uint8Array(readFileSync(file))).toEqual(new Uint8Array([7]));
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('waits for a live process holding the lock and takes its output instead of computing', async () => {
    const { key, file } = await entry();
    writeFileSync(`${file}.lock`, String(process.ppid));
    let computed = 0;
    const result = cached(dir, 'probe', input, key, async () => {
      computed++;
      return new Uint8Array([7]);
    });
    await new Promise((ok) => setTimeout(ok, 600));
    expect(computed).toBe(0);
    writeFileSync(file, new Uint8Array([5, 5]));
    rmSync(`${file}.lock`);
    expect(await result).toEqual(new Uint8Array([5, 5]));
    expect(computed).toBe(0);
  });

  it('takes over the lock of a process that died', async () => {
    const { key, file } = await entry();
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(`${file}.lock`, String(dead));
    expect(await cached(dir, 'probe', input, key, async () => new Uint8Array([7]))).toEqual(new Uint8Array([7]));
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('computes alone when the cache folder cannot be written', async () => {
    const { key } = await entry();
    const notADir = join(dir, 'file');
    writeFileSync(notADir, '');
    expect(await cached(notADir, 'probe', input, key, async () => new Uint8Array([8]))).toEqual(new Uint8Array([8]));
  });
});
