export type { TranspileOptions, TranspileResult } from './options.js';
export { transpile } from './transpile.js';
export { WeftError } from './error.js';
