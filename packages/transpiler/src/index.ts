export type { TranspileOptions, TranspileResult } from './options.js';
export { transpile } from './transpile.js';
export { inspect, type InspectEntry, type InspectResult } from './inspect.js';
export { NOT_SUPPORTED, WeftError } from './error.js';
export { isNumericKind, type NumericKind, TYPED_ARRAYS } from './js/typed-arrays.js';
