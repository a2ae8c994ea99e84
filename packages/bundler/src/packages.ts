import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The WASI shim packages weft's glue imports. */
export const SHIM_PACKAGES = ['cli', 'clocks', 'filesystem', 'http', 'io', 'random', 'sockets'].map((p) => `@weft/wasi-${p}`);

/**
 * The directory of package `name` as resolved from `fromDir` (walking up from its entry
 * point: packages need not export their package.json), or undefined if it is not installed.
 */
export function packageDir(name: string, fromDir: string): string | undefined {
  let entry: string;
  try {
    entry = createRequire(join(fromDir, 'noop.js')).resolve(name);
  } catch {
    return undefined;
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === name) return dir;
  }
  return undefined;
}

/** `name@version` of an installed package, for cache keys. */
export function packageVersion(name: string, fromDir: string): string {
  const dir = packageDir(name, fromDir);
  const version = dir ? (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version : 'missing';
  return `${name}@${version}`;
}
