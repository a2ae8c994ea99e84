/**
 * C fixtures -> WASI Preview 2 command components: clang + wasi-libc build a preview1
 * core module, and the preview1 command adapter wraps it into a component. Results are
 * cached under .cache/components, keyed by a hash of everything that goes in.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir, cFixturesDir, p3FixturesDir } from './paths.js';
import { writeFileAtomic } from './fs-util.js';

export const CLANG_FLAGS = ['--target=wasm32-wasi', '-O2'];

const lines = (...l: string[]) => l.map((s) => `${s}\n`).join('');

/** What fixtures/c/clocks.c prints when every clock behaves. */
export const CLOCKS_STDOUT = lines(
  'monotonic resolution ok',
  'slept at least 30ms: yes',
  'wall clock plausible: yes',
  'wall nanoseconds in range: yes',
  'time() agrees with realtime: yes',
);

/** What fixtures/c/files.c prints when every operation on its `/data` preopen behaves. */
export const FILES_STDOUT = lines(
  'mkdir: ok',
  'create: ok',
  'read back: ok',
  'contents: written by wasm',
  'opendir: ok',
  'entries: 2',
  'rename: ok',
  'unlink: ok',
  'stat size 16: ok',
  'escape refused: yes',
  'nested escape refused: yes',
  'rmdir: ok',
);

/** Names of the C programs in fixtures/c (file name without `.c`). */
export function cFixtureNames(): string[] {
  return readdirSync(cFixturesDir)
    .filter((f) => f.endsWith('.c'))
    .map((f) => f.slice(0, -2))
    .sort();
}

let adapterBytes: Uint8Array | undefined;
let clangVersion: string | undefined;

async function adapter(): Promise<Uint8Array> {
  if (!adapterBytes) {
    const { preview1AdapterCommandPath } = await import('@bytecodealliance/jco');
    adapterBytes = new Uint8Array(readFileSync(preview1AdapterCommandPath()));
  }
  return adapterBytes;
}

function clang(): string {
  clangVersion ??= execFileSync('clang', ['--version'], { encoding: 'utf8' }).split('\n')[0]!;
  return clangVersion;
}

/** Compile `fixtures/c/<name>.c` and wrap it into a command component. */
export async function buildCFixture(name: string): Promise<Uint8Array> {
  const source = join(cFixturesDir, `${name}.c`);
  if (!existsSync(source)) throw new Error(`no C fixture ${name}: ${source} does not exist`);
  const text = readFileSync(source);
  const adapterWasm = await adapter();
  const key = createHash('sha256').update(text).update(CLANG_FLAGS.join(' ')).update(clang()).update(adapterWasm).digest('hex').slice(0, 20);
  const out = join(cacheDir, 'components', `${name}-${key}.wasm`);
  if (existsSync(out)) return new Uint8Array(readFileSync(out));

  const work = mkdtempSync(join(tmpdir(), 'weft-cfix-'));
  try {
    const core = join(work, `${name}.wasm`);
    try {
      execFileSync('clang', [...CLANG_FLAGS, source, '-o', core], { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      const e = err as { stderr?: Buffer };
      throw new Error(`clang failed on ${source}:\n${e.stderr?.toString() ?? String(err)}`);
    }
    const { componentNew } = await import('@bytecodealliance/jco');
    const component = await componentNew(new Uint8Array(readFileSync(core)), [['wasi_snapshot_preview1', adapterWasm]]);
    writeFileAtomic(out, component);
    return component;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * A component that imports every interface of `wasi:cli/imports` and does nothing: its
 * core module is a generated dummy, so it only proves that every import links.
 */
export async function buildAllImportsComponent(): Promise<Uint8Array> {
  const { allImportsWorldSource } = await import('./wasi-wit.js');
  const witSource = allImportsWorldSource();
  const key = createHash('sha256').update(witSource).digest('hex').slice(0, 20);
  const out = join(cacheDir, 'components', `all-imports-${key}.wasm`);
  if (existsSync(out)) return new Uint8Array(readFileSync(out));
  const { componentEmbed, componentNew } = await import('@bytecodealliance/jco');
  const core = await componentEmbed({ dummy: true, witSource, world: 'all-imports' });
  const component = await componentNew(core, []);
  writeFileAtomic(out, component);
  return component;
}

/** The WASI 0.3 guest `fixtures/p3/<name>.wat`, assembled. */
export async function buildP3Fixture(name: string): Promise<Uint8Array> {
  return buildWatComponent(readFileSync(join(p3FixturesDir, `${name}.wat`), 'utf8'));
}

/** A component assembled from component-model text (jco's `parse`), cached by its text. */
export async function buildWatComponent(text: string): Promise<Uint8Array> {
  const key = createHash('sha256').update(text).digest('hex').slice(0, 20);
  const out = join(cacheDir, 'components', `wat-${key}.wasm`);
  if (existsSync(out)) return new Uint8Array(readFileSync(out));
  const { parse } = await import('@bytecodealliance/jco');
  const component = await (parse as (t: string) => Promise<Uint8Array> | Uint8Array)(text);
  writeFileAtomic(out, component);
  return component;
}
