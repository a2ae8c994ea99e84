import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Compiler, RuleSetRule } from 'webpack';
import { ComponentCompiler, partOf, type Env } from './compile.js';
import { isComponentFile } from './detect.js';
import type { WeftOptions } from './options.js';
import { packageDir } from './packages.js';
import type { LoaderOptions } from './webpack-loader.js';
import { compilers } from './webpack-registry.js';

export type { ComponentOptions, WeftOptions } from './options.js';

const here = dirname(fileURLToPath(import.meta.url));
let instances = 0;

function envOf(target: unknown): Env {
  const targets = Array.isArray(target) ? target : [target];
  return targets.some((t) => typeof t === 'string' && /node|electron-main/.test(t)) ? 'node' : 'browser';
}

/**
 * webpack plugin: `import { run } from './app.wasm'` for WebAssembly components. Its rule
 * claims only components (a function `test`: a rule whose regex mentions `.wasm` would turn
 * webpack's async WebAssembly off for the app's core modules).
 */
export class WeftPlugin {
  constructor(readonly options: WeftOptions = {}) {}

  apply(compiler: Compiler): void {
    const root = compiler.options.context ?? process.cwd();
    const components = new ComponentCompiler(root, this.options);
    const id = `weft-${instances++}`;
    compilers.set(id, components);
    const loaderOptions: LoaderOptions = { compiler: id, env: envOf(compiler.options.target), versions: components.versions };
    const rule: RuleSetRule = {
      test: (path: string) => path.endsWith('.wasm') && isComponentFile(path),
      resourceQuery: (query: string) => partOf(query) !== undefined,
      type: 'javascript/auto',
      use: [{ loader: join(here, 'webpack-loader.js'), options: loaderOptions }],
    };
    compiler.options.module.rules.push(rule);

    // One copy of each shim: the glue and the app's own configure() must share its state.
    // Exact matches only: a subpath (`@weft/wasi-filesystem/opfs`) goes through the package's exports.
    const shims = components.installedShims();
    const alias = compiler.options.resolve.alias;
    if (Array.isArray(alias)) for (const [name, dir] of Object.entries(shims)) alias.push({ name, alias: dir, onlyModule: true });
    else compiler.options.resolve.alias = { ...Object.fromEntries(Object.entries(shims).map(([name, dir]) => [`${name}$`, dir])), ...alias };

    const cache = compiler.options.cache;
    if (cache && typeof cache === 'object' && cache.type === 'filesystem') {
      const transpiler = packageDir('@weft/transpiler', here);
      cache.buildDependencies = {
        ...cache.buildDependencies,
        weft: [join(here, '..', 'package.json'), ...(transpiler ? [join(transpiler, 'package.json')] : [])],
      };
    }
  }
}

export default WeftPlugin;
