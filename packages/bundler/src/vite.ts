import type { Plugin, ResolvedConfig } from 'vite';
import { ComponentCompiler, partOf, WeftBundlerError, type Env } from './compile.js';
import { isComponentFile } from './detect.js';
import { isolationHeaders, type WeftOptions } from './options.js';
import { SHIM_PACKAGES } from './packages.js';

export type { ComponentOptions, WeftOptions } from './options.js';

/**
 * The first version of each esbuild target that runs top-level await (ES2022 modules), which
 * eager component imports need.
 */
const TOP_LEVEL_AWAIT: Record<string, number> = { es: 2022, chrome: 89, edge: 89, firefox: 89, safari: 15, ios: 15, opera: 75, node: 14.8, deno: 1 };

/** The targets in a resolved `build.target` that cannot run top-level await. */
export function targetsWithoutTopLevelAwait(target: string | string[] | false | undefined): string[] {
  if (!target) return [];
  return (Array.isArray(target) ? target : [target]).filter((t) => {
    const m = /^([a-z]+)(\d+(?:\.\d+)?)/.exec(t.toLowerCase());
    const first = m ? TOP_LEVEL_AWAIT[m[1]!] : undefined;
    return first !== undefined && Number(m![2]) < first;
  });
}

function split(id: string): [string, string] {
  const q = id.indexOf('?');
  return q < 0 ? [id, ''] : [id.slice(0, q), id.slice(q)];
}

/**
 * Vite plugin: `import { run } from './app.wasm'` for WebAssembly components. Claims only
 * components (core `.wasm` stays Vite's), before Vite's own wasm handling. Add it to
 * `worker.plugins` too (with `worker.format: 'es'`) for components imported from workers.
 */
export default function weft(options: WeftOptions = {}): Plugin {
  let config: ResolvedConfig;
  let compiler: ComponentCompiler;
  const headers = isolationHeaders(options.crossOriginIsolation);
  return {
    name: 'weft',
    enforce: 'pre',
    config() {
      return {
        // The glue and the app must share one instance of each shim (its configuration is state).
        resolve: { dedupe: [...SHIM_PACKAGES] },
        optimizeDeps: { exclude: [...SHIM_PACKAGES] },
        ...(Object.keys(headers).length ? { server: { headers }, preview: { headers } } : {}),
      };
    },
    configResolved(resolved) {
      config = resolved;
      // Vite 7 transforms with esbuild, whose default browser targets reject string export
      // names (`export { x as "wasi:cli/run@0.2.12" }`): export interfaces by short name there.
      const major = Number(this.meta.viteVersion.split('.')[0]);
      const defaults = major < 8 ? { noNamespacedExports: true } : {};
      compiler = new ComponentCompiler(resolved.root, { ...options, transpile: { ...defaults, ...options.transpile } });
    },
    async load(id, loadOptions) {
      const [file, query] = split(id);
      if (!file.endsWith('.wasm')) return null;
      const part = partOf(query);
      if (!part || !isComponentFile(file)) return null;
      this.addWatchFile(file);
      const rel = compiler.rel(file);
      const eager = part === 'module' && !compiler.optionsFor(file).lazy;
      if (eager && config.isWorker && config.worker.format !== 'es') {
        throw new WeftBundlerError(
          `${rel} is imported in a worker built as '${config.worker.format}', which cannot hold top-level await: set worker: { format: 'es', plugins: () => [weft()] } in the Vite config, or import it with the ?instantiate query (lazy, no top-level await)`,
        );
      }
      const old = config.command === 'build' ? targetsWithoutTopLevelAwait(config.build.target) : [];
      if (eager && old.length) {
        throw new WeftBundlerError(
          `${rel} is imported eagerly, which needs top-level await, but build.target includes ${old.join(', ')}, which lacks it: raise build.target (es2022, chrome89, firefox89, safari15 or later), or import it with the ?instantiate query (lazy, no top-level await)`,
        );
      }
      const server = loadOptions?.ssr || (this as { environment?: { config: { consumer: string } } }).environment?.config.consumer === 'server';
      const env: Env = server ? 'node' : 'browser';
      return { code: await compiler.module(file, part, env), moduleType: 'js', map: { mappings: '' } };
    },
    handleHotUpdate(ctx) {
      if (!ctx.file.endsWith('.wasm') || !isComponentFile(ctx.file)) return;
      // A live instance holds guest memory and open handles: never hot-swap it, reload the page.
      for (const m of ctx.modules) ctx.server.moduleGraph.invalidateModule(m);
      ctx.server.ws.send({ type: 'full-reload' });
      return [];
    },
  };
}

export { weft };
