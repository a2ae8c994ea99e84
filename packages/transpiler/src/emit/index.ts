/**
 * # emit: the generated ES module, its declarations and its WIT
 *
 * The fifth stage turns a `Plan` into JavaScript. `GlueWriter` writes the
 * `instantiate(getCoreModule, imports, instantiateCore)` function: per-instance state,
 * one trampoline per lowering and one wrapper per lift (using `abi/` for each value),
 * resource classes, and the instantiation sequence in the plan's order. `writeModule`
 * wraps it either as that instantiation API or as a self-instantiating ES module that
 * loads its core modules and imports its host modules (`specifiers.ts` applies `--map`
 * and the default `wasi:*` shim mapping). `dts.ts` writes the TypeScript declarations,
 * `wit.ts` prints WIT for messages and `inspect`.
 *
 * Only the runtime helpers the output uses are emitted, through the registry in
 * `js/helpers.ts`, so a component that uses no strings carries no string code.
 */
export { writeDts } from './dts.js';
export type { AsyncGlue, GlueOptions } from './glue/index.js';
export { writeModule, type ModuleOptions } from './module.js';
export { resolveSpecifier, type ImportSpecifier } from './specifiers.js';
export { suspendingImports, suspendingLowerings } from './suspending.js';
export { witFunc, witType } from './wit.js';
