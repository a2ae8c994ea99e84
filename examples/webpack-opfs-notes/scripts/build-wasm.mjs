/**
 * Builds the two wasm files the app imports:
 * - src/notes.wasm, a WASI command component: clang + wasi-libc, then `jco new --wasi-command`;
 * - src/words.wasm, a plain core module (no libc, no component).
 * Skips a file that is newer than its inputs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const jco = join(root, 'node_modules', '@bytecodealliance', 'jco', 'dist', 'jco.js');
const stale = (out, inputs) => !existsSync(out) || inputs.some((f) => statSync(f).mtimeMs > statSync(out).mtimeMs);
const self = fileURLToPath(import.meta.url);

const notes = join(root, 'src', 'notes.wasm');
if (stale(notes, [join(root, 'notes.c'), self])) {
  const core = join(root, 'node_modules', '.cache', 'notes', 'notes.core.wasm');
  mkdirSync(dirname(core), { recursive: true });
  execFileSync('clang', ['--target=wasm32-wasi', '-O2', join(root, 'notes.c'), '-o', core], { stdio: 'inherit' });
  execFileSync(process.execPath, [jco, 'new', core, '--wasi-command', '-o', notes], { stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(`built ${notes}`);
}

const words = join(root, 'src', 'words.wasm');
if (stale(words, [join(root, 'words.c'), self])) {
  execFileSync('clang', ['--target=wasm32', '-O2', '-nostdlib', '-Wl,--no-entry', join(root, 'words.c'), '-o', words], { stdio: 'inherit' });
  console.log(`built ${words}`);
}
