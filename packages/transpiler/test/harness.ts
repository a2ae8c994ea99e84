/**
 * Shared test harness: assemble component text, transpile it, instantiate the result.
 *
 * WEFT_ENGINE=jco runs the same tests through `jco transpile` — useful to check a
 * fixture itself is right; the default engine is weft. WEFT_JS=1 transpiles with `js`
 * (core modules converted to JavaScript); vitest.config.ts runs the value, string,
 * resource and trap tests that way too.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const cacheDir = join(here, '..', '.cache');

/** Assemble component text with wasm-tools (via jco), cached by content hash. */
export async function assembleWat(text: string): Promise<Uint8Array> {
  const key = createHash('sha256').update(text).digest('hex').slice(0, 24);
  const file = join(cacheDir, 'wat', `${key}.wasm`);
  if (existsSync(file)) return new Uint8Array(readFileSync(file));
  const { parse } = await import('@bytecodealliance/jco');
  const bytes: Uint8Array = await (parse as (t: string) => Promise<Uint8Array> | Uint8Array)(text);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  return bytes;
}

/**
 * Encode a WIT world as a component the way wit-component encodes a guest (through jco's
 * wasm-tools): a dummy core module with the world's imports and exports, its exported
 * interfaces wrapped in wit-component's shim components. Cached by content hash.
 */
export async function componentFromWit(wit: string, world: string): Promise<Uint8Array> {
  const key = createHash('sha256').update(wit).update('\0').update(world).digest('hex').slice(0, 24);
  const file = join(cacheDir, 'wit', `${key}.wasm`);
  if (existsSync(file)) return new Uint8Array(readFileSync(file));
  const { componentEmbed, componentNew } = await import('@bytecodealliance/jco');
  const core = await componentEmbed({ dummy: true, witSource: wit, world });
  const bytes = await componentNew(core);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  return bytes;
}

export function readFixture(name: string): string {
  return readFileSync(join(here, 'fixtures', name), 'utf8');
}

export type Engine = 'weft' | 'jco';
export const engine: Engine = (process.env.WEFT_ENGINE as Engine) || 'weft';
export const js = process.env.WEFT_JS === '1';

let outCounter = 0;

/**
 * Transpile `bytes` in instantiation mode, write the files under test/.cache/out/,
 * instantiate with `imports`, and return the export object.
 */
export async function instantiateComponent(
  bytes: Uint8Array,
  imports: Record<string, unknown> = {},
  opts: { name?: string; engine?: Engine; asyncMode?: 'sync' | 'asyncify' } = {},
): Promise<any> {
  const name = opts.name ?? 'component';
  const eng = opts.engine ?? engine;
  let files: Record<string, Uint8Array>;
  if (eng === 'jco') {
    const { transpile } = await import('@bytecodealliance/jco');
    const r = await (transpile as any)(bytes, { name, instantiation: { tag: 'async' }, noTypescript: true });
    files = r.files;
  } else {
    const { transpile } = await import('../src/index.js');
    const r = await transpile(bytes, {
      name,
      instantiation: 'async',
      noTypescript: true,
      js,
      ...(opts.asyncMode ? { asyncMode: opts.asyncMode, cacheDir: false as const } : {}),
    });
    files = r.files;
  }
  const dir = join(cacheDir, 'out', `${process.pid}-${outCounter++}`);
  for (const [f, data] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), data);
  }
  const mod = await import(pathToFileURL(join(dir, `${name}.js`)).href);
  if (js && eng === 'weft') return mod.instantiate(imports);
  const getCoreModule = (path: string) => WebAssembly.compile(readFileSync(join(dir, path)));
  return mod.instantiate(getCoreModule, imports);
}

/** Assemble and instantiate in one step. */
export async function loadWat(text: string, imports: Record<string, unknown> = {}, opts: { engine?: Engine; asyncMode?: 'sync' | 'asyncify' } = {}) {
  return instantiateComponent(await assembleWat(text), imports, opts);
}
