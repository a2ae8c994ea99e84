import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

export { SHIM_PACKAGES } from '@weft/wasi-manifest';

/**
 * The directory of package `name` as a bundler finds it from `fromDir` (`node_modules` of
 * each parent directory; not `NODE_PATH`, which bundlers ignore), or undefined.
 */
export function packageDir(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dir === dirname(dir)) return undefined;
  }
}

/** `name@version` of an installed package, for cache keys. */
export function packageVersion(name: string, fromDir: string): string {
  const dir = packageDir(name, fromDir);
  const version = dir ? (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version : 'missing';
  return `${name}@${version}`;
}
