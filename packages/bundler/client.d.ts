/**
 * Types for `import { instantiate } from './x.wasm?instantiate'` (add "@weft/bundler/client"
 * to `compilerOptions.types`). A plain `import ... from './x.wasm'` gets precise types from the
 * `x.d.wasm.ts` the plugin writes beside the component (`allowArbitraryExtensions: true`).
 */
declare module '*.wasm?instantiate' {
  /** A fresh instance of the component; `overrides` replace whole imported interfaces. */
  export function instantiate(overrides?: Record<string, unknown>): Promise<Record<string, any>>;
}
