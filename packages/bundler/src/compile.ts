import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transpile, type TranspileOptions } from '@weft/transpiler';
import { componentOptions, type ComponentOptions, type WeftOptions } from './options.js';
import { packageDir, packageVersion, SHIM_PACKAGES } from './packages.js';
import { isComponent } from './detect.js';

/** Where a module runs: browser glue only fetches, node glue reads its core modules from disk. */
export type Env = 'browser' | 'node';

/** The module an import of a component asks for, by its query. */
export type Part = 'module' | 'instantiate' | 'glue' | 'host';

const QUERIES: Record<string, Part> = { '': 'module', instantiate: 'instantiate', 'weft-glue': 'glue', 'weft-host': 'host' };

/** Query parameters a dev server adds to any module's id (cache busting, import markers). */
const SERVER_PARAMS = /^(t|v|import)(=|$)/;

/** The part a query selects, or undefined for a query weft leaves to the bundler (`?url`, `?raw`, ...). */
export function partOf(query: string): Part | undefined {
  const params = query
    .replace(/^\?/, '')
    .split('&')
    .filter((p) => p && !SERVER_PARAMS.test(p));
  const key = params.length === 1 ? params[0]! : params.length ? '&' : '';
  return Object.hasOwn(QUERIES, key) ? QUERIES[key] : undefined;
}

/** A problem with one component, phrased as what to change. */
export class WeftBundlerError extends Error {
  override name = 'WeftBundlerError';
}

interface Output {
  /** The cache directory's name: the core modules and types are in `<cacheDir>/<key>/`. */
  key: string;
  /** Output file name -> contents (JS and .d.ts as text). */
  files: Record<string, string>;
  imports: string[];
}

const here = dirname(fileURLToPath(import.meta.url));
const toPosix = (p: string) => p.split(sep).join('/');
const utf8 = new TextDecoder();

/**
 * Turns component files into the JS modules a bundler serves for them. Transpiles once per
 * content, options and weft version: concurrent importers share one promise, and results are
 * kept in `cacheDir`, together with the core modules the glue points the bundler at.
 */
export class ComponentCompiler {
  readonly cacheDir: string;
  private readonly pending = new Map<string, Promise<Output>>();
  /** The transpiler and bundler versions, part of every cache key. */
  readonly versions: string;

  constructor(
    readonly root: string,
    readonly options: WeftOptions = {},
  ) {
    this.cacheDir = options.cacheDir ?? join(root, 'node_modules', '.cache', 'weft');
    const own = JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8')) as { version: string };
    this.versions = `${packageVersion('@weft/transpiler', here)} @weft/bundler@${own.version}`;
  }

  /** The component's path as shown in messages and matched by `files` globs. */
  rel(file: string): string {
    return toPosix(relative(this.root, file));
  }

  optionsFor(file: string): ComponentOptions {
    return componentOptions(this.options, this.rel(file));
  }

  /** The JS of `part` of the component at `file` (bytes read from disk unless given). */
  async module(file: string, part: Part, env: Env, bytes?: Uint8Array): Promise<string> {
    const data = bytes ?? new Uint8Array(readFileSync(file));
    if (!isComponent(data)) throw new WeftBundlerError(`${this.rel(file)} is not a WebAssembly component`);
    const opts = this.optionsFor(file);
    const name = basename(file).replace(/\.wasm$/, '');
    const lazy = part === 'instantiate' || (part === 'module' && !!opts.lazy);
    if (lazy) {
      const self = `./${basename(file)}`;
      if (part === 'module') this.lazyTypes(file, await this.output(file, data, opts, env, 'async'), name);
      return [
        `import { instantiate as $instantiate } from ${JSON.stringify(`${self}?weft-glue`)};`,
        `import { imports as $imports, loadCoreModule as $load } from ${JSON.stringify(`${self}?weft-host`)};`,
        '/** A fresh instance of the component; `overrides` replace whole imported interfaces. */',
        'export function instantiate(overrides) { return $instantiate($load, $imports(overrides)); }',
        '',
      ].join('\n');
    }
    const out = await this.output(file, data, opts, env, part === 'module' ? undefined : 'async');
    if (part === 'module') this.writeTypes(file, out.files[`${name}.d.ts`]);
    return out.files[part === 'host' ? `${name}.host.js` : `${name}.js`]!;
  }

  /** Types of a lazy import: `instantiate` resolves to the `Exports` of the instantiation-mode types in the cache. */
  private lazyTypes(file: string, out: Output, name: string): void {
    if (out.files[`${name}.d.ts`] === undefined) return;
    const dts = relative(dirname(file), join(this.cacheDir, out.key, `${name}.js`));
    this.writeTypes(
      file,
      [
        `import type { Exports } from ${JSON.stringify(toPosix(dts.startsWith('.') ? dts : `./${dts}`))};`,
        'export type { Exports };',
        '/** A fresh instance of the component; `overrides` replace whole imported interfaces. */',
        'export declare function instantiate(overrides?: Record<string, unknown>): Promise<Exports>;',
        '',
      ].join('\n'),
    );
  }

