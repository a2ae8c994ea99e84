/**
 * # post: rewrites of the core modules that need more than the plan
 *
 * `asyncify` is the async modes' stage. It checks the async options against the plan, and for
 * the asyncify mode works out which core instances can reach an import that may wait
 * (`planAsyncify`: through imports, exports and shared tables), rewrites exactly those
 * modules with binaryen's asyncify pass (`asyncifyModule`) and returns a new plan; the
 * linker's plan is never edited. `wasm2jsModules` converts every core module to JavaScript
 * for `--js`. Both are cached by content (`cache.ts`) because a large module takes minutes,
 * and both need binaryen: a browser bundle of the transpiler leaves it out and says so.
 */ export { asyncify } from './asyncify.js';
export { ASYNCIFY_MEMORY_EXPORT, asyncifyModule, checkForwarder } from './asyncify-pass.js';
export { planAsyncify, type AsyncifyPlan } from './asyncify-plan.js';
export { defaultCacheDir } from './cache.js';
export { wasm2jsModules } from './wasm2js.js';
