import type { ComponentCompiler } from './compile.js';

const KEY = Symbol.for('weft.bundler.compilers');

/**
 * Compilers of the plugin instances in this process, by id: loader options must stay plain
 * data. Kept on globalThis, so a loader module loaded apart from the plugin's finds them.
 */
export const compilers: Map<string, ComponentCompiler> =
  ((globalThis as Record<symbol, unknown>)[KEY] as Map<string, ComponentCompiler> | undefined) ??
  (((globalThis as Record<symbol, unknown>)[KEY] = new Map<string, ComponentCompiler>()) as Map<string, ComponentCompiler>);
