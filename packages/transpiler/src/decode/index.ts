/**
 * # decode: bytes to a component AST
 *
 * The first stage reads a component binary into `ComponentAst`: every section in order,
 * nested components as nested ASTs, core modules as zero-copy slices of the input with
 * the summary later stages need (imports, exports, memories), and the custom sections.
 *
 * Nothing here interprets what it reads beyond the binary format: indices stay indices,
 * names stay strings. What the bytes mean is the next stage's job, so a structurally sound
 * but invalid component decodes fine and is refused by `types/`.
 *
 * Every read goes through `Reader`, which knows the absolute offset of each byte and how
 * far its section may go, so a malformed input becomes a `WeftError` naming the offset and
 * what was expected there, never an exception from deep inside a parser.
 *
 * Input depth is not bounded by the native stack: nested components are decoded with an
 * explicit stack of frames (`decodeComponent`). Component and instance *types* may nest
 * only `MAX_TYPE_DECL_DEPTH` deep, the one place the decoder recurses.
 */
export { decodeComponent } from './component.js';
export { readCoreModule } from './core-module.js';
export { Reader } from './reader.js';
export { MAX_TYPE_DECL_DEPTH } from './types.js';
export { spaceOf } from './ast.js';
export type * from './ast.js';
