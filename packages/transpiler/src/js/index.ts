/**
 * # js: primitives for writing JavaScript, beneath every stage that writes it
 *
 * `Code` builds indented source with fresh local names, `names.ts` holds the naming
 * conventions (kebab-case WIT names to camelCase and PascalCase, identifiers, string
 * literals), and `helpers.ts` the registry of runtime helpers the generated glue may use,
 * each emitted once and only when used. `abi/` and `emit/` both build on them.
 */
export { Code } from './code.js';
export * from './helpers.js';
export * from './names.js';
export * from './typed-arrays.js';
