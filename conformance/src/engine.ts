/**
 * The component engine under test: weft (default) or jco for comparison,
 * chosen by `WEFT_ENGINE=jco|weft`. Both emit instantiation-mode glue with the
 * same conventions, so everything above this module is engine-agnostic.
 */
import { createHash } from 'node:crypto';
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadedFromGlue, type Loaded, type RunnerEngine } from './engine-api.js';

export { GlueError, type Loaded, type RunnerEngine } from './engine-api.js';

export type EngineName = 'jco' | 'weft';

export interface Engine extends RunnerEngine {
  name: EngineName;
  /** Transpiles component bytes in instantiation mode; returns the output files. */
  transpile(bytes: Uint8Array, name: string): Promise<Record<string, Uint8Array>>;
}

/** The engine selected by the environment. */
export function engineName(env: NodeJS.ProcessEnv = process.env): EngineName {
  const v = env.WEFT_ENGINE ?? 'weft';
  if (v !== 'jco' && v !== 'weft') throw new Error(`WEFT_ENGINE must be jco or weft, not ${JSON.stringify(v)}`);
  return v;
}

export type AsyncMode = 'sync' | 'asyncify' | 'jspi';

/**
 * weft's async mode for Preview 3 components, from `WEFT_ASYNC_MODE=sync|asyncify|jspi`
 * (default `sync`). Under `asyncify` and `jspi` their threads can wait on their own stacks
 * (`jspi` needs an engine with JSPI: `--browser`); other components are transpiled in `sync`
 * mode either way.
 */
export function asyncModeOf(env: NodeJS.ProcessEnv = process.env): AsyncMode {
  const v = env.WEFT_ASYNC_MODE ?? 'sync';
  if (v !== 'sync' && v !== 'asyncify' && v !== 'jspi') throw new Error(`WEFT_ASYNC_MODE must be sync, asyncify or jspi, not ${JSON.stringify(v)}`);
  return v;
}

/** `asyncMode` overrides WEFT_ASYNC_MODE for the Preview 3 components weft transpiles. */
export async function getEngine(name: EngineName = engineName(), asyncMode: AsyncMode = asyncModeOf()): Promise<Engine> {
  const core = await engineCore(name, asyncMode);
  const engine: Engine = { ...core, name, assemble, componentWit, load: (bytes, outName) => load(engine, bytes, outName) };
  return engine;
}

async function engineCore(name: EngineName, asyncMode: AsyncMode): Promise<Pick<Engine, 'transpile' | 'isRejection'>> {
  if (name === 'jco') {
    const jco = await import('@bytecodealliance/jco');
    return {
      async transpile(bytes, outName) {
        const opts = { name: outName, instantiation: { tag: 'async' }, noTypescript: true };
        const { files } = await jco.transpile(bytes, opts as unknown as Parameters<typeof jco.transpile>[1]);
        return files;
      },
      // jco reports every problem with its input as a plain Error.
      isRejection: (e) => e instanceof Error,
    };
  }
  const weft = await import('@weft/transpiler');
  return {
    async transpile(bytes, outName) {
      // Only a Preview 3 component has threads that wait on their own stacks.
      const mode = asyncMode !== 'sync' && weft.inspect(bytes).async ? asyncMode : 'sync';
      const { files } = await weft.transpile(bytes, { name: outName, instantiation: 'async', noTypescript: true, asyncMode: mode });
      return files;
    },
    // Anything but a WeftError (a TypeError, say) is weft crashing, not weft refusing the input.
    isRejection: (e) => e instanceof weft.WeftError,
  };
}

/** Assembles component text with wasm-tools (as shipped in jco). */
export async function assemble(text: string): Promise<Uint8Array> {
  const jco = await import('@bytecodealliance/jco');
  return jco.parse(text);
}

/** The WIT world of a component, as printed by wasm-tools; throws for components it cannot decode. */
export async function componentWit(bytes: Uint8Array): Promise<string> {
  const jco = await import('@bytecodealliance/jco');
  return jco.componentWit(bytes);
}

export const CACHE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '.cache');

/** Transpiled output as written to disk: `<CACHE_DIR>/<dir>/<file>` for each file. */
export interface WrittenOutput {
  /** Relative to CACHE_DIR, with `/` separators: `<engine>/<hash of output>`. */
  dir: string;
  mainFile: string;
  files: Record<string, Uint8Array>;
}

/**
 * Transpiles `bytes` and writes the output under `.cache/<engine>/<hash of output>/`,
 * so unchanged output is written once.
 */
export async function transpileToCache(engine: Engine, bytes: Uint8Array, name = 'component'): Promise<WrittenOutput> {
  const files = await engine.transpile(bytes, name);
  const hash = createHash('sha256');
  for (const k of Object.keys(files).sort()) hash.update(k).update('\0').update(files[k]!).update('\0');
  const rel = `${engine.name}/${hash.digest('hex').slice(0, 24)}`;
  const dir = join(CACHE_DIR, rel);
  const mainFile = `${name}.js`;
  if (!files[mainFile]) throw new Error(`${engine.name} produced no ${mainFile} (files: ${Object.keys(files).join(', ')})`);
  const written = await access(join(dir, mainFile)).then(
    () => true,
    () => false,
  );
  if (!written) {
    // Written aside and renamed into place, so a parallel run never imports a half-written file.
    const tmp = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    for (const [file, data] of Object.entries(files)) {
      await mkdir(dirname(join(tmp, file)), { recursive: true });
      await writeFile(join(tmp, file), data);
    }
    await rename(tmp, dir).catch(async (e: NodeJS.ErrnoException) => {
      await rm(tmp, { recursive: true, force: true });
      if (e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST') throw e;
    });
  }
  return { dir: rel, mainFile, files };
}

/** Transpiles `bytes` into the cache and loads the glue from there. */
export async function load(engine: Engine, bytes: Uint8Array, name = 'component'): Promise<Loaded> {
  const { dir, mainFile, files } = await transpileToCache(engine, bytes, name);
  const url = pathToFileURL(join(CACHE_DIR, dir, mainFile)).href;
  return loadedFromGlue(url, mainFile, (file) => {
    const data = files[file];
    return data ? WebAssembly.compile(data as Uint8Array<ArrayBuffer>) : Promise.reject(new Error(`glue asked for unknown core module ${file}`));
  });
}
