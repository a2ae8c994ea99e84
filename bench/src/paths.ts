import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync, realpathSync } from 'node:fs';

/** Both `src/` (under vitest) and `dist/` sit one level below the bench package. */
export const benchRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(benchRoot, '..');
export const cacheDir = join(benchRoot, '.cache');
/** Transpiled outputs of this run; removed when the run ends (see runBench). */
export const scratchDir = join(cacheDir, 'out', String(process.pid));
export const resultsDir = join(benchRoot, 'results');
export const corpusDir = join(benchRoot, 'corpus');
export const fixturesDir = join(repoRoot, 'packages', 'transpiler', 'test', 'fixtures');
export const weftCliBin = join(repoRoot, 'packages', 'cli', 'dist', 'bin.js');
/** Start-up samples run this compiled script in a fresh process, so it must exist as JS. */
export const startupChild = join(benchRoot, 'dist', 'startup-child.js');
export const asyncifyChild = join(benchRoot, 'dist', 'asyncify-child.js');

/**
 * Root folder of package `name` as seen from `from`: resolve its entry point, then walk up
 * to its package.json (packages with an `exports` map hide `./package.json` itself).
 */
export function packageDir(name: string, from: string = import.meta.url): string {
  let dir = dirname(realpathSync(createRequire(from).resolve(name)));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const meta = JSON.parse(readFileSync(pkg, 'utf8'));
      // Nested package.json files that only set "type" do not count.
      if (meta.name && meta.version) return dir;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json of ${name} above its entry point`);
    dir = up;
  }
}

export const jcoDir = packageDir('@bytecodealliance/jco');
export const jcoBin = join(jcoDir, 'dist', 'jco.js');
export const jcoVersion: string = JSON.parse(readFileSync(join(jcoDir, 'package.json'), 'utf8')).version;
