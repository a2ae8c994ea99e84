import type { TranspileOptions } from '@weft/transpiler';
import { globToRegExp } from './glob.js';

/**
 * `transpile()` options a project sets per component. The plugin owns `name`, `target`,
 * `instantiation` and `coreModuleUrl`: they follow from where the module runs and how it is imported.
 */
export type ComponentOptions = Omit<TranspileOptions, 'name' | 'target' | 'instantiation' | 'coreModuleUrl'> & {
  /** A plain import gives `instantiate(overrides?)` (a fresh instance per call, no top-level await). */
  lazy?: boolean;
};

export interface WeftOptions {
  /** Options for every component. */
  transpile?: ComponentOptions;
  /** Options per component, by glob over its path relative to the project root; later globs win. */
  files?: Record<string, ComponentOptions>;
  /** Write `<name>.d.wasm.ts` beside each component it loads. Default true. */
  dts?: boolean;
  /** Send `Cross-Origin-Opener-Policy`/`-Embedder-Policy` from the dev and preview servers (Vite). */
  crossOriginIsolation?: boolean | 'credentialless';
  /** Where transpiled output is cached. Default `<root>/node_modules/.cache/weft`. */
  cacheDir?: string;
  /** Called after each transpile; by default a transpile slower than a second is logged. */
  onTranspile?: (file: string, ms: number) => void;
}

/** The options for one component: `transpile`, then each matching `files` glob in order. */
export function componentOptions(options: WeftOptions, relPath: string): ComponentOptions {
  let out: ComponentOptions = { ...options.transpile };
  for (const [glob, o] of Object.entries(options.files ?? {})) {
    if (globToRegExp(glob).test(relPath)) out = { ...out, ...o };
  }
  return out;
}

/** The COOP/COEP pair `crossOriginIsolation` asks for, or none. */
export function isolationHeaders(option: WeftOptions['crossOriginIsolation']): Record<string, string> {
  if (!option) return {};
  return {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': option === 'credentialless' ? 'credentialless' : 'require-corp',
  };
}
