/**
 * # post: rewrites of the output that need more than the plan
 *
 * The last stage transforms core modules for the asynchronous modes. `planAsyncify` works
 * out from the plan which core instances can reach an import that may wait (through
 * imports, exports and shared tables); `asyncifyModule` rewrites exactly those modules with
 * binaryen's asyncify pass, cached by content (`cache.ts`) because a large module takes
 * minutes. It needs Node: a browser bundle of the transpiler leaves binaryen out and says so.
 */
export { ASYNCIFY_MEMORY_EXPORT, asyncifyModule, checkForwarder } from './asyncify-pass.js';
export { planAsyncify, type AsyncifyPlan } from './asyncify-plan.js';
export { defaultCacheDir } from './cache.js';
