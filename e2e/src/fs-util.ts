import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Write `files` into `dir` all at once: build them in a sibling temp directory, then
 * rename it into place, so parallel test workers never see half a directory.
 */
export function writeDirAtomic(dir: string, files: Record<string, Uint8Array | string>): void {
  const tmp = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  for (const [name, data] of Object.entries(files)) {
    const file = join(tmp, name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, data);
  }
  mkdirSync(dirname(dir), { recursive: true });
  try {
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if ((err as NodeJS.ErrnoException).code !== 'ENOTEMPTY' && (err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/** Write one file atomically (temp file + rename). */
export function writeFileAtomic(file: string, data: Uint8Array | string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}
