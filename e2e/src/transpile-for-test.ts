/**
 * The one place e2e tests transpile a component. `WEFT_ENGINE` picks the transpiler
 * (`weft`, the default, or `jco` to check fixtures and shims against a known-good
 * compiler); `shims` picks which WASI implementation the output imports.
 *
 * Output lands under e2e/.cache/out/, inside the workspace, so the bare `@weft/wasi-*`
 * and `@bytecodealliance/preview2-shim/*` specifiers it imports resolve through this
 * package's own dependencies.
 */
import { P3_PACKAGES, p3ShimModule, shimPackage, WASI_PACKAGES } from '@weft/wasi-manifest';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, repoRoot } from './paths.js';
import { writeDirAtomic } from './fs-util.js';

export type Engine = 'weft' | 'jco';

export function currentEngine(): Engine {
  const e = process.env.WEFT_ENGINE ?? 'weft';
  if (e !== 'weft' && e !== 'jco') throw new Error(`WEFT_ENGINE must be 'weft' or 'jco', got ${JSON.stringify(e)}`);
  return e;
}

/**
 * `wasi:<pkg>/*@0.3.0` -> `@weft/wasi-<pkg>/p3#*`, then `wasi:<pkg>/*` -> `@weft/wasi-<pkg>#*`:
 * the interface name picks the named export. A map pattern holds one `*`, so the 0.3
 * patterns name the release exactly, and come first since the first match wins.
 */
export function weftWasiMap(): Record<string, string> {
  return Object.fromEntries([
    ...P3_PACKAGES.map((p) => [`wasi:${p}/*@0.3.0`, `${p3ShimModule(p)}#*`]),
    ...WASI_PACKAGES.map((p) => [`wasi:${p}/*`, `${shimPackage(p)}#*`]),
  ]);
}

export interface TranspileForTestOptions {
  /** Base name of the output files. */
  name: string;
  /** Which WASI implementation the output imports. Default `weft`. */
  shims?: 'weft' | 'preview2-shim';
  /** Override `WEFT_ENGINE`. Ignored for `preview2-shim`, which only jco targets. */
  engine?: Engine;
  /** weft's async mode (jco output is always built in sync mode). */
  asyncMode?: 'sync' | 'jspi' | 'asyncify';
  /** weft only: core modules converted to JavaScript (`--js`). */
  js?: boolean;
  /** Emit `instantiate(getCoreModule, imports)` instead of a module that instantiates itself. */
  instantiation?: 'async';
}

export interface TranspiledOutput {
  /** Directory holding the output files. */
  dir: string;
  /** Absolute path of the ES module to import. */
  entry: string;
  engine: Engine;
}

function hashTree(dir: string, h: ReturnType<typeof createHash>): void {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) hashTree(p, h);
    else h.update(name).update(readFileSync(p));
  }
}

/** What, besides the component, decides the engine's output. */
function engineFingerprint(engine: Engine): string {
  const h = createHash('sha256');
  if (engine === 'jco') {
    h.update(readFileSync(join(repoRoot, 'e2e', 'node_modules', '@bytecodealliance', 'jco', 'package.json')));
  } else {
    const dist = join(repoRoot, 'packages', 'transpiler', 'dist');
    if (!existsSync(dist)) throw new Error(`@weft/transpiler is not built (${dist} is missing): run pnpm build`);
    hashTree(dist, h);
  }
  return h.digest('hex');
}

/** Transpile a component to ESM (by default one that instantiates itself on import) under .cache/out. */
export async function transpileForTest(component: Uint8Array, opts: TranspileForTestOptions): Promise<TranspiledOutput> {
  const shims = opts.shims ?? 'weft';
  const engine: Engine = shims === 'preview2-shim' ? 'jco' : (opts.engine ?? currentEngine());
  const name = opts.name;
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`transpileForTest: bad output name ${JSON.stringify(name)}`);
  // An instantiated module takes its imports keyed by WIT name: no specifiers to map.
  const map = shims === 'weft' && !opts.instantiation ? weftWasiMap() : undefined;
  const key = createHash('sha256')
    .update(component)
    .update(engineFingerprint(engine))
    .update(JSON.stringify({ shims, name, map, asyncMode: opts.asyncMode ?? 'sync', js: !!opts.js, instantiation: opts.instantiation }))
    .digest('hex')
    .slice(0, 20);
  const dir = join(cacheDir, 'out', `${engine}-${shims}`, `${name}-${key}`);
  const entry = join(dir, `${name}.js`);
  if (existsSync(entry)) return { dir, entry, engine };

  let files: Record<string, Uint8Array>;
  if (engine === 'jco') {
    const { transpile } = await import('@bytecodealliance/jco');
    ({ files } = await transpile(component, {
      name,
      ...(map ? { map } : {}),
      noTypescript: true,
      ...(opts.instantiation ? { instantiation: opts.instantiation } : {}),
    }));
  } else {
    const { transpile } = await import('@weft/transpiler');
    ({ files } = await transpile(component, {
      name,
      ...(map ? { map } : {}),
      noTypescript: true,
      asyncMode: opts.asyncMode ?? 'sync',
      js: !!opts.js,
      ...(opts.instantiation ? { instantiation: opts.instantiation } : {}),
    }));
  }
  if (!files[`${name}.js`]) throw new Error(`${engine} produced no ${name}.js (files: ${Object.keys(files).join(', ')})`);
  writeDirAtomic(dir, files);
  return { dir, entry, engine };
}
