/**
 * Builds src/wc.wasm from wc.c: clang with wasi-libc makes a WASI Preview 1 core module, and
 * `jco new --wasi-command` wraps it into a WASI Preview 2 command component. Skips the work when
 * the output is newer than its inputs. As a module, `buildComponent` builds variants for tests.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const jco = join(root, 'node_modules', '@bytecodealliance', 'jco', 'dist', 'jco.js');

/** Compile wc.c (with `-D` `defines`) into the component `out`. */
export function buildComponent(out, defines = []) {
  const core = join(root, 'node_modules', '.cache', 'wc', `${defines.join('_').replace(/\W/g, '') || 'wc'}.core.wasm`);
  mkdirSync(dirname(core), { recursive: true });
  mkdirSync(dirname(out), { recursive: true });
  execFileSync('clang', ['--target=wasm32-wasi', '-O2', ...defines.map((d) => `-D${d}`), join(root, 'wc.c'), '-o', core], { stdio: 'inherit' });
  execFileSync(process.execPath, [jco, 'new', core, '--wasi-command', '-o', out], { stdio: ['ignore', 'ignore', 'inherit'] });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = join(root, 'src', 'wc.wasm');
  const inputs = [join(root, 'wc.c'), fileURLToPath(import.meta.url)];
  if (!existsSync(out) || inputs.some((f) => statSync(f).mtimeMs > statSync(out).mtimeMs)) {
    buildComponent(out);
    console.log(`built ${out}`);
  }
}