  /** `<name>.d.wasm.ts` beside the component, rewritten only when it changes (no watcher loops). */
  private writeTypes(file: string, dts: string | undefined): void {
    if (this.options.dts === false || dts === undefined) return;
    const path = file.replace(/\.wasm$/, '.d.wasm.ts');
    const text = `// Written by @weft/bundler from ${basename(file)}: the types of \`import ... from './${basename(file)}'\`.\n${dts}`;
    if (!existsSync(path) || readFileSync(path, 'utf8') !== text) writeFileSync(path, text);
  }

  private output(file: string, bytes: Uint8Array, opts: ComponentOptions, env: Env, instantiation: 'async' | undefined): Promise<Output> {
    const { lazy: _, ...transpileOpts } = opts;
    const key = createHash('sha256')
      .update(
        JSON.stringify([
          this.versions,
          env,
          instantiation ?? 'esm',
          basename(file),
          toPosix(relative(this.cacheDir, dirname(file))),
          stableJson(transpileOpts),
        ]),
      )
      .update(bytes)
      .digest('hex')
      .slice(0, 24);
    let p = this.pending.get(key);
    if (!p) {
      p = this.produce(file, bytes, { ...transpileOpts, ...(instantiation ? { instantiation } : {}) }, env, key);
      this.pending.set(key, p);
      // A failure is not cached: the next request retries (the file may have been fixed).
      p.catch(() => this.pending.delete(key));
    }
    return p;
  }

  private async produce(file: string, bytes: Uint8Array, opts: TranspileOptions, env: Env, key: string): Promise<Output> {
    const dir = join(this.cacheDir, key);
    const meta = join(dir, 'meta.json');
    let out: Output;
    if (existsSync(meta)) {
      const { imports, files } = JSON.parse(readFileSync(meta, 'utf8')) as { imports: string[]; files: string[] };
      out = { key, imports, files: Object.fromEntries(files.map((f) => [f, readFileSync(join(dir, f), 'utf8')])) };
    } else {
      out = { key, ...(await this.transpileTo(file, bytes, opts, env, dir)) };
    }
    this.checkShims(file, out.imports);
    return out;
  }

  private async transpileTo(file: string, bytes: Uint8Array, opts: TranspileOptions, env: Env, dir: string): Promise<Omit<Output, 'key'>> {
    const name = basename(file).replace(/\.wasm$/, '');
    const fromComponent = toPosix(relative(dirname(file), dir));
    const started = performance.now();
    let result: Awaited<ReturnType<typeof transpile>>;
    try {
      result = await transpile(bytes, {
        base64Cutoff: 0,
        cacheDir: join(this.cacheDir, 'asyncify'),
        ...opts,
        name,
        target: env,
        // A literal relative URL: the bundler emits, hashes and serves the file it names.
        coreModuleUrl: (f) => `new URL(${JSON.stringify(`${fromComponent.startsWith('.') ? '' : './'}${fromComponent}/${f}`)}, import.meta.url)`,
      });
    } catch (e) {
      const err = e as Error;
      const how = err.name === 'WeftError' ? 'is not a component weft can transpile' : 'could not be transpiled';
      throw new WeftBundlerError(`${this.rel(file)} ${how}: ${err.message}`, { cause: e });
    }
    const ms = performance.now() - started;
    (this.options.onTranspile ?? defaultReport)(this.rel(file), ms);
    // Written to a fresh directory and renamed into place: a reader never sees half of it.
    const tmp = `${dir}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    mkdirSync(tmp, { recursive: true });
    const texts: Record<string, string> = {};
    for (const [f, data] of Object.entries(result.files)) {
      writeFileSync(join(tmp, f), data);
      if (!f.endsWith('.wasm')) texts[f] = utf8.decode(data);
    }
    writeFileSync(join(tmp, 'meta.json'), JSON.stringify({ imports: result.imports, files: Object.keys(texts) }));
    try {
      renameSync(tmp, dir);
    } catch {
      // Another process put the same content there first.
      rmSync(tmp, { recursive: true, force: true });
    }
    return { imports: result.imports, files: texts };
  }

  /** Every shim the glue imports (or an entry point of one, such as `/p3`) must be installed in the app, so there is one copy of it. */
  private checkShims(file: string, imports: string[]): void {
    for (const spec of imports) {
      const pkg = SHIM_PACKAGES.find((name) => spec === name || spec.startsWith(`${name}/`));
      if (!pkg) continue;
      if (!packageDir(pkg, this.root)) {
        throw new WeftBundlerError(
          `${this.rel(file)} imports ${spec}, which is not installed in ${this.root}: add ${pkg} to the app's dependencies (npm install ${pkg})`,
        );
      }
    }
  }

  /** The shim packages installed in the app, by name -> directory. */
  installedShims(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of SHIM_PACKAGES) {
      const dir = packageDir(name, this.root);
      if (dir) out[name] = dir;
    }
    return out;
  }
}

function defaultReport(file: string, ms: number): void {
  if (ms > 1000) console.info(`weft: transpiled ${file} in ${(ms / 1000).toFixed(1)} s`);
}

/** JSON with sorted keys, so equal options give equal cache keys. */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
