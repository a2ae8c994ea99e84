/**
 * Builds src/wc.wasm from wc.c: clang with wasi-libc makes a WASI Preview 1 core module, and
 * `jco new --wasi-command` wraps it into a WASI Preview 2 command component. Skips the work when
 * a stamp says this output was built from these inputs (the test overwrites src/wc.wasm with a
 * variant, so a date comparison is not enough). As a module, `buildComponent` builds variants.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

const sha = (...files) => files.reduce((h, f) => h.update(readFileSync(f)), createHash('sha256')).digest('hex');

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = join(root, 'src', 'wc.wasm');
  const stampFile = join(root, 'node_modules', '.cache', 'wc', 'stamp');
  const inputs = sha(join(root, 'wc.c'), fileURLToPath(import.meta.url));
  const stamp = existsSync(stampFile) ? readFileSync(stampFile, 'utf8') : '';
  if (!existsSync(out) || stamp !== `${inputs} ${sha(out)}`) {
    buildComponent(out);
    writeFileSync(stampFile, `${inputs} ${sha(out)}`);
    console.log(`built ${out}`);
  }
}
