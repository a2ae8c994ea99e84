import type { ComponentCompiler } from './compile.js';

/** Compilers of the plugin instances in this process, by id: loader options must stay plain data. */
export const compilers = new Map<string, ComponentCompiler>();
