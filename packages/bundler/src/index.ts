/** The bundler-free core: what the Vite and webpack adapters share. */
export { ComponentCompiler, partOf, WeftBundlerError, type Env, type Part } from './compile.js';
export { isComponent, isComponentFile } from './detect.js';
export { componentOptions, isolationHeaders, type ComponentOptions, type WeftOptions } from './options.js';
export { SHIM_PACKAGES } from './packages.js';
