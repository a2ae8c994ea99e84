/** Options accepted by `transpile()`; the CLI flags map onto these one to one. */
export interface TranspileOptions {
  /** Base name of the output files (`<name>.js`, `<name>.core.wasm`, ...). Default `component`. */
  name?: string;
  /**
   * Omit for ESM output that instantiates itself on import. `async` or `sync` emits
   * `instantiate(getCoreModule, imports)` instead, plus `<name>.host.js`: `imports(overrides?)`
   * wired to the WASI shims and `loadCoreModule`, a `getCoreModule` for async instantiation.
   */
  instantiation?: 'async' | 'sync';
  /**
   * Where the glue runs. `universal` (default) fetches core modules, or reads them from disk
   * on Node; `browser` only fetches (no Node branch for a bundler to trip on); `node` reads
   * `file:` URLs from disk and fetches anything else.
   */
  target?: 'browser' | 'node' | 'universal';
  /**
   * The JS expression the glue loads a core module from, given its file name (e.g.
   * `c.core.wasm`); it must evaluate to a URL or an absolute URL string (a relative one
   * resolves against the page). Default `new URL('./<file>', import.meta.url)`. Not used for
   * modules inlined as base64.
   */
  coreModuleUrl?: (file: string) => string;
  /** Import specifier remapping: `{ 'wasi:io/*': '@my/io#*' }`. */
  map?: Record<string, string>;
  /** Do not map `wasi:*` imports onto the `@weft/wasi-*` shim packages. */
  noWasiShim?: boolean;
  /** Core modules smaller than this many bytes are inlined as base64. Default 0 (never). */
  base64Cutoff?: number;
  /** Avoid top-level await in ESM output: export a `$init` promise instead. */
  tlaCompat?: boolean;
  /** Export interfaces only by their short name, not also by `ns:pkg/iface@ver`. */
  noNamespacedExports?: boolean;
  /**
   * Convert every core module to JavaScript with binaryen's wasm2js, so the component runs
   * where WebAssembly is unavailable. The output is one `<name>.js` holding the converted
   * modules; in instantiation mode it exports `instantiate(imports)`. Memories need
   * resizable ArrayBuffers (ES2024).
   */
  js?: boolean;
  /** Minify the generated glue with esbuild. */
  minify?: boolean;
  /** Do not emit `.d.ts` files. */
  noTypescript?: boolean;
  /**
   * How blocking imports wait for promises. `sync` (default): they may not. `jspi`: the
   * blocking WASI calls and `asyncImports` may return a promise and suspend the guest;
   * every export returns a promise. `asyncify`: the same, for engines without JSPI: the
   * core modules that can reach such an import are rewritten with binaryen's asyncify.
   */
  asyncMode?: 'sync' | 'jspi' | 'asyncify';
  /** Extra imports (`ns:pkg/iface#func` or `func`) that may return a promise. */
  asyncImports?: string[];
  /** Extra exports that return a promise (under `jspi` and `asyncify` every export does). */
  asyncExports?: string[];
  /**
   * Where rewritten core modules (asyncify) and their JavaScript (`js`) are cached by
   * content, so a large module is rewritten once. Default `$WEFT_CACHE_DIR` or `~/.cache/weft`; `false` for none.
   */
  cacheDir?: string | false;
}

export interface TranspileResult {
  /** Output file name -> contents. */
  files: Record<string, Uint8Array>;
  /** Import specifiers of the generated module, after mapping. */
  imports: string[];
  /** Export names of the generated module and what they are. */
  exports: [string, 'function' | 'instance'][];
}
